"""Which notifications a ladder event becomes: one per audience role, each with a deterministic key.

Pure: no database, no clock. The statutory clock calls ``notifications_for_event`` for each
ladder event it records, and enqueues the result in the outbox (``records.outbox``). The key
``{review_ref}/{deadline_key}/{step}/{role}`` (plus ``/webhook`` for a chat alert) is what
makes enqueueing safe to repeat: the outbox holds one row per key.

Channel policy: every role gets an email (SMTP or GOV.UK Notify, as the deployment
chooses). Council roles above the caseworker also get a webhook alert for missed deadlines
and escalations when a webhook is configured for them, because a chat channel is where a
team notices a breach quickly; the webhook posts only the non-personal summary, so the email
stays the message of record. The family's late letter goes to the family role only.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Final

from notices.kinds import MessageKind, kind_for_event
from rules.deadlines import Owner
from rules.escalations import LadderEvent
from rules.ladder import DEFAULT_LADDER, LadderStep, Role

__all__ = [
    "LATE_LETTER_DAYS",
    "WEBHOOK_KINDS",
    "WEBHOOK_ROLES",
    "OutboxChannel",
    "PlannedNotification",
    "idempotency_key",
    "notifications_for_event",
]

LATE_LETTER_DAYS: Final = 14
"""Product default: the late letter tells the family to expect the act within 14 days of the deadline."""

WEBHOOK_ROLES: Final = frozenset({Role.SEN_TEAM_MANAGER, Role.HEAD_OF_SERVICE, Role.DIRECTOR})
WEBHOOK_KINDS: Final = frozenset({MessageKind.SETTING_MISSED, MessageKind.LA_MISSED, MessageKind.ESCALATION})


class OutboxChannel(StrEnum):
    """How a queued notification travels; the email provider is a deployment setting."""

    EMAIL = "email"
    WEBHOOK = "webhook"


@dataclass(frozen=True, slots=True)
class PlannedNotification:
    """One notification to put in the outbox: everything needed to render it later, nothing personal."""

    idempotency_key: str
    review_id: int
    kind: MessageKind
    channel: OutboxChannel
    recipient_role: Role
    deadline_key: str
    ladder_step: str
    deadline_due_on: date
    due_on: date
    owner: Owner
    audience: tuple[Role, ...]
    advisory: bool
    expected_on: date | None = None


def idempotency_key(review_ref: str, event: LadderEvent, role: Role, channel: OutboxChannel) -> str:
    """Return the outbox key of one role's message about one ladder event."""
    key = f"{review_ref}/{event.deadline_key}/{event.step}/{role}"
    return key if channel is OutboxChannel.EMAIL else f"{key}/{channel}"


def _channels(kind: MessageKind, role: Role, webhook_roles: Collection[Role]) -> tuple[OutboxChannel, ...]:
    if kind in WEBHOOK_KINDS and role in WEBHOOK_ROLES and role in webhook_roles:
        return (OutboxChannel.EMAIL, OutboxChannel.WEBHOOK)
    return (OutboxChannel.EMAIL,)


def notifications_for_event(
    event: LadderEvent,
    *,
    review_id: int,
    review_ref: str,
    ladder: tuple[LadderStep, ...] = DEFAULT_LADDER,
    webhook_roles: Collection[Role] = frozenset(),
    late_letter_days: int = LATE_LETTER_DAYS,
) -> list[PlannedNotification]:
    """Return the notifications of a ladder event, one per audience role (and channel), in audience order.

    Args:
        webhook_roles: roles with a webhook configured (their own in the roles file, or the default one).
        late_letter_days: days after the deadline the family's late letter says to expect the act.
    """
    kind = kind_for_event(event, ladder)
    expected_on = event.deadline_due_on + timedelta(days=late_letter_days)
    roles = (Role.FAMILY,) if kind is MessageKind.FAMILY_LATE_LETTER else event.audience
    return [
        PlannedNotification(
            idempotency_key(review_ref, event, role, channel),
            review_id,
            kind,
            channel,
            role,
            event.deadline_key,
            event.step,
            event.deadline_due_on,
            event.due_on,
            event.owner,
            event.audience,
            event.advisory,
            expected_on if kind is MessageKind.FAMILY_LATE_LETTER else None,
        )
        for role in roles
        for channel in _channels(kind, role, webhook_roles)
    ]
