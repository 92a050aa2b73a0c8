"""Where each deadline stands on a business date: met, met late, breach, open, due soon or missed.

Pure module. A deadline owed by someone is met when the fact that meets it is
recorded on or before its day, met late when recorded after, missed when its
day has passed with it still open. A deadline is open until its own fact is
recorded or its stage is over, except a phase transfer, which only a final
amended plan naming the next placement meets (Reg 18(1)): a maintain or cease
decision leaves it open. A breach (``rules.consistency.breaches``) is never
"met"; nor is a deadline the law no longer lets anyone meet (it falls inside the
representation window): that one stands as a breach until the document is out.
Windows, openings and forecasts (owner ``none``) are simply upcoming or passed.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from datetime import date, timedelta
from enum import StrEnum
from typing import Final

from rules.deadlines import Deadline, Owner
from rules.facts import ReviewFacts
from rules.stages import Stage

__all__ = ["DUE_SOON_DAYS", "Status", "is_open", "met_on", "status_of"]

DUE_SOON_DAYS: Final = 14


class Status(StrEnum):
    MET = "met"
    MET_LATE = "met late"
    BREACH = "breach"  # done unlawfully (kept as history), or no longer possible to do lawfully
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
        "report_due": facts.report_sent_on or facts.report_received_on,  # the duty is to send (Reg 20(7)-(8))
        "decision_due": decided,
        "review_due": decided,
        "amendment_notice_due": facts.amendment_notice_sent_on,
        "final_plan_due": facts.final_plan_issued_on or facts.amendments_withdrawn_on,
        "phase_transfer_due": facts.final_plan_issued_on,
        "interim_review_due": facts.interim_review_held_on or decided,  # an interim review, else the annual one
        "transfer_meeting_by": facts.meeting_held_on,
        "transfer_decision_by": decided,
    }.get(key)


def is_open(deadline: Deadline, done_on: date | None, completed: Collection[Stage]) -> bool:
    """Return whether someone still owes this deadline (what the clock and the ladder chase)."""
    if deadline.owner is Owner.NOBODY or deadline.stage is None or done_on is not None:
        return False
    return not (deadline.closed_by_stage and deadline.stage in completed)


def status_of(
    deadline: Deadline,
    done_on: date | None,
    completed: Collection[Stage],
    today: date,
    breaches: Mapping[str, str] | None = None,
) -> Status:
    """Return the deadline's status on ``today`` (``breaches`` from ``rules.consistency.breaches``)."""
    if deadline.owner is Owner.NOBODY or deadline.stage is None:
        return Status.PASSED if deadline.due_on < today else Status.UPCOMING
    if breaches and deadline.key in breaches:
        return Status.BREACH
    if done_on is not None:
        return Status.MET if done_on <= deadline.due_on else Status.MET_LATE
    if not is_open(deadline, done_on, completed):
        return Status.DONE
    if deadline.due_on < today:
        return Status.MISSED
    if deadline.earliest_lawful_on is not None:
        return Status.BREACH
    if deadline.due_on - today <= timedelta(days=DUE_SOON_DAYS):
        return Status.DUE_SOON
    return Status.OPEN
