"""England and Wales bank holidays from the maintained ``holidays`` calendar (never a hand-typed list).

Pure module: no clock, no I/O. Called once at a composition root (the CLI, a
flow) to build the working-day predicate that is then passed into the rules.
Years are loaded on first use and cached inside the returned predicate, so a
review in 2099 works as well as one this year.
"""

from __future__ import annotations

from datetime import date

import holidays

from rules.calendar import IsWorkingDay, weekday_working_days

__all__ = ["england_and_wales_bank_holidays", "england_and_wales_working_days"]


def england_and_wales_bank_holidays(year: int) -> frozenset[date]:
    """Return the bank holidays of England and Wales in ``year``."""
    return frozenset(holidays.country_holidays("GB", subdiv="ENG", years=year))


def england_and_wales_working_days() -> IsWorkingDay:
    """Return the working-day predicate: weekdays that are not England and Wales bank holidays."""
    by_year: dict[int, frozenset[date]] = {}

    def is_bank_holiday(day: date) -> bool:
        year_days = by_year.get(day.year)
        if year_days is None:
            year_days = by_year[day.year] = england_and_wales_bank_holidays(day.year)
        return day in year_days

    return weekday_working_days(is_bank_holiday)
