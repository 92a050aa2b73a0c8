"""UK dates on the pages: "14 February 2027" out, GOV.UK day / month / year inputs in."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date

from notices.render import london_date

_ISO = re.compile(r"\b(\d{4})-(\d{2})-(\d{2})\b")


def uk_date(day: date | None) -> str:
    """Return "14 February 2027" (the letters' date without the weekday), or "not known"."""
    if day is None:
        return "not known"
    return london_date(day).split(" ", 1)[1]


def uk_dates_in(text: str) -> str:
    """Return the text with its ISO dates (as the rules write them) in UK form."""

    def one(match: re.Match[str]) -> str:
        try:
            return uk_date(date(int(match[1]), int(match[2]), int(match[3])))
        except ValueError:
            return match[0]

    return _ISO.sub(one, text)


class DateEntryError(ValueError):
    """A day / month / year entry that is not a real date; the message says how to fix it."""


def date_parts(form: Mapping[str, str], name: str) -> tuple[str, str, str]:
    return tuple(str(form.get(f"{name}-{part}", "")).strip() for part in ("day", "month", "year"))  # type: ignore[return-value]


def parse_date_parts(form: Mapping[str, str], name: str, label: str, *, required: bool = True) -> date | None:
    """Return the date entered as ``<name>-day``, ``-month`` and ``-year``; raise DateEntryError naming the fix."""
    day, month, year = date_parts(form, name)
    if not (day or month or year):
        if required:
            raise DateEntryError(f"Enter {label.lower()}")
        return None
    missing = [part for part, value in (("day", day), ("month", month), ("year", year)) if not value]
    if missing:
        raise DateEntryError(f"{label} must include a {' and '.join(missing)}")
    if not (day.isdigit() and month.isdigit() and year.isdigit() and len(year) == 4):
        raise DateEntryError(f"{label} must be a real date, for example 14 2 2027")
    try:
        return date(int(year), int(month), int(day))
    except ValueError:
        raise DateEntryError(f"{label} must be a real date, for example 14 2 2027") from None
