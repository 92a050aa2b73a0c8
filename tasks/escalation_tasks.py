"""The review run's side of the statutory clock: announce an escalation, and mark the clock's event done.

``announce_escalation`` emits the custom Prefect events an operator can attach
automations to (``ehcp.deadline.missed``, ``ehcp.escalation.raised``), with the
review reference as the resource and nothing personal in the payload. It is
keyed per flow run and clock event, so replays do not announce twice.
"""

from __future__ import annotations

from typing import Any

from prefect import get_run_logger, task
from prefect.context import TaskRunContext
from prefect.events import emit_event
from sqlalchemy import select

from records.clock_events import PendingEvent, mark_fired, pending_events
from records.models import EventStatus, Review
from records.session import session_scope
from records.system_time import system_now
from tasks.db import session_factory

MISSED_STEP = "missed"


def _review_id(session: Any, review_ref: str) -> int:
    return int(session.scalars(select(Review.id).where(Review.reference == review_ref)).one())


def events_to_act_on(review_ref: str) -> list[PendingEvent]:
    """Return the clock events recorded for the review and not yet acted on (a read: not a task)."""
    with session_scope(session_factory()) as session:
        return pending_events(session, _review_id(session, review_ref))


def per_event(context: TaskRunContext, parameters: dict[str, Any]) -> str:
    """Cache key: once per task, flow run and clock event."""
    return f"{context.task.name}/{context.task_run.flow_run_id}/{parameters['event'].event_id}"


def _resource(review_ref: str) -> dict[str, str]:
    return {
        "prefect.resource.id": f"ehcp.review.{review_ref}",
        "prefect.resource.name": review_ref,
        "ehcp.review": review_ref,
    }


@task(cache_key_fn=per_event, persist_result=True)
def announce_escalation(review_ref: str, event: PendingEvent) -> list[str]:
    """Emit the Prefect events for one ladder event; return their names."""
    payload = {
        "deadline": event.deadline_key,
        "step": event.ladder_step,
        "due_on": event.due_on.isoformat(),
        "deadline_due_on": event.deadline_due_on.isoformat() if event.deadline_due_on else None,
        "owner": event.owner,
        "roles": list(event.recipient_roles),
        "advisory": event.advisory,
    }
    names = ["ehcp.escalation.raised"]
    if event.ladder_step == MISSED_STEP:
        names.insert(0, "ehcp.deadline.missed")
    for name in names:
        emit_event(event=name, resource=_resource(review_ref), payload=payload)
    get_run_logger().info(
        "Review %s: %s %s (due %s) to %s",
        review_ref,
        event.deadline_key,
        event.ladder_step,
        event.due_on,
        ", ".join(event.recipient_roles) or "nobody",
    )
    return names


def mark_event_done(review_ref: str, event: PendingEvent, *, cancelled: bool = False) -> None:
    """Mark the clock's event (and its escalation) as acted on, or cancelled; idempotent."""
    status = EventStatus.CANCELLED if cancelled else EventStatus.FIRED
    with session_scope(session_factory()) as session:
        mark_fired(session, _review_id(session, review_ref), [event.event_id], system_now(), status)
