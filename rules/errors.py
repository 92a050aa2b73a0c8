"""Domain errors of the rules engine.

* EhcpError               base of every error the product raises on purpose
  x FactsError            the facts of a review are unreadable or impossible;
                          carries every Problem found, each with its field path

A missed deadline is never an error: it is data (``rules.escalations``).
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with a review's facts, named by its field path (``decision.notified_on``)."""

    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.field}: {self.message}"


class EhcpError(Exception):
    """Base of the product's deliberate errors."""

    message = "EHCP rules error"

    def __init__(self, message: str | None = None) -> None:
        super().__init__(message or self.message)


class FactsError(EhcpError):
    """The facts cannot be used: every problem is listed, not just the first."""

    message = "the review's facts have problems"

    def __init__(self, problems: list[Problem]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(str(p) for p in problems) or self.message)
