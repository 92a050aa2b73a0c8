"""Calendar counting (STATUTORY.md section 1): month shifts, 12-month spans, working days, London dates."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pendulum
import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.calendar import (
    IsWorkingDay,
    add_working_days,
    last_day_of_months_starting_with,
    next_working_day,
    shift_months,
    to_london_date,
)
from tests.support import d


@pytest.mark.parametrize(
    ("start", "months", "expected"),
    [
        ("Fri 2025-03-14", 12, "Fri 2026-03-13"),  # STATUTORY.md s1 example
        ("Thu 2024-02-29", 12, "Fri 2025-02-28"),  # leap day: Feb 2025 has no 29th, so its last day
        ("Sat 2025-03-01", 12, "Sat 2026-02-28"),  # the day before 1 Mar is the last of Feb
        ("Tue 2023-02-28", 12, "Tue 2024-02-27"),  # spans a leap day: the day before 28 Feb 2024
        ("Wed 2023-03-01", 12, "Thu 2024-02-29"),  # the day before 1 Mar 2024 is the leap day
        ("Fri 2025-01-31", 12, "Fri 2026-01-30"),  # month end, same month a year on
        ("Wed 2025-12-31", 12, "Wed 2026-12-30"),  # year end
        ("Mon 2026-08-31", 6, "Sun 2027-02-28"),  # 6 months on is 31 Feb: no such day, so Feb's last day
        ("Wed 2026-09-30", 6, "Mon 2027-03-29"),  # 30 Mar exists: the day before it
    ],
)
def test_last_day_of_months_starting_with(start: str, months: int, expected: str) -> None:
    assert last_day_of_months_starting_with(d(start), months) == d(expected)


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        ("Wed 2027-09-01", -5, "Thu 2027-04-01"),  # s1: 5 months before a 1 Sep transfer
        ("Sat 2027-07-31", -5, "Sun 2027-02-28"),  # clamped to February's last day
        ("Mon 2026-06-15", 2, "Sat 2026-08-15"),  # appeal period: same day-of-month
        ("Sat 2026-10-31", 2, "Thu 2026-12-31"),
        ("Wed 2025-12-31", 2, "Sat 2026-02-28"),  # clamped
        ("Fri 2023-12-29", 2, "Thu 2024-02-29"),  # clamped to a leap day
        ("Thu 2024-02-29", 12, "Fri 2025-02-28"),
    ],
)
def test_shift_months_clamps_to_month_end(day: str, months: int, expected: str) -> None:
    assert shift_months(d(day), months) == d(expected)


@given(st.dates(date(2000, 1, 1), date(2099, 12, 31)), st.integers(-24, 24))
def test_shift_months_agrees_with_pendulum(day: date, months: int) -> None:
    expected = pendulum.Date(day.year, day.month, day.day).add(months=months)
    assert shift_months(day, months) == date(expected.year, expected.month, expected.day)


@pytest.mark.parametrize(
    ("start", "days", "expected"),
    [
        ("Mon 2026-02-09", 5, "Mon 2026-02-16"),  # a plain week
        ("Fri 2026-04-03", 1, "Tue 2026-04-07"),  # from Good Friday over Easter Monday
        ("Wed 2026-12-23", 5, "Mon 2027-01-04"),  # Christmas, Boxing Day substitute, New Year
        ("Sat 2026-05-23", 1, "Tue 2026-05-26"),  # over a weekend and the Spring bank holiday
        ("Tue 2026-02-10", 0, "Tue 2026-02-10"),  # zero days is the day itself
    ],
)
def test_add_working_days_skips_weekends_and_bank_holidays(
    start: str, days: int, expected: str, is_working_day: IsWorkingDay
) -> None:
    assert add_working_days(d(start), days, is_working_day=is_working_day) == d(expected)


def test_add_working_days_refuses_negative(is_working_day: IsWorkingDay) -> None:
    with pytest.raises(ValueError, match="forwards only"):
        add_working_days(d("Mon 2026-02-09"), -1, is_working_day=is_working_day)


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        ("Mon 2026-08-31", "Tue 2026-09-01"),  # Summer bank holiday
        ("Sat 2026-12-26", "Tue 2026-12-29"),  # Boxing Day on a Saturday; substitute Monday 28th
        ("Wed 2026-12-30", "Wed 2026-12-30"),  # already a working day
    ],
)
def test_next_working_day(day: str, expected: str, is_working_day: IsWorkingDay) -> None:
    assert next_working_day(d(day), is_working_day=is_working_day) == d(expected)


@pytest.mark.parametrize(
    ("instant", "expected"),
    [
        (datetime(2026, 3, 28, 23, 30, tzinfo=UTC), "Sat 2026-03-28"),  # GMT: UTC date is the London date
        (datetime(2026, 3, 29, 23, 30, tzinfo=UTC), "Mon 2026-03-30"),  # BST: 00:30 next day in London
        (datetime(2026, 10, 25, 0, 30, tzinfo=UTC), "Sun 2026-10-25"),  # BST ends that morning
        (datetime(2026, 6, 1, 1, 0, tzinfo=timezone(timedelta(hours=5))), "Sun 2026-05-31"),
    ],
)
def test_to_london_date(instant: datetime, expected: str) -> None:
    assert to_london_date(instant) == d(expected)


def test_to_london_date_refuses_naive_instants() -> None:
    with pytest.raises(ValueError, match="aware"):
        to_london_date(datetime(2026, 1, 1, 12, 0))
