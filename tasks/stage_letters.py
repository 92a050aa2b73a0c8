"""Queueing a recorded stage's letters in the outbox, in the stage's own transaction (no Prefect).

``notices.stage_letters`` decides which letters go to whom from the records' reach (a setting to
copy, a school or college the plan names); this puts them in the outbox once each. A cease notice
recorded on the decision's own day is carried by each role's decision letter while that letter is
still unsent: its row is locked first, so a delivery running at the same moment either sends it
before (and the notice is queued) or after (and renders it as the notice), never neither.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from notices.stage_letters import StageLetter, letters_for_stage_input
from records.models import Notification, NotificationStatus, Review
from records.outbox import enqueue
from rules.transitions import StageInput
from tasks.notice_context import letter_reach

__all__ = ["queue_letters"]


def _carried_by_unsent(session: Session, letter: StageLetter) -> bool:
    """Whether an earlier, still unsent letter to the same role will carry this one (it is rendered at send time)."""
    if letter.unless_unsent is None:
        return False
    earlier = session.scalar(
        select(Notification).where(Notification.idempotency_key == letter.unless_unsent).with_for_update()
    )
    return earlier is not None and earlier.status != NotificationStatus.SENT.value


def queue_letters(session: Session, review_ref: str, given: StageInput) -> int:
    """Put the letters of an accepted stage input in the outbox (once each); return how many it queued."""
    review = session.scalars(select(Review).where(Review.reference == review_ref)).one()
    letters = letters_for_stage_input(
        review_ref, given, reach=letter_reach(review), decided_on=review.decision_notified_on
    )
    queued = 0
    for letter in letters:
        if _carried_by_unsent(session, letter):
            continue
        enqueue(
            session,
            idempotency_key=letter.idempotency_key,
            review_id=review.id,
            kind=letter.kind,
            channel="email",
            recipient_role=letter.recipient_role,
        )
        queued += 1
    return queued
