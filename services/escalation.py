"""The clock's escalations, decided and raised once: what each review's pending events become.

For each review with pending events (one query for all of them), ``plan_review`` applies the catch-up rules
(``rules.catch_up``): events of a stage already done are cancelled, steps that a higher step of the same
deadline supersedes for every role are superseded, ended waits are noted, and the messages of a stage whose
input is received but not yet applied are held (``records.inbox.held_stages``). ``raise_event`` raises one
event in one transaction: it claims the pending event (a lost race with another clock is a skip) and queues
its notifications in the outbox. No Prefect: ``tasks.clock`` raises each event as a task run named by the
review and the step, and announces it as a Prefect event. Nothing here sends: the outbox sweep does.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date

from notices.planning import notifications_for_sending
from records.clock_events import WAIT_ENDED, PendingEvent, ReviewEvents, claim_event, mark_fired, pending_by_review
from records.inbox import held_stages
from records.models import EventStatus
from records.session import session_scope
from records.system_time import system_now
from rules.catch_up import Sending, select_for_sending
from rules.ladder import LadderStep
from services.outbox import enqueue_planned
from services.setup import rule_set, session_factory, webhook_roles

__all__ = [
    "EscalationSummary",
    "RaiseOutcome",
    "ReviewPlan",
    "plan_review",
    "plan_reviews",
    "raise_event",
    "settle",
]

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
        return RaiseOutcome(True, tuple(row.id for item in planned for row in enqueue_planned(session, item)))


@dataclass(frozen=True, slots=True)
class EscalationSummary:
    """What one clock run's escalation pass did (counts and references only)."""

    reviews: tuple[str, ...]
    raised: int
    queued: int
    settled: dict[str, int]


def plan_reviews(today: date) -> list[ReviewPlan]:
    """Return what to do with every review's pending events on ``today`` (one query for all of them)."""
    with session_scope(session_factory()) as session:
        pending = pending_by_review(session)
        held = held_stages(session)
    ladder = rule_set().ladder
    return [plan_review(review, today, ladder, held.get(review.review_id)) for review in pending]
