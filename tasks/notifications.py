"""Notification tasks: put a ladder event's messages in the outbox, and deliver one queued message.

Thin wrappers over ``records.outbox`` and ``records.delivery``, one session (one transaction)
each. Parameters, results and logs carry ids, the review reference, the kind, the role and the
status only, never a name or an address. ``deliver_notification`` retries transient failures
(mail server down, HTTP 5xx, a database hiccup) and nothing else; its final failed attempt
leaves the row ``failed`` with the error recorded.
"""

from __future__ import annotations

from dataclasses import fields
from typing import Any, Final

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.context import TaskRunContext
from sqlalchemy import select
from sqlalchemy.exc import OperationalError

from notices.errors import TransientDeliveryError
from notices.planning import notifications_for_event
from records.delivery import DeliveryOutcome, deliver
from records.models import Review
from records.outbox import enqueue_planned, pending
from records.session import session_scope
from rules.escalations import LadderEvent
from tasks.db import rule_set, session_factory, settings, working_days
from tasks.notice_setup import la_directory, open_channel, webhook_roles

__all__ = ["DELIVERY_RETRIES", "deliver_notification", "deliver_pending", "enqueue_event_notifications"]

DELIVERY_RETRIES: Final = 3
DELIVERY_RETRY_DELAYS_SECONDS: Final[list[float]] = [10.0, 60.0, 300.0]
DB_RETRIES: Final = 3
SWEEP_MAX_ATTEMPTS: Final = 10


def retry_if_transient_delivery(task: Any, task_run: Any, state: Any) -> bool:
    """Retry a delivery only when the channel or the database said "try again later"."""
    try:
        state.result()
    except (TransientDeliveryError, OperationalError):
        return True
    except Exception:
        return False
    return False


def _is_final_attempt() -> bool:
    context = TaskRunContext.get()
    if context is None:  # called as a plain function: no retry will follow
        return True
    return context.task_run.run_count > context.task.retries


def _public(outcome: DeliveryOutcome) -> dict[str, Any]:
    return {f.name: getattr(outcome, f.name) for f in fields(outcome) if f.name != "error"}


@task(cache_policy=NO_CACHE, persist_result=False, retries=DB_RETRIES, retry_condition_fn=retry_if_transient_delivery)
def enqueue_event_notifications(review_ref: str, event: LadderEvent) -> list[int]:
    """Put a ladder event's notifications in the outbox once; return their ids (existing rows on a repeat)."""
    with session_scope(session_factory()) as session:
        review_id = session.scalars(select(Review.id).where(Review.reference == review_ref)).one()
        planned = notifications_for_event(
            event, review_id=review_id, review_ref=review_ref, webhook_roles=webhook_roles()
        )
        ids = [enqueue_planned(session, item).id for item in planned]
    get_run_logger().info(
        "Review %s: %s/%s has %d notifications queued", review_ref, event.deadline_key, event.step, len(ids)
    )
    return ids


def deliver_now(notification_id: int, *, final_attempt: bool, max_attempts: int | None = None) -> DeliveryOutcome:
    """Deliver one notification in its own transaction and return what happened (no Prefect needed)."""
    with session_scope(session_factory()) as session:
        return deliver(
            session,
            notification_id,
            open_channel=open_channel,
            la=la_directory(),
            rule_set=rule_set(),
            is_working_day=working_days(),
            final_attempt=final_attempt,
            actor=settings().actor,
            max_attempts=max_attempts,
        )


@task(
    cache_policy=NO_CACHE,
    persist_result=False,
    retries=DELIVERY_RETRIES,
    retry_delay_seconds=DELIVERY_RETRY_DELAYS_SECONDS,
    retry_condition_fn=retry_if_transient_delivery,
)
def deliver_notification(notification_id: int) -> dict[str, Any]:
    """Send one queued notification and record the outcome; a sent one is left alone (idempotent)."""
    outcome = deliver_now(notification_id, final_attempt=_is_final_attempt())
    logger = get_run_logger()
    logger.info(
        "Notification %d (review %s, %s to %s): %s after %d attempts",
        outcome.notification_id,
        outcome.review_ref,
        outcome.kind,
        outcome.role,
        "already sent" if outcome.already_sent else outcome.status,
        outcome.attempts,
    )
    if outcome.error is not None:
        raise outcome.error
    return _public(outcome)


def deliver_pending(limit: int = 100, *, max_attempts: int = SWEEP_MAX_ATTEMPTS) -> list[dict[str, Any]]:
    """Deliver up to ``limit`` queued notifications, each in its own transaction; one attempt each.

    A sweep for rows left queued (a crashed run, a mail server that was down): a transient
    failure stays queued for the next sweep until the row has had ``max_attempts`` attempts in
    all, then it becomes ``failed``; a permanent one is ``failed`` at once.
    """
    with session_scope(session_factory()) as session:
        ids = pending(session, limit)
    return [_public(deliver_now(one, final_attempt=False, max_attempts=max_attempts)) for one in ids]
