"""Advice for the annual review meeting: when it is needed, and when a professional is reminded.

Pure module (SEND Regulations 2014, Reg 20(3)(a) and 20(4); SEND Code of Practice 9.166-9.176; STATUTORY.md
stage 1): the advice is obtained and circulated at least two weeks before the meeting, so it is needed by
``ADVICE_NEEDED_BEFORE_MEETING_DAYS`` before it. A professional who has not replied is reminded
``REMINDER_DAYS_BEFORE`` days before the needed-by date, once each; a reminder whose day passed before the request
was sent is not sent, and on a day when both are due only the later one is (no stale reminder on catch-up).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

__all__ = ["ADVICE_NEEDED_BEFORE_MEETING_DAYS", "REMINDER_DAYS_BEFORE", "is_late", "needed_by_on", "reminder_due"]

ADVICE_NEEDED_BEFORE_MEETING_DAYS: Final = 14
"""Reg 20(4): advice circulated at least two weeks before the meeting."""
REMINDER_DAYS_BEFORE: Final = (14, 3)
"""Days before the needed-by date a professional who has not replied is reminded (issue 21)."""


def needed_by_on(meeting_on: date) -> date:
    """Return the last day advice is needed by: two weeks before the meeting."""
    return meeting_on - timedelta(days=ADVICE_NEEDED_BEFORE_MEETING_DAYS)


def is_late(received_on: date, needed_by: date) -> bool:
    """Return whether advice received on ``received_on`` came after its needed-by date."""
    return received_on > needed_by


def reminder_due(needed_by: date, requested_on: date, today: date) -> int | None:
    """Return which reminder (days before ``needed_by``) is due on ``today``, or None.

    The latest reminder whose day has come wins; none after the needed-by date, none whose day came before
    (or on) the day the request was sent."""
    if today > needed_by:
        return None
    for days in sorted(REMINDER_DAYS_BEFORE):
        on = needed_by - timedelta(days=days)
        if on <= today:
            return days if requested_on < on else None
    return None
