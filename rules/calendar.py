"""Calendar counting for statutory dates (STATUTORY.md section 1).

Pure module: every date comes in as an argument; nothing reads a clock.

All statutory dates are London calendar dates held as ``datetime.date``. Day
arithmetic uses the standard library (``date + timedelta``), which is about
forty times cheaper than pendulum's ``Date.add`` and gives the same answer for
whole days. Month shifting is done here with an explicit clamp to the month's
last day; a property test proves it agrees with ``pendulum.Date.add(months=)``.
pendulum serves the one conversion that needs a time zone: an instant to its
London date.
"""

from __future__ import annotations

import calendar as _stdlib_calendar
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Final

import pendulum

__all__ = [
    "LONDON",
    "IsWorkingDay",
    "add_working_days",
    "last_day_of_months_starting_with",
    "next_working_day",
    "shift_months",
    "to_london_date",
    "weekday_working_days",
]

LONDON: Final = pendulum.timezone("Europe/London")

IsWorkingDay = Callable[[date], bool]
"""Predicate: True when a date is a working day (built at the composition root)."""

_DAYS_IN_MONTH: Final = tuple(
    tuple(_stdlib_calendar.monthrange(2001 if not leap else 2000, m)[1] for m in range(1, 13)) for leap in (False, True)
)


def _days_in_month(year: int, month: int) -> int:
    return _DAYS_IN_MONTH[_stdlib_calendar.isleap(year)][month - 1]


def shift_months(day: date, months: int) -> date:
    """Return ``day`` moved by ``months`` (either sign), same day-of-month, clamped to the month's last day."""
    index = day.year * 12 + day.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(day.day, _days_in_month(year, month)))


def last_day_of_months_starting_with(start: date, months: int) -> date:
    """Return the last day of the period of ``months`` months starting with ``start``.

    STATUTORY.md section 1: the day before the same day-of-month ``months`` on;
    if that month has no such day, its last day (29 Feb 2024 -> 28 Feb 2025).
    """
    index = start.year * 12 + start.month - 1 + months
    year, month = divmod(index, 12)
    month += 1
    if start.day > _days_in_month(year, month):
        return date(year, month, _days_in_month(year, month))
    return date(year, month, start.day) - timedelta(days=1)


def weekday_working_days(bank_holidays: Callable[[date], bool]) -> IsWorkingDay:
    """Return a working-day predicate: Monday to Friday and not a bank holiday."""

    def is_working_day(day: date) -> bool:
        return day.weekday() < 5 and not bank_holidays(day)

    return is_working_day


def next_working_day(day: date, *, is_working_day: IsWorkingDay) -> date:
    """Return ``day`` itself if it is a working day, else the first working day after it."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def add_working_days(start: date, days: int, *, is_working_day: IsWorkingDay) -> date:
    """Return the date ``days`` working days after ``start`` (``start`` itself is not counted)."""
    if days < 0:
        raise ValueError("add_working_days counts forwards only; days must be >= 0")
    day = start
    remaining = days
    while remaining:
        day += timedelta(days=1)
        if is_working_day(day):
            remaining -= 1
    return day


def to_london_date(instant: datetime) -> date:
    """Return the London calendar date of an aware instant (the only instant-to-date conversion)."""
    if instant.tzinfo is None:
        raise ValueError("to_london_date needs an aware datetime; a naive one has no place in time")
    local = pendulum.instance(instant).in_timezone(LONDON)
    return date(local.year, local.month, local.day)
