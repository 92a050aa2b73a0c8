"""The clock's escalations as Prefect sees them: a few task runs per pass, and one Prefect event per review.

``services.escalation`` decides what each review's pending events become and raises each in one transaction;
this module raises the events of up to ``REVIEWS_PER_TASK_RUN`` reviews in one task run named by their
references (``AR-2026-00123, AR-2026-00124, … · escalations``), so an operator still finds a review's
escalations by searching its reference; the task run logs each step, and emits one event per review:
``ehcp.deadline.missed`` when a step says a deadline was missed, else ``ehcp.escalation.raised``; its payload
lists every step raised. At England's size (100,000 plans) one event per raised step flooded Prefect's event
queue, and so did one task run per review in a catch-up (each task run is three state events the server
records one by one; issue 22); a task run per batch of reviews does not. Only the clock that claimed an event
announces it (a lost race is a skip).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from prefect import get_run_logger
from prefect.events import emit_event

from notices.kinds import MessageKind, kind_for_event
from rules.catch_up import Sending
from services.escalation import EscalationSummary, ReviewPlan, plan_reviews, raise_event, settle
from services.setup import rule_set
from tasks.policies import records_task

__all__ = ["REVIEWS_PER_TASK_RUN", "announce", "escalate_batch", "escalate_reviews"]

REVIEW_RUN_ROLE: Final = "review-run"
REVIEWS_PER_TASK_RUN: Final = 20
"""Reviews whose escalations one task run raises: its name (their references) stays readable in the UI, and a
100,000-plan catch-up makes about 1,200 task runs, not 23,000."""
MISSED_KINDS: Final = frozenset({MessageKind.SETTING_MISSED, MessageKind.LA_MISSED})


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


def announce(review_ref: str, flow_run_id: str | None, raised: list[Sending], today: date) -> str | None:
    """Emit one event for the steps of one review raised in this pass, and return its name.

    ``ehcp.deadline.missed`` when one of them says a deadline was missed (known by its timing in the ladder,
    ``notices.kinds.kind_for_event``, as its message is), else ``ehcp.escalation.raised``. The payload's top-level
    fields are those of the missed step (else the last step), so an automation reads one deadline; ``steps`` has
    them all."""
    if not raised:
        return None
    ladder = rule_set().ladder
    missed = [s for s in raised if kind_for_event(s.event, ladder) in MISSED_KINDS]
    name = "ehcp.deadline.missed" if missed else "ehcp.escalation.raised"
    resource = {"prefect.resource.id": f"ehcp.review.{review_ref}", "prefect.resource.name": review_ref}
    related = (
        [{"prefect.resource.id": f"prefect.flow-run.{flow_run_id}", "prefect.resource.role": REVIEW_RUN_ROLE}]
        if flow_run_id
        else []
    )
    payload = {**_payload((missed or raised)[-1], today), "steps": [_payload(s, today) for s in raised]}
    emit_event(event=name, resource=resource, related=related, payload=payload)
    return name


def batch_name(parameters: dict[str, Any]) -> str:
    """The task run's name: every reference it escalates, so the UI's search by reference finds it."""
    return ", ".join(plan.reference for plan in parameters["plans"]) + " · escalations"


@records_task("escalate reviews", batch_name)
def escalate_batch(plans: list[ReviewPlan], today: date) -> tuple[int, int]:
    """Raise every pending event of these reviews, announcing each review's in one event; return (raised,
    notifications queued). On a retry the steps already raised are skipped (each was claimed)."""
    raised = queued = 0
    for plan in plans:
        counts = _escalate_review(plan, today)
        raised, queued = raised + counts[0], queued + counts[1]
    return raised, queued


def _escalate_review(plan: ReviewPlan, today: date) -> tuple[int, int]:
    """Raise one review's pending events (each claimed and queued in its own transaction), then announce the
    raised ones in one event. A lost race is a skip; what a failed attempt raised is announced before it fails."""
    logger = get_run_logger()
    raised: list[Sending] = []
    queued = 0
    try:
        for event_id, sending in plan.raise_:
            outcome = raise_event(plan.reference, plan.review_id, event_id, sending, today)
            step = (sending.event.deadline_key, sending.event.step)
            if not outcome.claimed:
                logger.info("Review %s: %s %s already raised by another clock run", plan.reference, *step)
                continue
            raised.append(sending)
            queued += len(outcome.notification_ids)
            logger.info(
                "Review %s: %s %s to %s, %d notifications queued",
                plan.reference,
                *step,
                ", ".join(sending.roles),
                len(outcome.notification_ids),
            )
    finally:
        announce(plan.reference, plan.flow_run_id, raised, today)
    return len(raised), queued


def escalate_reviews(today: date) -> EscalationSummary:
    """Raise every pending event of every review (oldest first): one task run of the calling flow per
    ``REVIEWS_PER_TASK_RUN`` reviews with something to raise."""
    plans = plan_reviews(today)
    settled = settle(plans)
    raising = [plan for plan in plans if plan.raise_]
    raised = queued = 0
    for first in range(0, len(raising), REVIEWS_PER_TASK_RUN):
        counts = escalate_batch(raising[first : first + REVIEWS_PER_TASK_RUN], today)
        raised, queued = raised + counts[0], queued + counts[1]
    return EscalationSummary(tuple(p.reference for p in plans), raised, queued, settled)
