"""Delivering one queued notification: claim it, render it from the records, send it, record the outcome.

No Prefect here (``tasks.notifications`` wraps this in a task with retries). Everything happens
in the caller's one transaction: the claim locks the row, so a second delivery of the same
notification waits and then finds it sent. If the process dies after the channel accepted the
message but before the commit, the row is still queued and a later delivery sends it again:
delivery is at least once, and the window is the commit itself.

A failure is recorded on the row (``last_error``, ``attempts``) and in the audit log, then
returned to the caller, who decides whether to raise it (so a retry can follow).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

from sqlalchemy.orm import Session

from notices.channels import Channel
from notices.errors import DeliveryError, PermanentDeliveryError, RenderError
from notices.planning import OutboxChannel
from notices.recipients import LaDirectory
from records import audit
from records.models import Notification, Review
from records.notice_context import prepare_notice
from records.outbox import claim, mark_failed, mark_sent
from rules.calendar import IsWorkingDay
from rules.rule_set import RuleSet

__all__ = ["DeliveryOutcome", "UnknownNotification", "deliver"]

# A webhook URL holds a secret: the row records only that the message went to the webhook.
WEBHOOK_ADDRESS = OutboxChannel.WEBHOOK.value

OpenChannel = Callable[[str], AbstractContextManager[Channel]]
"""Given an outbox channel name (``email``, ``webhook``), a context manager yielding the channel."""


class UnknownNotification(LookupError):
    """No notification has this id."""


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    """What one delivery did, in terms safe for logs and Prefect (no names, no addresses)."""

    notification_id: int
    review_ref: str | None
    kind: str
    role: str
    channel: str
    status: str
    attempts: int
    already_sent: bool = False
    error: DeliveryError | RenderError | None = field(default=None, compare=False)


def _outcome(
    row: Notification,
    review_ref: str | None,
    *,
    already_sent: bool = False,
    error: DeliveryError | RenderError | None = None,
) -> DeliveryOutcome:
    return DeliveryOutcome(
        row.id, review_ref, row.template, row.recipient_role, row.channel, row.status, row.attempts, already_sent, error
    )


def _reference(session: Session, row: Notification) -> str | None:
    review = session.get(Review, row.review_id) if row.review_id is not None else None
    return review.reference if review is not None else None


def _audit(session: Session, row: Notification, action: str, actor: str, error: str | None = None) -> None:
    detail = {
        "notification_id": row.id,
        "kind": row.template,
        "role": row.recipient_role,
        "channel": row.channel,
        "attempts": row.attempts,
        "status": row.status,
    }
    if error is not None:
        detail["error"] = error
    audit.record(
        session,
        actor=actor,
        action=action,
        review_id=row.review_id,
        detail=detail,
        idempotency_key=f"notification/{row.id}/{action}/{row.attempts}",
    )


def deliver(
    session: Session,
    notification_id: int,
    *,
    open_channel: OpenChannel,
    la: LaDirectory,
    rule_set: RuleSet,
    is_working_day: IsWorkingDay,
    final_attempt: bool,
    actor: str,
    max_attempts: int | None = None,
) -> DeliveryOutcome:
    """Send a queued notification once and record the outcome; a sent one is left alone.

    Args:
        final_attempt: no retry follows this attempt, so a transient failure is recorded as ``failed``.
        max_attempts: also final once the row has been tried this many times in all (sweeps).
    """
    row = claim(session, notification_id)
    if row is None:
        sent = session.get(Notification, notification_id)
        if sent is None:
            raise UnknownNotification(f"no notification has the id {notification_id}")
        return _outcome(sent, _reference(session, sent), already_sent=True)
    try:
        prepared = prepare_notice(session, row, la=la, rule_set=rule_set, is_working_day=is_working_day)
        with open_channel(row.channel) as channel:
            result = channel.send(prepared.message, prepared.recipient)
    except (RenderError, DeliveryError) as exc:
        spent = max_attempts is not None and row.attempts >= max_attempts
        final = final_attempt or spent or isinstance(exc, RenderError | PermanentDeliveryError)
        mark_failed(row, error=str(exc), final=final)
        action = "notification.failed" if final else "notification.attempt_failed"
        _audit(session, row, action, actor, str(exc))
        return _outcome(row, _reference(session, row), error=exc)
    address = prepared.recipient.email if row.channel != OutboxChannel.WEBHOOK else WEBHOOK_ADDRESS
    mark_sent(row, address=address or "", provider_id=result.provider_id)
    _audit(session, row, "notification.sent", actor)
    return _outcome(row, prepared.reference)
