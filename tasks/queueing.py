"""Putting planned notifications in the outbox: ``notices.planning`` decides, ``records.outbox`` stores.

Plain functions, no Prefect. This is the seam that keeps ``records/`` free of ``notices/``:
the planned notification is mapped to the outbox row's columns here.
"""

from __future__ import annotations

from sqlalchemy.orm import Session

from notices.planning import PlannedNotification
from records.models import Notification
from records.outbox import enqueue

__all__ = ["enqueue_planned"]


def enqueue_planned(session: Session, planned: PlannedNotification) -> Notification:
    """Return the outbox row of a planned notification (inserted once, keyed by its idempotency key)."""
    return enqueue(
        session,
        idempotency_key=planned.idempotency_key,
        review_id=planned.review_id,
        kind=planned.kind,
        channel=planned.channel,
        recipient_role=planned.recipient_role,
        deadline_key=planned.deadline_key,
        ladder_step=planned.ladder_step,
        deadline_due_on=planned.deadline_due_on,
        due_on=planned.due_on,
        owner=planned.owner,
        audience=planned.audience,
        advisory=planned.advisory,
        expected_on=planned.expected_on,
        as_of=planned.as_of,
    )
