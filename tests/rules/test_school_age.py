"""The end of compulsory school age (Education Act 1996 s8(3); School Leaving Date Order 1997, art. 2)."""

from __future__ import annotations

from datetime import date

import pytest

from rules.school_age import compulsory_school_age_ends_on, is_young_person, school_leaving_date


@pytest.mark.parametrize(
    ("year", "leaving"),
    [
        (2025, "Fri 2025-06-27"),  # 30 June is a Monday
        (2026, "Fri 2026-06-26"),  # 30 June is a Tuesday (STATUTORY.md s9's example)
        (2027, "Fri 2027-06-25"),  # 30 June is a Wednesday
        (2028, "Fri 2028-06-30"),  # 30 June is itself the last Friday
        (2029, "Fri 2029-06-29"),  # 30 June is a Saturday
    ],
)
def test_school_leaving_date_is_the_last_friday_in_june(year: int, leaving: str) -> None:
    found = school_leaving_date(year)
    assert found == date.fromisoformat(leaving.split()[1]) and found.weekday() == 4


@pytest.mark.parametrize(
    ("born", "ends"),
    [
        ("2009-09-01", "Fri 2026-06-26"),  # first of the 2009/10 cohort: turns 16 in September 2025
        ("2010-08-31", "Fri 2026-06-26"),  # last of the cohort: turns 16 after the leaving date, before September
        ("2010-09-01", "Fri 2027-06-25"),  # a day younger: the next school year
        ("2009-08-31", "Fri 2025-06-27"),  # a day older: the school year before
        ("2010-06-26", "Fri 2026-06-26"),  # turns 16 on the leaving date itself (s8(3)(b))
        ("2009-05-31", "Fri 2025-06-27"),  # the audit's Year 13 student (AR-2026-00002)
        ("2008-02-29", "Fri 2024-06-28"),  # a leap-day birthday
    ],
)
def test_compulsory_school_age_ends_on_the_leaving_date_of_the_school_year_they_turn_16(born: str, ends: str) -> None:
    assert compulsory_school_age_ends_on(date.fromisoformat(born)) == date.fromisoformat(ends.split()[1])


@pytest.mark.parametrize(
    ("born", "on", "young"),
    [
        ("2010-08-31", "Thu 2026-06-25", False),  # the day before the leaving date
        ("2010-08-31", "Fri 2026-06-26", False),  # the leaving date: of compulsory school age until its end
        ("2010-08-31", "Sat 2026-06-27", True),  # the day after: a young person
        ("2010-09-01", "Sat 2026-06-27", False),  # born a day later: a child for another school year
        ("2010-09-01", "Sat 2027-06-26", True),
        ("2009-09-01", "Sat 2026-06-27", True),
        ("2009-09-01", "Fri 2026-06-26", False),
    ],
)
def test_is_young_person_from_the_day_after_the_leaving_date(born: str, on: str, young: bool) -> None:
    assert is_young_person(date.fromisoformat(born), date.fromisoformat(on.split()[1])) is young
