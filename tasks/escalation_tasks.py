"""The clock's escalations: what each review's pending events become, raised in the clock's own run.

For each review with pending events (one query for all of them), ``plan_review`` applies the
catch-up rules (``rules.catch_up``): events of a stage already done are cancelled, steps that a
higher step of the same deadline supersedes for every role are superseded, ended waits are
noted. Each remaining event is raised by ``raise_escalation``, a task run named by the review
reference and the step (``AR-2026-00123 · decision_due missed``) so an operator finds a review's
escalations by searching its reference. Raising is one transaction: claim the pending event
(a lost race with another clock is a skip), queue its notifications in the outbox. Only the
winner emits the Prefect events, with the review's flow run as a related resource. Nothing here
sends: the outbox sweep does (``tasks.notifications``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE
from prefect.events import emit_event

from notices.planning import notifications_for_sending
from records.clock_events import WAIT_ENDED, PendingEvent, ReviewEvents, claim_event, mark_fired, pending_by_review
from records.inbox import held_stages
from records.models import EventStatus
from records.session import session_scope
from records.system_time import system_now
from rules.catch_up import Sending, select_for_sending
from rules.ladder import LadderStep
from tasks.db import rule_set, session_factory
from tasks.notice_setup import webhook_roles
from tasks.queueing import enqueue_planned
from tasks.review_tasks import DB_RETRIES, retry_if_transient

__all__ = [
    "MISSED_STEP",
    "RaiseOutcome",
    "ReviewPlan",
    "escalate_reviews",
    "plan_review",
    "raise_escalation",
    "raise_event",
    "settle",
]

MISSED_STEP: Final = "missed"
REVIEW_RUN_ROLE: Final = "review-run"


@dataclass(frozen=True, slots=True)
class ReviewPlan:
    """What the clock does with one review's pending events on a business date."""

    reference: str
    review_id: int
    flow_run_id: str | None
    raise_: tuple[tuple[int, Sending], ...]
    cancelled: tuple[int, ...] = ()
    superseded: tuple[int, ...] = ()
    waits_ended: tuple[PendingEvent, ...] = ()


def plan_review(
    review: ReviewEvents, today: date, ladder: Sequence[LadderStep], held_stage: int | None = None
) -> ReviewPlan:
    """Return what to raise, cancel and supersede of one review's pending events (a pure decision).

    ``held_stage``: a person's input for that stage is received and not yet applied, so the messages of the
    deadlines it may meet (that stage's and the later stages': a decision carries the amendment notice) are
    held, left pending, neither sent nor superseded. Once the input is applied they are cancelled with the
    stage done, or sent as the record then stands (STATUTORY.md s5: only what is true)."""
    cancelled = tuple(e.event_id for e in review.events if not e.still_open)
    waits = tuple(e for e in review.events if e.still_open and e.ladder_step == WAIT_ENDED)
    steps = [
        e
        for e in review.events
        if e.still_open and e.ladder_step != WAIT_ENDED and not _held(e, held_stage)
    ]
    events = [e.ladder_event() for e in steps]
    chosen = select_for_sending(events, today, ladder)
    ids = {id(event): pending.event_id for event, pending in zip(events, steps, strict=True)}
    return ReviewPlan(
        review.reference,
        review.review_id,
        review.flow_run_id,
        tuple((ids[id(s.event)], s) for s in chosen.send),
        cancelled,
        tuple(ids[id(e)] for e in chosen.dropped),
        waits,
    )


def _held(event: PendingEvent, held_stage: int | None) -> bool:
    return held_stage is not None and event.stage is not None and event.stage >= held_stage


def settle(plans: Iterable[ReviewPlan]) -> dict[str, int]:
    """Mark, in one transaction, the events nobody hears of: cancelled, superseded, ended waits."""
    plans = list(plans)
    now = system_now()
    with session_scope(session_factory()) as session:
        return {
            "cancelled": mark_fired(session, [i for p in plans for i in p.cancelled], now, EventStatus.CANCELLED),
            "superseded": mark_fired(session, [i for p in plans for i in p.superseded], now, EventStatus.SUPERSEDED),
            "waits_ended": mark_fired(session, [w.event_id for p in plans for w in p.waits_ended], now),
        }


@dataclass(frozen=True, slots=True)
class RaiseOutcome:
    """What raising one event did: whether this clock claimed it, and the outbox rows it queued."""

    claimed: bool
    notification_ids: tuple[int, ...] = field(default=())


def raise_event(review_ref: str, review_id: int, event_id: int, sending: Sending, today: date) -> RaiseOutcome:
    """Claim a pending event and queue its notifications, in one transaction (no Prefect needed)."""
    with session_scope(session_factory()) as session:
        if not claim_event(session, event_id, system_now()):
            return RaiseOutcome(False)
        planned = notifications_for_sending(
            sending,
            review_id=review_id,
            review_ref=review_ref,
            as_of=today,
            ladder=rule_set().ladder,
            webhook_roles=webhook_roles(),
        )
        return RaiseOutcome(True, tuple(enqueue_planned(session, item).id for item in planned))


def _payload(sending: Sending, today: date) -> dict[str, Any]:
    event = sending.event
    return {
        "deadline": event.deadline_key,
        "step": event.step,
        "due_on": event.due_on.isoformat(),
        "deadline_due_on": event.deadline_due_on.isoformat(),
        "business_date": today.isoformat(),
        "owner": str(event.owner),
        "roles": [str(r) for r in sending.roles],
        "advisory": event.advisory,
    }


def announce(review_ref: str, flow_run_id: str | None, sending: Sending, today: date) -> list[str]:
    """Emit ``ehcp.deadline.missed`` (for a missed step) and ``ehcp.escalation.raised``; return their names."""
    resource = {"prefect.resource.id": f"ehcp.review.{review_ref}", "prefect.resource.name": review_ref}
    related = (
        [{"prefect.resource.id": f"prefect.flow-run.{flow_run_id}", "prefect.resource.role": REVIEW_RUN_ROLE}]
        if flow_run_id
        else []
    )
    names = ["ehcp.escalation.raised"]
    if sending.event.step == MISSED_STEP:
        names.insert(0, "ehcp.deadline.missed")
    for name in names:
        emit_event(event=name, resource=resource, related=related, payload=_payload(sending, today))
    return names


@task(
    name="raise escalation",
    task_run_name="{review_ref} · {sending.event.deadline_key} {sending.event.step}",
    cache_policy=NO_CACHE,
    persist_result=False,
    retries=DB_RETRIES,
    retry_condition_fn=retry_if_transient,
)
def raise_escalation(
    review_ref: str, review_id: int, flow_run_id: str | None, event_id: int, sending: Sending, today: date
) -> int | None:
    """Raise one ladder event of one review: queue its notifications once and announce it; return how many
    (None when another clock run raised it first: a lost race is a skip)."""
    outcome = raise_event(review_ref, review_id, event_id, sending, today)
    logger = get_run_logger()
    if not outcome.claimed:
        logger.info("Review %s: %s %s already raised by another clock run", review_ref, *_step(sending))
        return None
    announce(review_ref, flow_run_id, sending, today)
    logger.info(
        "Review %s: %s %s to %s, %d notifications queued",
        review_ref,
        *_step(sending),
        ", ".join(sending.roles),
        len(outcome.notification_ids),
    )
    return len(outcome.notification_ids)


def _step(sending: Sending) -> tuple[str, str]:
    return sending.event.deadline_key, sending.event.step


@dataclass(frozen=True, slots=True)
class EscalationSummary:
    """What one clock run's escalation pass did (counts and references only)."""

    reviews: tuple[str, ...]
    raised: int
    queued: int
    settled: dict[str, int]


def escalate_reviews(today: date) -> EscalationSummary:
    """Raise every pending event of every review (oldest first), as task runs of the calling flow."""
    with session_scope(session_factory()) as session:
        pending = pending_by_review(session)
        held = held_stages(session)
    ladder = rule_set().ladder
    plans = [plan_review(review, today, ladder, held.get(review.review_id)) for review in pending]
    settled = settle(plans)
    raised = queued = 0
    for plan in plans:
        for event_id, sending in plan.raise_:
            count = raise_escalation(plan.reference, plan.review_id, plan.flow_run_id, event_id, sending, today)
            if count is not None:
                raised, queued = raised + 1, queued + count
    return EscalationSummary(tuple(p.reference for p in plans), raised, queued, settled)
