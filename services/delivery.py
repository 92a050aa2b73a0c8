"""Delivering one queued notification: claim it, render it from the records, send it, record the outcome.

No Prefect here (``services.outbox`` sweeps, ``tasks.clock`` wraps the sweep in a task). Everything happens in the
caller's one transaction: the claim locks the row, so a second delivery of the same
notification waits and then finds it sent. If the process dies after the channel accepted the
message but before the commit, the row is still queued and a later delivery sends it again:
delivery is at least once, and the window is the commit itself.

A failure is recorded on the row, never raised (delivery never fails a business run):
a transient one (mail server down, HTTP 5xx) leaves the row ``queued`` with its next attempt
after a back-off (``RetryPolicy``), until the row is older than the policy's maximum age; then,
or at once for a permanent one (no address, a template that cannot render), the row is
``failed`` and a notice to the operators' role is queued in the same transaction.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field, replace
from datetime import UTC, date, datetime, timedelta
from typing import Final

from sqlalchemy.orm import Session

from notices.channels import Channel
from notices.channels.post import file_stem
from notices.errors import DeliveryError, PermanentDeliveryError, RenderError
from notices.kinds import FAMILY_LETTER_KINDS, MessageKind
from notices.letters import STAGE_LETTERS
from notices.paper import PaperLetter, letter_pdf
from notices.planning import OutboxChannel, delivery_failed_key
from notices.recipients import LaDirectory
from records import audit
from records.models import LetterCopy, Notification, Review
from records.outbox import claim, enqueue_for_operators, mark_failed, mark_sent
from reports.terms import Term
from rules.calendar import IsWorkingDay
from rules.rule_set import RuleSet
from services.rendering import PreparedNotice, prepare_notice
from services.setup import business_date

__all__ = ["DeliveryOutcome", "RetryPolicy", "UnknownNotification", "deliver"]

# A webhook URL holds a secret: the row records only that the message went to the webhook.
WEBHOOK_ADDRESS = OutboxChannel.WEBHOOK.value

LETTER_KINDS: Final = frozenset(STAGE_LETTERS) | FAMILY_LETTER_KINDS | {MessageKind.MEETING_RECORD}
"""The review letters a copy is kept of (the stage letters to every recipient, the family's late letters)."""

OpenChannel = Callable[[str], AbstractContextManager[Channel]]
"""Given an outbox channel name (``email``, ``webhook``), a context manager yielding the channel."""


def _utc(instant: datetime) -> datetime:
    """SQLite hands back naive UTC instants; PostgreSQL aware ones."""
    return instant if instant.tzinfo is not None else instant.replace(tzinfo=UTC)


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When a transiently failed row is tried again, and when the outbox gives up on it.

    ``delays_seconds[n]`` is the wait after the (n+1)-th failed attempt; the last wait repeats.
    """

    delays_seconds: tuple[float, ...] = (60.0, 300.0, 900.0, 3600.0)
    max_age: timedelta = timedelta(hours=48)

    def next_attempt_at(self, attempts: int, queued_at: datetime | None, now: datetime) -> datetime | None:
        """Return when to try again after ``attempts`` failed attempts, or None when the row is too old."""
        if queued_at is not None and _utc(now) - _utc(queued_at) >= self.max_age:
            return None
        wait = self.delays_seconds[min(max(attempts, 1), len(self.delays_seconds)) - 1]
        return now + timedelta(seconds=wait)


def _address(row: Notification, prepared: PreparedNotice) -> str:
    """Where the message went, as the row records it (a webhook's URL holds a secret: never stored)."""
    if row.channel == OutboxChannel.WEBHOOK:
        return WEBHOOK_ADDRESS
    if row.channel == OutboxChannel.POST:
        return ", ".join(prepared.recipient.postal_address)[:254]
    return prepared.recipient.email or ""


class UnknownNotification(LookupError):
    """No notification has this id."""


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    """What one delivery did, in terms safe for logs and Prefect (no names, no addresses)."""

    notification_id: int
    review_ref: str | None
    kind: str
    role: str
    channel: str
    status: str
    attempts: int
    already_sent: bool = False
    error: DeliveryError | RenderError | None = field(default=None, compare=False)


def _outcome(
    row: Notification,
    review_ref: str | None,
    *,
    already_sent: bool = False,
    error: DeliveryError | RenderError | None = None,
) -> DeliveryOutcome:
    return DeliveryOutcome(
        row.id, review_ref, row.template, row.recipient_role, row.channel, row.status, row.attempts, already_sent, error
    )


def _reference(session: Session, row: Notification) -> str | None:
    review = session.get(Review, row.review_id) if row.review_id is not None else None
    return review.reference if review is not None else None


def _audit(session: Session, row: Notification, action: str, actor: str, error: str | None = None) -> None:
    detail = {
        "notification_id": row.id,
        "kind": row.template,
        "role": row.recipient_role,
        "channel": row.channel,
        "attempts": row.attempts,
        "status": row.status,
    }
    if error is not None:
        detail["error"] = error
    audit.record(
        session,
        actor=actor,
        action=action,
        review_id=row.review_id,
        detail=detail,
        idempotency_key=f"notification/{row.id}/{action}/{row.attempts}",
    )


def _report_to_operators(session: Session, row: Notification) -> None:
    """Queue the operators' notice that ``row`` failed for good (never for an operators' notice itself)."""
    if row.template == MessageKind.DELIVERY_FAILED:
        return
    enqueue_for_operators(
        session, idempotency_key=delivery_failed_key(row.id), review_id=row.review_id, kind=MessageKind.DELIVERY_FAILED
    )


def _fail(
    session: Session, row: Notification, exc: DeliveryError | RenderError, retry: RetryPolicy, now: datetime, actor: str
) -> None:
    permanent = isinstance(exc, RenderError | PermanentDeliveryError)
    next_at = None if permanent else retry.next_attempt_at(row.attempts, row.queued_at, now)
    mark_failed(row, error=str(exc), final=next_at is None, next_attempt_at=next_at)
    if next_at is None:
        _audit(session, row, "notification.failed", actor, str(exc))
        _report_to_operators(session, row)
    else:
        _audit(session, row, "notification.attempt_failed", actor, str(exc))


def _on_paper(row: Notification, prepared: PreparedNotice, la: LaDirectory, today: date) -> PreparedNotice:
    """A posted letter: its PDF made now (A4, the window address, the council's return address, the print size)."""
    recipient = prepared.recipient
    if not recipient.postal_address:
        raise PermanentDeliveryError(
            f"no postal address for {recipient.role}", channel="post", reference=prepared.reference
        )
    dated = prepared.letter_on or today
    paper = PaperLetter(
        to=(recipient.name, *recipient.postal_address) if recipient.name else recipient.postal_address,
        council=la.authority.name,
        return_address=tuple(line.strip() for line in la.authority.postal_address.split("|") if line.strip()),
        dated=dated,
        large_print=recipient.large_print,
    )
    message = replace(prepared.message, reference=f"{prepared.message.reference}/n{row.id}", dated=dated)
    return replace(prepared, message=replace(message, pdf=letter_pdf(message, paper)))


def _keep_copy(session: Session, row: Notification, prepared: PreparedNotice) -> None:
    """Keep what a review's letter said (its PDF, or its email's text) for the caseworker to download."""
    if row.review_id is None or MessageKind(row.template) not in LETTER_KINDS:
        return
    message = prepared.message
    stem = file_stem(f"{message.reference.split('/n')[0]}/n{row.id}")
    if message.pdf is not None:
        content, media, name = message.pdf, "application/pdf", f"{stem}.pdf"
    else:
        content, media, name = f"{message.subject}\n\n{message.body_text}".encode(), "text/plain", f"{stem}.txt"
    session.merge(LetterCopy(notification_id=row.id, media_type=media, file_name=name, content=content))


def deliver(
    session: Session,
    notification_id: int,
    *,
    open_channel: OpenChannel,
    la: LaDirectory,
    rule_set: RuleSet,
    is_working_day: IsWorkingDay,
    actor: str,
    now: datetime,
    retry: RetryPolicy = RetryPolicy(),
    terms: Sequence[Term] = (),
    today: date | None = None,
) -> DeliveryOutcome:
    """Send a queued notification once and record the outcome; a sent one is left alone. Never raises a
    delivery failure: the outcome (and the row) carries it.

    Args:
        now: system time of this attempt (the back-off and the maximum age are counted from it).
        retry: when a transient failure is tried again; a row older than ``retry.max_age`` fails for good.
        terms: the authority's terms (a termly list is rendered for its term).
        today: the sending date (default: the business date): a review's letter bears it, the row records it,
            and a posted letter goes into that day's print batch.
    """
    row = claim(session, notification_id)
    if row is None:
        sent = session.get(Notification, notification_id)
        if sent is None:
            raise UnknownNotification(f"no notification has the id {notification_id}")
        return _outcome(sent, _reference(session, sent), already_sent=True)
    sent_on = today or business_date(session)
    try:
        prepared = prepare_notice(
            session, row, la=la, rule_set=rule_set, is_working_day=is_working_day, terms=terms, today=sent_on
        )
        if row.channel == OutboxChannel.POST:
            prepared = _on_paper(row, prepared, la, sent_on)
        with open_channel(row.channel) as channel:
            result = channel.send(prepared.message, prepared.recipient)
    except (RenderError, DeliveryError) as exc:
        _fail(session, row, exc, retry, now, actor)
        return _outcome(row, _reference(session, row), error=exc)
    mark_sent(row, address=_address(row, prepared), provider_id=result.provider_id)
    row.next_attempt_at = None
    row.letter_on = prepared.letter_on if row.review_id is not None else None
    if row.channel == OutboxChannel.POST:
        row.batched_at = row.sent_at
    _keep_copy(session, row, prepared)
    _audit(session, row, "notification.sent", actor)
    return _outcome(row, prepared.reference)
