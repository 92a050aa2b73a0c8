"""The notifications outbox: enqueue once, claim for delivery, record the outcome.

Functions take a ``Session`` and never commit (the caller's unit of work does). ``enqueue`` is
safe to repeat and safe under concurrent callers: the unique ``idempotency_key`` lets one insert
win, the loser's insert is undone in a SAVEPOINT and the winner's row is read back.
``claim`` is the first write of a delivery: it locks the row (a row lock on PostgreSQL, the
write lock on SQLite) so two deliveries of one notification run one after the other, and the
second finds it sent.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from sqlalchemy import or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from records.models import Notification, NotificationStatus
from records.system_time import system_now
from rules.ladder import Role

__all__ = ["claim", "enqueue", "mark_failed", "mark_sent", "pending"]

ROLE_SEPARATOR = ","


def by_key(session: Session, idempotency_key: str) -> Notification | None:
    """Return the notification with this key, if any."""
    return session.scalar(select(Notification).where(Notification.idempotency_key == idempotency_key))


def enqueue(
    session: Session,
    *,
    idempotency_key: str,
    review_id: int | None,
    kind: str,
    channel: str,
    recipient_role: str,
    deadline_key: str | None = None,
    ladder_step: str | None = None,
    deadline_due_on: date | None = None,
    due_on: date | None = None,
    owner: str | None = None,
    audience: Iterable[str] = (),
    advisory: bool | None = None,
    expected_on: date | None = None,
    as_of: date | None = None,
    setting_id: int | None = None,
    term_id: str | None = None,
    family_contact_id: int | None = None,
    family_copy: bool | None = None,
) -> Notification:
    """Return the queued notification with this key, inserting it only if no row has the key yet."""
    row = Notification(
        idempotency_key=idempotency_key,
        review_id=review_id,
        template=str(kind),
        channel=str(channel),
        recipient_role=str(recipient_role),
        status=NotificationStatus.QUEUED.value,
        attempts=0,
        deadline_key=deadline_key,
        ladder_step=ladder_step,
        deadline_due_on=deadline_due_on,
        due_on=due_on,
        owner=None if owner is None else str(owner),
        audience=ROLE_SEPARATOR.join(map(str, audience)) or None,
        advisory=advisory,
        expected_on=expected_on,
        as_of=as_of,
        setting_id=setting_id,
        term_id=term_id,
        family_contact_id=family_contact_id,
        family_copy=family_copy,
        queued_at=system_now(),
    )
    try:
        with session.begin_nested():
            session.add(row)
    except IntegrityError:
        existing = by_key(session, idempotency_key)
        if existing is None:  # the conflict was not on the key: a real error
            raise
        return existing
    return row



def enqueue_for_operators(session: Session, *, idempotency_key: str, review_id: int | None, kind: str) -> Notification:
    """Queue a notice to the operators' role by email (a message failed for good, an input not recorded in time)."""
    return enqueue(
        session, idempotency_key=idempotency_key, review_id=review_id, kind=kind, channel="email",
        recipient_role=str(Role.OPERATORS),
    )  # fmt: skip

def claim(session: Session, notification_id: int) -> Notification | None:
    """Lock an unsent notification for delivery and count the attempt; None if it is sent or unknown."""
    result = session.execute(
        update(Notification)
        .where(Notification.id == notification_id, Notification.status != NotificationStatus.SENT.value)
        .values(attempts=Notification.attempts + 1)
        .execution_options(synchronize_session=False)
    )
    if getattr(result, "rowcount", 0) != 1:
        return None
    return session.scalars(
        select(Notification).where(Notification.id == notification_id).execution_options(populate_existing=True)
    ).one()


def mark_sent(row: Notification, *, address: str, provider_id: str | None) -> None:
    """Record that the channel accepted the message, where it went and when (system time)."""
    row.status = NotificationStatus.SENT.value
    row.sent_at = system_now()
    row.recipient_address = address
    row.provider_id = provider_id
    row.last_error = None


def mark_failed(row: Notification, *, error: str, final: bool, next_attempt_at: datetime | None = None) -> None:
    """Record a failed attempt: ``failed`` when no retry will follow, else ``queued`` until ``next_attempt_at``."""
    row.last_error = error
    row.status = NotificationStatus.FAILED.value if final else NotificationStatus.QUEUED.value
    row.next_attempt_at = None if final else next_attempt_at


def pending(session: Session, limit: int, *, now: datetime | None = None, after_id: int = 0) -> list[int]:
    """Return the ids of up to ``limit`` queued notifications, oldest first (uses the status index).

    With ``now``, only rows whose back-off has run out (``next_attempt_at`` unset or not after ``now``).
    """
    due = [or_(Notification.next_attempt_at.is_(None), Notification.next_attempt_at <= now)] if now is not None else []
    return list(
        session.scalars(
            select(Notification.id)
            .where(Notification.status == NotificationStatus.QUEUED.value, Notification.id > after_id, *due)
            .order_by(Notification.id)
            .limit(limit)
        )
    )
