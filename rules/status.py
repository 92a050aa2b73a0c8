"""Where each deadline stands on a business date: met, open, due soon or missed.

Pure module. A deadline owed by someone is met when the fact that meets it is
recorded on or before its day, met late when recorded after, missed when its
day has passed with its stage still open. Windows, openings and forecasts
(owner ``none``) are simply upcoming or passed.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
from enum import StrEnum
from typing import Final

from rules.deadlines import Deadline, Owner
from rules.facts import ReviewFacts
from rules.stages import Stage

__all__ = ["DUE_SOON_DAYS", "Status", "met_on", "status_of"]

DUE_SOON_DAYS: Final = 14


class Status(StrEnum):
    MET = "met"
    MET_LATE = "met late"
    DONE = "done"  # the stage is over but the date it was met is not recorded
    OPEN = "open"
    DUE_SOON = "due soon"
    MISSED = "missed"
    UPCOMING = "upcoming"
    PASSED = "passed"


def met_on(key: str, facts: ReviewFacts) -> date | None:
    """Return the recorded date on which a deadline's duty was done, if any."""
    decided = facts.decision.notified_on if facts.decision is not None else None
    return {
        "invitations_due": facts.invitations_sent_on,
        "advice_due": facts.advice_circulated_on,
        "meeting_due": facts.meeting_held_on,
        "report_due": facts.report_received_on,
        "decision_due": decided,
        "review_due": decided,
        "final_plan_due": facts.final_plan_issued_on,
        "phase_transfer_due": facts.final_plan_issued_on,
        "interim_review_due": decided,
        "transfer_meeting_by": facts.meeting_held_on,
        "transfer_decision_by": decided,
    }.get(key)


def status_of(deadline: Deadline, done_on: date | None, completed: Collection[Stage], today: date) -> Status:
    """Return the deadline's status on ``today``."""
    if deadline.owner is Owner.NOBODY or deadline.stage is None:
        return Status.PASSED if deadline.due_on < today else Status.UPCOMING
    if done_on is not None:
        return Status.MET if done_on <= deadline.due_on else Status.MET_LATE
    if deadline.stage in completed:
        return Status.DONE
    if deadline.due_on < today:
        return Status.MISSED
    if deadline.due_on - today <= timedelta(days=DUE_SOON_DAYS):
        return Status.DUE_SOON
    return Status.OPEN
