"""The outbox, as the services use it: planned notifications queued once, and swept and delivered with retries.

Plain functions, no Prefect (``tasks.clock`` wraps the sweep in a task and announces rows failed for good).
``enqueue_planned`` is the seam that keeps ``records/`` free of ``notices/``: a planned notification is mapped
to the outbox row's columns here. The sweep delivers each queued row in its own transaction; parameters,
results and logs carry ids, the review reference, the kind, the role and the status only, never a name or an
address. Nothing here raises a delivery failure: the outbox row carries the outcome, a transient failure is
tried again after its back-off (``EHCP_DELIVERY_RETRY_DELAYS_SECONDS``) until it is older than
``EHCP_DELIVERY_MAX_AGE_HOURS``, then it fails for good and the operators are told.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Final

from sqlalchemy.orm import Session

from notices.planning import PlannedNotification
from records.models import Notification, NotificationStatus, Review
from records.outbox import enqueue, pending
from records.session import session_scope
from records.system_time import system_now
from rules.ladder import Role
from services.delivery import DeliveryOutcome, RetryPolicy, deliver
from services.family_letters import enqueue_family_letter
from services.setup import (
    authority_terms,
    la_directory,
    notice_settings,
    open_channel,
    rule_set,
    session_factory,
    settings,
    working_days,
)

__all__ = ["SweepSummary", "deliver_now", "enqueue_planned", "retry_policy", "sweep_outbox"]

SWEEP_BATCH: Final = 200


def enqueue_planned(session: Session, planned: PlannedNotification) -> list[Notification]:
    """Return the outbox rows of a planned notification (each inserted once, keyed by its idempotency key).

    A family letter becomes one row per lawful addressee and channel (``services.family_letters``), decided on
    the business date the notification speaks for."""
    columns = _event_columns(planned)
    if planned.recipient_role is Role.FAMILY:
        review = session.get_one(Review, planned.review_id)
        on = planned.as_of or planned.due_on
        return enqueue_family_letter(session, review, idempotency_key=planned.idempotency_key, on=on, **columns)
    return [
        enqueue(
            session,
            idempotency_key=planned.idempotency_key,
            review_id=planned.review_id,
            channel=planned.channel,
            recipient_role=planned.recipient_role,
            **columns,
        )
    ]


def _event_columns(planned: PlannedNotification) -> dict[str, Any]:
    return {
        "kind": planned.kind,
        "deadline_key": planned.deadline_key,
        "ladder_step": planned.ladder_step,
        "deadline_due_on": planned.deadline_due_on,
        "due_on": planned.due_on,
        "owner": planned.owner,
        "audience": planned.audience,
        "advisory": planned.advisory,
        "expected_on": planned.expected_on,
        "as_of": planned.as_of,
    }


def retry_policy() -> RetryPolicy:
    """Return the configured back-off and give-up age of the outbox sweep."""
    configured = notice_settings()
    return RetryPolicy(
        tuple(configured.delivery_retry_delays_seconds), timedelta(hours=configured.delivery_max_age_hours)
    )


def deliver_now(notification_id: int, *, now: datetime | None = None) -> DeliveryOutcome:
    """Deliver one notification in its own transaction and return what happened (no Prefect needed)."""
    with session_scope(session_factory()) as session:
        return deliver(
            session,
            notification_id,
            open_channel=open_channel,
            la=la_directory(),
            rule_set=rule_set(),
            is_working_day=working_days(),
            actor=settings().actor,
            now=now or system_now(),
            retry=retry_policy(),
            terms=authority_terms(),
        )


@dataclass(frozen=True, slots=True)
class SweepSummary:
    """What one sweep of the outbox did (counts only)."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    already_sent: int = 0

    def add(self, outcome: DeliveryOutcome) -> SweepSummary:
        """Return this summary counting one more delivery."""
        if outcome.already_sent:
            return SweepSummary(self.sent, self.retrying, self.failed, self.already_sent + 1)
        if outcome.status == NotificationStatus.SENT:
            return SweepSummary(self.sent + 1, self.retrying, self.failed, self.already_sent)
        if outcome.status == NotificationStatus.FAILED:
            return SweepSummary(self.sent, self.retrying, self.failed + 1, self.already_sent)
        return SweepSummary(self.sent, self.retrying + 1, self.failed, self.already_sent)


def sweep_outbox(
    now: datetime | None = None,
    *,
    limit: int | None = None,
    on_failed: Callable[[DeliveryOutcome], None] | None = None,
) -> SweepSummary:
    """Try every queued notification whose back-off has run out, once each, oldest first (no Prefect needed).

    Operators' notices queued by this sweep (a row failed for good) go out in the same sweep; ``on_failed``
    hears of each row failed for good.
    """
    at = now or system_now()
    summary, after = SweepSummary(), 0
    while limit is None or summary.sent + summary.retrying + summary.failed + summary.already_sent < limit:
        with session_scope(session_factory()) as session:
            ids = pending(session, SWEEP_BATCH, now=at, after_id=after)
        if not ids:
            break
        for one in ids:
            outcome = deliver_now(one, now=at)
            summary = summary.add(outcome)
            if on_failed is not None and not outcome.already_sent and outcome.status == NotificationStatus.FAILED:
                on_failed(outcome)
        after = ids[-1]
    return summary
