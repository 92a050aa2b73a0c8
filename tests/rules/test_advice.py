"""Advice for the meeting: needed two weeks before it (Reg 20(4)); reminders 14 and 3 days before, once each."""

from __future__ import annotations

from datetime import date

import pytest

from rules.advice import is_late, needed_by_on, reminder_due

NEEDED_BY = date(2027, 1, 28)  # Thu; meeting Thu 2027-02-11


def test_needed_by_on_is_two_weeks_before_the_meeting() -> None:
    assert needed_by_on(date(2027, 2, 11)) == NEEDED_BY


@pytest.mark.parametrize(
    ("today", "requested_on", "due"),
    [
        (date(2027, 1, 13), date(2027, 1, 4), None),  # Wed: the day before the first reminder
        (date(2027, 1, 14), date(2027, 1, 4), 14),  # Thu: 14 days before needed-by
        (date(2027, 1, 20), date(2027, 1, 4), 14),  # Wed: catch-up still gives the 14-day one (the key sends it once)
        (date(2027, 1, 25), date(2027, 1, 4), 3),  # Mon: 3 days before needed-by
        (date(2027, 1, 28), date(2027, 1, 4), 3),  # Thu: the needed-by day itself
        (date(2027, 1, 29), date(2027, 1, 4), None),  # Fri: past needed-by, no reminder
        (date(2027, 1, 14), date(2027, 1, 14), None),  # requested on the reminder's day: no reminder that day
        (date(2027, 1, 20), date(2027, 1, 15), None),  # requested after the 14-day day: it is not sent late
        (date(2027, 1, 25), date(2027, 1, 15), 3),  # Mon: but the 3-day one is
    ],
    ids=str,
)
def test_reminder_due_on_the_right_days_only(today: date, requested_on: date, due: int | None) -> None:
    assert reminder_due(NEEDED_BY, requested_on, today) == due


def test_advice_after_the_needed_by_day_is_late() -> None:
    assert not is_late(NEEDED_BY, NEEDED_BY)
    assert is_late(date(2027, 1, 29), NEEDED_BY)
