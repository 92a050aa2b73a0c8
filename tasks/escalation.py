"""The clock's escalations as Prefect sees them: one task run per raised ladder event, and its Prefect events.

``services.escalation`` decides what each review's pending events become and raises each in one transaction;
this module makes each raise a task run named by the review and the step (``AR-2026-00123 · decision_due
missed``), so an operator finds a review's escalations by searching its reference, and emits
``ehcp.deadline.missed`` / ``ehcp.escalation.raised`` with the review's run as a related resource. Only the
clock that claimed an event announces it (a lost race is a skip).
"""

from __future__ import annotations

from datetime import date
from typing import Any, Final

from prefect import get_run_logger
from prefect.events import emit_event

from notices.kinds import MessageKind, kind_for_event
from rules.catch_up import Sending
from services.escalation import EscalationSummary, plan_reviews, raise_event, settle
from services.setup import rule_set
from tasks.policies import records_task

__all__ = ["announce", "escalate_reviews", "raise_escalation"]

REVIEW_RUN_ROLE: Final = "review-run"
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


def announce(review_ref: str, flow_run_id: str | None, sending: Sending, today: date) -> list[str]:
    """Emit ``ehcp.deadline.missed`` (for the step that says a deadline was missed) and ``ehcp.escalation.raised``.

    The missed step is known by its timing in the ladder (``notices.kinds.kind_for_event``), as its message is."""
    resource = {"prefect.resource.id": f"ehcp.review.{review_ref}", "prefect.resource.name": review_ref}
    related = (
        [{"prefect.resource.id": f"prefect.flow-run.{flow_run_id}", "prefect.resource.role": REVIEW_RUN_ROLE}]
        if flow_run_id
        else []
    )
    names = ["ehcp.escalation.raised"]
    if kind_for_event(sending.event, rule_set().ladder) in MISSED_KINDS:
        names.insert(0, "ehcp.deadline.missed")
    for name in names:
        emit_event(event=name, resource=resource, related=related, payload=_payload(sending, today))
    return names


@records_task("raise escalation", "{review_ref} · {sending.event.deadline_key} {sending.event.step}")
def raise_escalation(
    review_ref: str, review_id: int, flow_run_id: str | None, event_id: int, sending: Sending, today: date
) -> int | None:
    """Raise one ladder event of one review: queue its notifications once and announce it; return how many
    (None when another clock run raised it first: a lost race is a skip)."""
    outcome = raise_event(review_ref, review_id, event_id, sending, today)
    logger = get_run_logger()
    step = (sending.event.deadline_key, sending.event.step)
    if not outcome.claimed:
        logger.info("Review %s: %s %s already raised by another clock run", review_ref, *step)
        return None
    announce(review_ref, flow_run_id, sending, today)
    queued = len(outcome.notification_ids)
    logger.info("Review %s: %s %s to %s, %d notifications queued", review_ref, *step, ", ".join(sending.roles), queued)
    return queued


def escalate_reviews(today: date) -> EscalationSummary:
    """Raise every pending event of every review (oldest first), as task runs of the calling flow."""
    plans = plan_reviews(today)
    settled = settle(plans)
    raised = queued = 0
    for plan in plans:
        for event_id, sending in plan.raise_:
            count = raise_escalation(plan.reference, plan.review_id, plan.flow_run_id, event_id, sending, today)
            if count is not None:
                raised, queued = raised + 1, queued + count
    return EscalationSummary(tuple(p.reference for p in plans), raised, queued, settled)
