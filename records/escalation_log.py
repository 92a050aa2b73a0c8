"""What the statutory clock did and what it sent: clock events and escalations with their notifications.

Events are grouped by their natural key (review, deadline key, ladder step), which the clock
event (one row per event and its escalation) and the outbox rows both carry. Addresses are
included: this is the operator's view inside the records.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from records.models import ClockEvent, Notification, Review

__all__ = ["EventLine", "SentLine", "escalation_log"]

EventKey = tuple[str, str, str]  # review reference, deadline key, ladder step


@dataclass(frozen=True, slots=True)
class SentLine:
    """One notification of an event: to which role, by which channel, where, when and how it went."""

    notification_id: int
    kind: str
    role: str
    channel: str
    address: str | None
    status: str
    attempts: int
    sent_at: datetime | None
    last_error: str | None


@dataclass(slots=True)
class EventLine:
    """One ladder event of one review, what the clock recorded of it, and its notifications."""

    reference: str
    deadline_key: str
    ladder_step: str
    due_on: date | None
    event_status: str | None = None
    fired_at: datetime | None = None
    escalated_to: str | None = None
    notifications: list[SentLine] = field(default_factory=list)


def _since(
    column: InstrumentedAttribute[date] | InstrumentedAttribute[date | None], since: date | None
) -> list[ColumnElement[bool]]:
    return [column >= since] if since is not None else []


def _line(lines: dict[EventKey, EventLine], key: EventKey, due_on: date | None) -> EventLine:
    if key not in lines:
        lines[key] = EventLine(*key, due_on=due_on)
    return lines[key]


def escalation_log(session: Session, *, reference: str | None = None, since: date | None = None) -> list[EventLine]:
    """Return the recorded ladder events (due on or after ``since``) with their notifications, oldest first."""
    lines: dict[EventKey, EventLine] = {}
    where_review = [Review.reference == reference] if reference is not None else []
    for event, ref in session.execute(
        select(ClockEvent, Review.reference)
        .join(Review, Review.id == ClockEvent.review_id)
        .where(*where_review, *_since(ClockEvent.due_on, since))
    ).all():
        line = _line(lines, (ref, event.deadline_key, event.ladder_step), event.due_on)
        line.event_status, line.fired_at = event.status, event.fired_at
        line.escalated_to = event.recipient_roles
    for note, ref in session.execute(
        select(Notification, Review.reference)
        .join(Review, Review.id == Notification.review_id)
        .where(Notification.ladder_step.is_not(None), *where_review, *_since(Notification.due_on, since))
        .order_by(Notification.id)
    ).all():
        line = _line(lines, (ref, note.deadline_key or "", note.ladder_step or ""), note.due_on)
        line.notifications.append(
            SentLine(
                note.id,
                note.template,
                note.recipient_role,
                note.channel,
                note.recipient_address,
                note.status,
                note.attempts,
                note.sent_at,
                note.last_error,
            )
        )
    return sorted(lines.values(), key=lambda ln: (ln.due_on or date.min, ln.reference, ln.deadline_key, ln.ladder_step))
