"""Notification tasks: sweep the outbox (every clock run), or deliver one queued message now.

Thin wrappers over ``records.outbox`` and ``tasks.delivery``, one session (one transaction)
per message. Parameters, results and logs carry ids, the review reference, the kind, the role
and the status only, never a name or an address. Nothing here raises a delivery failure: the
outbox row carries the outcome, and the sweep tries a transient failure again after its
back-off (``EHCP_DELIVERY_RETRY_DELAYS_SECONDS``) until it is older than
``EHCP_DELIVERY_MAX_AGE_HOURS``, then fails it for good and tells the operators.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime, timedelta
from functools import cache
from typing import Any

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.events import emit_event

from records.models import NotificationStatus
from records.outbox import pending
from records.session import session_scope
from records.system_time import system_now
from reports.terms import Term, load_terms
from tasks.db import rule_set, session_factory, settings, working_days
from tasks.delivery import DeliveryOutcome, RetryPolicy, deliver
from tasks.notice_setup import la_directory, notice_settings, open_channel

__all__ = ["SweepSummary", "deliver_notification", "deliver_now", "deliver_outbox", "retry_policy", "sweep_outbox"]

SWEEP_BATCH = 200


@cache
def authority_terms() -> tuple[Term, ...]:
    """Return the authority's term dates (``EHCP_TERM_DATES_FILE``), read once per process."""
    return tuple(load_terms(settings().term_dates_file).terms)


def retry_policy() -> RetryPolicy:
    """Return the configured back-off and give-up age of the outbox sweep."""
    configured = notice_settings()
    return RetryPolicy(
        tuple(configured.delivery_retry_delays_seconds), timedelta(hours=configured.delivery_max_age_hours)
    )


def _public(outcome: DeliveryOutcome) -> dict[str, Any]:
    return {f.name: getattr(outcome, f.name) for f in fields(outcome) if f.name != "error"}


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


@task(name="deliver outbox", cache_policy=NO_CACHE, persist_result=False)
def deliver_outbox(limit: int | None = None) -> dict[str, int]:
    """Sweep the outbox: send what is queued and due, back off what failed for a passing reason.

    Each row failed for good is announced as an ``ehcp.notification.failed`` event (the operators'
    automation in ``deployments/automations/notification-failed.yaml`` keys on it): ids, kind, role and
    channel only, never an address or a name."""
    summary = sweep_outbox(limit=limit, on_failed=announce_failed)
    get_run_logger().info(
        "Outbox: %d sent, %d to retry later, %d failed for good (operators told), %d already sent",
        summary.sent,
        summary.retrying,
        summary.failed,
        summary.already_sent,
    )
    return {f.name: getattr(summary, f.name) for f in fields(summary)}


def announce_failed(outcome: DeliveryOutcome) -> None:
    """Emit the event operators' automations attach to when a message could not be delivered for good."""
    resource = {"prefect.resource.id": f"ehcp.notification.{outcome.notification_id}"}
    if outcome.review_ref:
        resource["ehcp.review"] = outcome.review_ref
    payload = {
        "review": outcome.review_ref,
        "kind": outcome.kind,
        "role": outcome.role,
        "channel": outcome.channel,
        "attempts": outcome.attempts,
    }
    emit_event(event="ehcp.notification.failed", resource=resource, payload=payload)


@task(cache_policy=NO_CACHE, persist_result=False)
def deliver_notification(notification_id: int) -> dict[str, Any]:
    """Send one queued notification now and record the outcome; never raises a delivery failure."""
    outcome = deliver_now(notification_id)
    get_run_logger().info(
        "Notification %d (review %s, %s to %s): %s after %d attempts",
        outcome.notification_id,
        outcome.review_ref,
        outcome.kind,
        outcome.role,
        "already sent" if outcome.already_sent else outcome.status,
        outcome.attempts,
    )
    return _public(outcome)
