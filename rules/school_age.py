"""The end of compulsory school age: the day a child becomes a young person (STATUTORY.md section 9).

Pure module: dates in, dates out. Education Act 1996 s8(3): a person ceases to be of compulsory school age
at the end of the school leaving date (a) of the calendar year in which they turn 16 after that date but
before the next school year begins, (b) on which they turn 16, or (c) otherwise next following their 16th
birthday. The Education (School Leaving Date) Order 1997 (SI 1997/1970), art. 2, makes the school leaving
date the last Friday in June. In practice (the school year taken to begin in September) a child born
1 September 2009 to 31 August 2010 ceases to be of compulsory school age at the end of Friday 26 June 2026.
From the next day they are a young person (Children and Families Act 2014 s83(2): "a person over compulsory
school age but under 25"), and the decisions and rights of appeal under Part 3 are their own.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

__all__ = ["compulsory_school_age_ends_on", "is_young_person", "school_leaving_date"]

FRIDAY: Final = 4
FIRST_MONTH_OF_SCHOOL_YEAR: Final = 9
"""September: a birthday from September on falls in the school year that ends the following June."""
SCHOOL_LEAVING_AGE: Final = 16


def school_leaving_date(year: int) -> date:
    """Return the school leaving date of ``year``: the last Friday in June (SI 1997/1970, art. 2)."""
    last = date(year, 6, 30)
    return last - timedelta(days=(last.weekday() - FRIDAY) % 7)


def compulsory_school_age_ends_on(date_of_birth: date) -> date:
    """Return the last day of compulsory school age: the leaving date of the school year the child turns 16.

    The person is still of compulsory school age on this day; they cease to be at its end (EA 1996 s8(3)).
    """
    turns_16_in = date_of_birth.year + SCHOOL_LEAVING_AGE
    if date_of_birth.month >= FIRST_MONTH_OF_SCHOOL_YEAR:
        turns_16_in += 1
    return school_leaving_date(turns_16_in)


def is_young_person(date_of_birth: date, on: date) -> bool:
    """Return whether the person is over compulsory school age on ``on`` (a young person, CFA 2014 s83(2))."""
    return on > compulsory_school_age_ends_on(date_of_birth)
