"""What ``ehcp doctor`` reads from the records: the outbox's backlog and failures, and which open reviews keep a run.

Persistence only: counts and ids, no Prefect and no clock reads (the business date is passed in).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from records.models import Notification, NotificationStatus
from records.review_runs import reviews_needing_runs


@dataclass(frozen=True, slots=True)
class OutboxHealth:
    """Outbox rows waiting to be sent (of those, how many already failed once) and rows failed for good."""

    queued: int
    retrying: int
    failed: int


def outbox_health(session: Session) -> OutboxHealth:
    """Count the outbox rows by what an operator must do about them."""
    counts = select(Notification.status, func.count()).group_by(Notification.status)
    by_status = dict(session.execute(counts).all())
    retrying = session.scalar(
        select(func.count()).where(Notification.status == NotificationStatus.QUEUED.value, Notification.attempts > 0)
    )
    queued = by_status.get(NotificationStatus.QUEUED.value, 0)
    failed = by_status.get(NotificationStatus.FAILED.value, 0)
    return OutboxHealth(queued=queued, retrying=retrying or 0, failed=failed)


def open_review_runs(session: Session, as_of: date) -> dict[str, str | None]:
    """Return each open review that should have a live run by ``as_of``, with the run id it keeps (or None).

    The same reviews the clock's liveness pass keeps alive (``records.review_runs.reviews_needing_runs``)."""
    return {review.reference: review.flow_run_id for review in reviews_needing_runs(session, as_of)}
