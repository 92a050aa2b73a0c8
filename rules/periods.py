"""Statutory periods as data, each with its legal citation (STATUTORY.md sections 1-6).

Pure module. Data format: a ``Period`` is an amount, a unit and a counting
convention; ``Period.apply(day)`` turns an anchor date into the last compliant
day. The conventions are those of STATUTORY.md section 1:

- ``AFTER``: "within N weeks/days of D" -> D + N (also "N months from D", clamped);
- ``BEFORE``: "at least N weeks/days/months before D" -> D - N (months clamped);
- ``STARTING_WITH``: "the N days/months starting (beginning) with D" -> the last day of that span.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from rules.calendar import last_day_of_months_starting_with, shift_months

__all__ = ["Counting", "Period", "Unit"]


class Unit(StrEnum):
    DAYS = "days"
    WEEKS = "weeks"
    MONTHS = "months"


class Counting(StrEnum):
    AFTER = "after"
    BEFORE = "before"
    STARTING_WITH = "starting_with"


@dataclass(frozen=True, slots=True)
class Period:
    """A statutory or policy period and where it comes from."""

    amount: int
    unit: Unit
    counting: Counting
    citation: str
    _delta: timedelta = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.amount <= 0:
            raise ValueError(f"a period must be positive, got {self.amount} {self.unit}")
        if not self.citation:
            raise ValueError("every period cites its source")
        days = self.amount * 7 if self.unit is Unit.WEEKS else self.amount
        object.__setattr__(self, "_delta", timedelta(days=days))

    @property
    def days(self) -> int:
        """The length in days (weeks converted); meaningless for month periods."""
        return self._delta.days

    def apply(self, day: date) -> date:
        """Return the last compliant day of this period counted from ``day``."""
        if self.unit is Unit.MONTHS:
            if self.counting is Counting.STARTING_WITH:
                return last_day_of_months_starting_with(day, self.amount)
            sign = -1 if self.counting is Counting.BEFORE else 1
            return shift_months(day, sign * self.amount)
        if self.counting is Counting.BEFORE:
            return day - self._delta
        if self.counting is Counting.STARTING_WITH:
            return day + self._delta - timedelta(days=1)
        return day + self._delta
