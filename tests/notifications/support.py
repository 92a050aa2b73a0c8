"""Helpers for delivery tests: queue a ladder event's notifications and read rows back."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from notices.planning import notifications_for_event
from records.models import AuditEntry, Notification
from records.session import SessionFactory, session_scope
from rules.deadlines import Owner
from rules.escalations import LadderEvent
from rules.ladder import Role
from services.outbox import enqueue_planned

MISSED_REPORT = LadderEvent(
    "report_due",
    date(2026, 6, 15),
    "missed",
    date(2026, 6, 16),
    Owner.SETTING,
    (Role.SENCO, Role.HEAD_TEACHER, Role.CASEWORKER),
    False,
)
LATE_LETTER = LadderEvent(
    "decision_due", date(2026, 6, 29), "family-late-letter", date(2026, 6, 26), Owner.LA, (Role.FAMILY,), False
)
ESCALATED = LadderEvent(
    "decision_due",
    date(2026, 6, 29),
    "escalation-5-working-days",
    date(2026, 7, 7),
    Owner.LA,
    (Role.HEAD_OF_SERVICE,),
    False,
)


def queue(factory: SessionFactory, review: tuple[int, str], event: LadderEvent, **options: object) -> list[int]:
    """Enqueue an event's notifications for the review; return their ids."""
    planned = notifications_for_event(event, review_id=review[0], review_ref=review[1], **options)  # type: ignore[arg-type]
    with session_scope(factory) as session:
        return [row.id for item in planned for row in enqueue_planned(session, item)]


def row(factory: SessionFactory, notification_id: int) -> Notification:
    with session_scope(factory) as session:
        return session.get_one(Notification, notification_id)


def audit_actions(factory: SessionFactory) -> list[str]:
    with session_scope(factory) as session:
        return list(session.scalars(select(AuditEntry.action).where(AuditEntry.action.like("notification.%"))))
