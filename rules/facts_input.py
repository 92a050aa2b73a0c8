"""Reading a review's facts from plain data (the ``ehcp deadlines`` JSON file).

Pure module: a mapping comes in, ``ReviewFacts`` or a ``FactsError`` listing
every problem comes out. Each problem names its field path and how to fix it:
an unreadable or impossible date, an unknown outcome or transfer kind, an
unknown field (with the nearest known name), a missing required field, and
facts in an impossible order (``rules.consistency``).
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import fields
from datetime import date
from enum import StrEnum
from typing import Any, Final, TypeVar

from rules.consistency import order_problems
from rules.errors import FactsError, Problem
from rules.facts import Decision, LedBy, Outcome, PhaseTransfer, PreviousReview, ReviewFacts, TransferKind

__all__ = ["EARLIEST_DATE", "FACT_FIELDS", "LATEST_DATE", "parse_date", "review_facts_from"]

FACT_FIELDS = tuple(f.name for f in fields(ReviewFacts))
_NESTED = {
    "previous_review": ("meeting_on", "decision_on"),
    "phase_transfer": ("kind", "year", "transfer_on"),
    "decision": ("outcome", "notified_on"),
}
_E = TypeVar("_E", bound=StrEnum)
_T = TypeVar("_T")


EARLIEST_DATE: Final = date(1990, 1, 1)
LATEST_DATE: Final = date(2100, 12, 31)
_ISO_DATE: Final = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", re.ASCII)


def parse_date(value: object) -> date:
    """Return the date of a strict ASCII ``YYYY-MM-DD`` string from 1990-01-01 to 2100-12-31.

    ValueError says why it is not one: another shape (``2026-2-3``), non-ASCII digits, an
    impossible day, or a year outside the range any review can have.
    """
    if not isinstance(value, str):
        raise ValueError(f"expected a date as text YYYY-MM-DD, got {value!r}")
    if not _ISO_DATE.fullmatch(value):
        raise ValueError(f"{value!r} is not a date in the form YYYY-MM-DD (ASCII digits, for example 2026-02-03)")
    year, month, day = (int(p) for p in value.split("-"))
    try:
        parsed = date(year, month, day)
    except ValueError as exc:
        raise ValueError(f"{value!r} is not a real date ({exc})") from None
    if not EARLIEST_DATE <= parsed <= LATEST_DATE:
        raise ValueError(f"{value!r} is outside the dates a review can have ({EARLIEST_DATE} to {LATEST_DATE})")
    return parsed


class _Reader:
    """Collects problems while reading, so every one is reported together."""

    def __init__(self) -> None:
        self.problems: list[Problem] = []

    def unknown_fields(self, data: Mapping[str, Any], known: tuple[str, ...], prefix: str) -> None:
        for name in data:
            if name not in known:
                near = difflib.get_close_matches(str(name), known, n=1)
                hint = f"did you mean '{near[0]}'?" if near else f"known fields: {', '.join(known)}"
                self.problems.append(Problem(f"{prefix}{name}", f"unknown field; {hint}"))

    def convert(self, path: str, value: object, convert: Callable[[object], _T]) -> _T | None:
        try:
            return convert(value)
        except ValueError as exc:
            self.problems.append(Problem(path, str(exc)))
            return None

    def date(self, data: Mapping[str, Any], name: str, prefix: str = "", *, required: bool = False) -> date | None:
        path = f"{prefix}{name}"
        if data.get(name) is None:
            if required:
                self.problems.append(Problem(path, "required: give the date as YYYY-MM-DD"))
            return None
        return self.convert(path, data[name], parse_date)

    def choice(self, data: Mapping[str, Any], name: str, prefix: str, enum: type[_E]) -> _E | None:
        path, value = f"{prefix}{name}", data.get(name)
        allowed = ", ".join(e.value for e in enum)
        if value is None:
            self.problems.append(Problem(path, f"required: one of {allowed}"))
            return None
        try:
            return enum(value)
        except ValueError:
            self.problems.append(Problem(path, f"unknown value {value!r}; expected one of {allowed}"))
            return None

    def section(self, data: Mapping[str, Any], name: str) -> Mapping[str, Any] | None:
        value = data.get(name)
        if value is None:
            return None
        if not isinstance(value, Mapping):
            self.problems.append(Problem(name, f"expected an object with fields {', '.join(_NESTED[name])}"))
            return None
        self.unknown_fields(value, _NESTED[name], f"{name}.")
        return value


def _year(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a year such as 2027, got {value!r}")
    if not EARLIEST_DATE.year <= value <= LATEST_DATE.year:
        raise ValueError(f"{value} is outside the years a review can have ({EARLIEST_DATE.year}-{LATEST_DATE.year})")
    return value


def _previous(r: _Reader, data: Mapping[str, Any]) -> PreviousReview | None:
    section = r.section(data, "previous_review")
    if section is None:
        return None
    meeting = r.date(section, "meeting_on", "previous_review.", required=True)
    decision = r.date(section, "decision_on", "previous_review.", required=True)
    return PreviousReview(meeting, decision) if meeting and decision else None


def _transfer(r: _Reader, data: Mapping[str, Any]) -> PhaseTransfer | None:
    section = r.section(data, "phase_transfer")
    if section is None:
        return None
    kind = r.choice(section, "kind", "phase_transfer.", TransferKind)
    year = r.convert("phase_transfer.year", section["year"], _year) if "year" in section else None
    transfer_on = r.date(section, "transfer_on", "phase_transfer.")
    return PhaseTransfer(kind, year, transfer_on) if kind else None


def _decision(r: _Reader, data: Mapping[str, Any]) -> Decision | None:
    section = r.section(data, "decision")
    if section is None:
        return None
    outcome = r.choice(section, "outcome", "decision.", Outcome)
    notified = r.date(section, "notified_on", "decision.", required=True)
    return Decision(outcome, notified) if outcome and notified else None


_NOT_DATES = frozenset({*_NESTED, "plan_first_issued_on", "led_by"})
_PLAIN_DATES = tuple(name for name in FACT_FIELDS if name not in _NOT_DATES)


def _led_by(r: _Reader, data: Mapping[str, Any]) -> LedBy:
    if data.get("led_by") is None:
        return LedBy.SETTING
    return r.choice(data, "led_by", "", LedBy) or LedBy.SETTING


def review_facts_from(data: object) -> ReviewFacts:
    """Return the facts in ``data``; raise FactsError naming every problem."""
    if not isinstance(data, Mapping):
        raise FactsError([Problem("(file)", "expected a JSON object of review facts")])
    r = _Reader()
    r.unknown_fields(data, FACT_FIELDS, "")
    first = r.date(data, "plan_first_issued_on", required=True)
    nested = {
        "previous_review": _previous(r, data),
        "phase_transfer": _transfer(r, data),
        "decision": _decision(r, data),
    }
    plain = {name: r.date(data, name) for name in _PLAIN_DATES}
    led_by = _led_by(r, data)
    if r.problems or first is None:
        raise FactsError(r.problems)
    facts = ReviewFacts(plan_first_issued_on=first, led_by=led_by, **nested, **plain)  # type: ignore[arg-type]
    problems = order_problems(facts)
    if problems:
        raise FactsError(problems)
    return facts
