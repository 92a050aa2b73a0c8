"""The post room's day: the letters in a day's print batch, and the confirmation that they were posted.

No Prefect, nothing personal: a batch is listed by outbox row, review reference, kind and file name (the PDF holds
the address). ``mark_posted`` records, once, that every letter batched on a day was posted (the post room's
confirmation, or the operator's after checking GOV.UK Notify's dashboard), audit-logged.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from records.audit import record
from records.models import LetterCopy, Notification, NotificationStatus, Review

__all__ = ["BatchLine", "batch_of", "mark_posted"]


@dataclass(frozen=True, slots=True)
class BatchLine:
    """One posted letter of a day's batch (nothing personal)."""

    notification_id: int
    reference: str
    kind: str
    file_name: str | None
    posted_at: datetime | None


def _rows(session: Session, day: date) -> list[Notification]:
    return list(
        session.scalars(
            select(Notification)
            .where(
                Notification.channel == "post",
                Notification.status == NotificationStatus.SENT.value,
                Notification.letter_on == day,
                Notification.batched_at.is_not(None),
            )
            .order_by(Notification.id)
        )
    )


def batch_of(session: Session, day: date) -> list[BatchLine]:
    """Return the letters put in the print batch of ``day`` (the date they bear)."""
    lines = []
    for row in _rows(session, day):
        review = session.get(Review, row.review_id) if row.review_id is not None else None
        kept = session.get(LetterCopy, row.id)
        lines.append(BatchLine(row.id, review.reference if review else "", row.template,
                               kept.file_name if kept else row.provider_id, row.posted_at))  # fmt: skip
    return lines


def mark_posted(session: Session, day: date, *, now: datetime, actor: str) -> int:
    """Record that the letters of ``day``'s batch were posted (those not already marked); return how many."""
    rows = [row for row in _rows(session, day) if row.posted_at is None]
    for row in rows:
        row.posted_at = now
    if rows:
        record(session, actor=actor, action="print_batch.posted",
               detail={"day": day.isoformat(), "letters": len(rows)})  # fmt: skip
    return len(rows)
