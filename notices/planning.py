"""Which notifications a ladder event becomes: one per audience role, each with a deterministic key.

Pure: no database, no clock. The statutory clock calls ``notifications_for_sending`` for each
ladder event ``rules.catch_up`` selects, and enqueues the result in the outbox (``services.outbox``). The key
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
from rules.catch_up import FamilyLetter, Sending
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
    "delivery_failed_key",
    "failed_notification_id",
    "input_not_applied_key",
    "not_applied_entry_id",
    "notifications_for_event",
    "notifications_for_sending",
]

LATE_LETTER_DAYS: Final = 14
"""Product default: the late letter tells the family to expect the act within 14 days of the deadline."""

WEBHOOK_ROLES: Final = frozenset({Role.SEN_TEAM_MANAGER, Role.HEAD_OF_SERVICE, Role.DIRECTOR})
WEBHOOK_KINDS: Final = frozenset({MessageKind.SETTING_MISSED, MessageKind.LA_MISSED, MessageKind.ESCALATION})


class OutboxChannel(StrEnum):
    """How a queued notification travels; the email provider is a deployment setting."""

    EMAIL = "email"
    WEBHOOK = "webhook"
    POST = "post"  # a family letter on paper (``notices.paper``, ``notices.channels.post``)


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
    as_of: date | None = None  # the business date the message speaks for (its lateness is stated then)


def idempotency_key(review_ref: str, event: LadderEvent, role: Role, channel: OutboxChannel) -> str:
    """Return the outbox key of one role's message about one ladder event."""
    key = f"{review_ref}/{event.deadline_key}/{event.step}/{role}"
    return key if channel is OutboxChannel.EMAIL else f"{key}/{channel}"


def _channels(kind: MessageKind, role: Role, webhook_roles: Collection[Role]) -> tuple[OutboxChannel, ...]:
    if kind in WEBHOOK_KINDS and role in WEBHOOK_ROLES and role in webhook_roles:
        return (OutboxChannel.EMAIL, OutboxChannel.WEBHOOK)
    return (OutboxChannel.EMAIL,)


def _kind(sending: Sending, ladder: tuple[LadderStep, ...]) -> MessageKind:
    if sending.family_letter is FamilyLetter.OVERDUE:
        return MessageKind.FAMILY_OVERDUE_LETTER
    return kind_for_event(sending.event, ladder)


def notifications_for_sending(
    sending: Sending,
    *,
    review_id: int,
    review_ref: str,
    as_of: date | None = None,
    ladder: tuple[LadderStep, ...] = DEFAULT_LADDER,
    webhook_roles: Collection[Role] = frozenset(),
) -> list[PlannedNotification]:
    """Return the notifications of a ladder event chosen by ``rules.catch_up``, one per role it goes to.

    The family letter's kind (ahead or overdue) and its expected date come from the selection; every
    message keeps the event's whole audience, so it can say who else heard.
    """
    event = sending.event
    kind = _kind(sending, ladder)
    family = kind in (MessageKind.FAMILY_LATE_LETTER, MessageKind.FAMILY_OVERDUE_LETTER)
    roles = (Role.FAMILY,) if family else sending.roles
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
            sending.expected_on if family else None,
            as_of,
        )
        for role in roles
        for channel in _channels(kind, role, webhook_roles)
    ]


def notifications_for_event(
    event: LadderEvent,
    *,
    review_id: int,
    review_ref: str,
    ladder: tuple[LadderStep, ...] = DEFAULT_LADDER,
    webhook_roles: Collection[Role] = frozenset(),
    late_letter_days: int = LATE_LETTER_DAYS,
) -> list[PlannedNotification]:
    """Return the notifications of one ladder event on the day it fell due, one per audience role (and channel).

    Args:
        webhook_roles: roles with a webhook configured (their own in the roles file, or the default one).
        late_letter_days: days after the deadline the family's late letter says to expect the act.
    """
    expected_on = event.deadline_due_on + timedelta(days=late_letter_days)
    step = next(s for s in ladder if s.name == event.step)
    letter = FamilyLetter.AHEAD if step.family_letter else None
    sending = Sending(event, event.audience, letter, expected_on if letter else None)
    return notifications_for_sending(
        sending,
        review_id=review_id,
        review_ref=review_ref,
        as_of=event.due_on,
        ladder=ladder,
        webhook_roles=webhook_roles,
    )


_FAILED_PREFIX: Final = "operators/notification/"


def delivery_failed_key(notification_id: int) -> str:
    """Return the outbox key of the operators' notice that a notification failed for good."""
    return f"{_FAILED_PREFIX}{notification_id}/failed"


_INPUT_PREFIX: Final = "operators/inbox/"


def input_not_applied_key(entry_id: int) -> str:
    """Return the outbox key of the operators' notice that an inbox input was not applied in time (once each)."""
    return f"{_INPUT_PREFIX}{entry_id}/not-applied"


def not_applied_entry_id(key: str) -> int | None:
    """Return the inbox entry's id from an operators' notice key (``input_not_applied_key``), else None."""
    body = key.removeprefix(_INPUT_PREFIX).removesuffix("/not-applied")
    return int(body) if key.startswith(_INPUT_PREFIX) and body.isdigit() else None


def failed_notification_id(key: str) -> int | None:
    """Return the failed notification's id from an operators' notice key (``delivery_failed_key``), else None."""
    body = key.removeprefix(_FAILED_PREFIX).removesuffix("/failed")
    return int(body) if key.startswith(_FAILED_PREFIX) and body.isdigit() else None
