"""Advice for a review's meeting through the product: asked for, received through a link, reminded, circulated.

Plain functions taking a ``Session`` (the caller's unit of work commits) and the business date (``today``): no
clock reads, no Prefect. Personal data (names, emails, the advice itself) stays in the records database; the
outbox rows hold ids and keys only, and ``services.advice_messages`` reads the invitee when it renders them.

* ``request_advice`` (called after the invitations are sent): each professional asked for advice who has no live
  or used advice link gets one (``records.links``, last day the day after the meeting) and a request queued.
* ``receive_advice``: the link's form, typed text and/or one checked file, stored with the link marked used in
  the same transaction; a second submission finds the link used and stores nothing.
* ``queue_advice_reminders`` (each pass of the statutory clock): the reminders ``rules.advice.reminder_due``
  says are due, once each (the outbox key), never to someone who has replied.
* ``circulate_advice``: the advice received, to every invitee, and the day it was done (stage 1's
  ``advice_circulated_on``, ``circulated_on``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from notices.kinds import MessageKind
from records import audit
from records.links import issue_link, use_link
from records.meeting_arrangements import planned_meeting_on
from records.models import (
    AdviceCirculation,
    AdviceMessage,
    AdviceReply,
    FamilyContact,
    Invitee,
    InviteeKind,
    LinkPurpose,
    Notification,
    Review,
    ReviewLink,
)
from records.outbox import enqueue
from rules.addressees import PreferredChannel, channels_of
from rules.advice import is_late, needed_by_on, reminder_due
from services.attachments import CheckedFile

__all__ = [
    "AdviceRefused",
    "AdviceRow",
    "advice_rows",
    "circulate_advice",
    "channels_for",
    "circulated_on",
    "queue_for_invitee",
    "queue_advice_reminders",
    "receive_advice",
    "request_advice",
]

INVITEE_ROLE = "invitee"
"""The outbox row's recipient role for a message to one invitee (the invitee is ``AdviceMessage.invitee_id``)."""
MAX_ADVICE_CHARS = 20_000


class AdviceRefused(ValueError):
    """The advice or the circulation cannot be taken; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class AdviceRow:
    """One professional asked for advice, as the advice page lists them (personal data: pages only)."""

    invitee_id: int
    name: str
    role: str
    requested: bool
    reply_id: int | None
    received_on: date | None
    late: bool
    file_name: str | None
    has_text: bool


def _asked(session: Session, review_id: int) -> list[Invitee]:
    return list(session.scalars(select(Invitee).where(
        Invitee.review_id == review_id, Invitee.kind == InviteeKind.PROFESSIONAL.value,
        Invitee.advice_requested.is_(True), Invitee.removed.is_(False)).order_by(Invitee.id)))  # fmt: skip


def _advice_links(session: Session, invitee_id: int) -> list[ReviewLink]:
    return list(session.scalars(select(ReviewLink).where(
        ReviewLink.invitee_id == invitee_id, ReviewLink.purpose == LinkPurpose.ADVICE.value)))  # fmt: skip


def channels_for(session: Session, invitee: Invitee) -> tuple[str, ...]:
    """The outbox channels an invitee is reached by: a family member's on record (email, post or both), else their
    work email (none when they have no email)."""
    contact = session.get(FamilyContact, invitee.family_contact_id) if invitee.family_contact_id else None
    if contact is not None:
        return channels_of(PreferredChannel(contact.channel))
    return ("email",) if invitee.email else ()


def queue_for_invitee(session: Session, review: Review, invitee_id: int, kind: MessageKind, key: str, today: date,
                      channel: str = "email") -> bool:
    """Queue one message to one invitee by ``channel``, once per key; return whether it is new."""
    by = "" if channel == "email" else f"/{channel}"
    row = enqueue(session, idempotency_key=f"{review.reference}/{kind}/{key}{by}", review_id=review.id,
                  kind=kind, channel=channel, recipient_role=INVITEE_ROLE, as_of=today)  # fmt: skip
    if session.get(AdviceMessage, row.id) is not None:
        return False
    session.add(AdviceMessage(notification_id=row.id, invitee_id=invitee_id))
    session.flush()
    return True


def request_advice(session: Session, review_id: int, *, today: date, actor: str) -> int:
    """Issue an advice link and queue a request for each invited professional asked for advice who has no live or
    used advice link yet; return how many requests were queued (0 when the meeting date is not known)."""
    review = session.get_one(Review, review_id)
    meeting_on = planned_meeting_on(session, review)
    if meeting_on is None:
        return 0
    expires_on = meeting_on + timedelta(days=1)
    sent = 0
    for invitee in _asked(session, review_id):
        links = _advice_links(session, invitee.id)
        if invitee.invited_on is None or any(link.used_at is not None or not link.revoked for link in links):
            continue
        link, _token = issue_link(session, review_id=review_id, purpose=LinkPurpose.ADVICE, expires_on=expires_on,
                                  created_by=actor, invitee_id=invitee.id)  # fmt: skip
        # The token is not kept: the request is rendered at send time with a fresh link (services.advice_messages).
        sent += queue_for_invitee(session, review, invitee.id, MessageKind.ADVICE_REQUEST,
                                  f"{invitee.id}/{link.id}", today)
    if sent:
        audit.record(session, actor=actor, action="advice.requested", review_id=review_id, detail={"requests": sent})
    return sent


def receive_advice(session: Session, *, link_id: int, text: str, upload: CheckedFile | None, today: date,
                   at: datetime) -> int:
    """Store one invitee's advice and mark their link used, together; return the reply's id.

    Raises AdviceRefused when nothing was given, the text is too long, or the link was used meanwhile."""
    text = text.strip()
    if not text and upload is None:
        raise AdviceRefused("Type your advice or choose a PDF or Word document to upload")
    if len(text) > MAX_ADVICE_CHARS:
        raise AdviceRefused(f"Your advice must be {MAX_ADVICE_CHARS:,} characters or fewer: upload it as a file")
    link = session.get_one(ReviewLink, link_id)
    if link.invitee_id is None or not use_link(session, link, at):
        raise AdviceRefused("This link has been used already")
    reply = AdviceReply(review_id=link.review_id, invitee_id=link.invitee_id, link_id=link.id,
                        advice_text=text or None, received_on=today)  # fmt: skip
    if upload is not None:
        reply.file_name, reply.media_type = upload.file_name, upload.media_type
        reply.size, reply.content = len(upload.content), upload.content
    session.add(reply)
    session.flush()
    audit.record(session, actor="link-holder", action="advice.received", review_id=link.review_id,
                 detail={"reply_id": reply.id, "file": upload is not None})  # fmt: skip
    return reply.id


def _replied(session: Session, review_id: int) -> dict[int, AdviceReply]:
    found = session.scalars(select(AdviceReply).where(AdviceReply.review_id == review_id))
    return {reply.invitee_id: reply for reply in found}


def _requested_on(session: Session, invitee_id: int) -> date | None:
    queued = session.scalars(select(Notification.as_of).join(
        AdviceMessage, AdviceMessage.notification_id == Notification.id).where(
        AdviceMessage.invitee_id == invitee_id, Notification.template == MessageKind.ADVICE_REQUEST.value))
    days = [day for day in queued if day is not None]
    return min(days) if days else None


def queue_advice_reminders(session: Session, today: date) -> int:
    """Queue every advice reminder due on ``today`` (once each, none to anyone who replied); return how many."""
    reviews = session.scalars(select(Review).where(Review.stage.is_not(None), Review.id.in_(
        select(Invitee.review_id).where(Invitee.advice_requested.is_(True), Invitee.removed.is_(False)))))
    queued = 0
    for review in reviews:
        meeting_on = planned_meeting_on(session, review)
        if meeting_on is None:
            continue
        needed_by = needed_by_on(meeting_on)
        replied = _replied(session, review.id)
        for invitee in _asked(session, review.id):
            requested_on = _requested_on(session, invitee.id)
            if invitee.id in replied or requested_on is None:
                continue
            days = reminder_due(needed_by, requested_on, today)
            if days is not None:
                queued += queue_for_invitee(session, review, invitee.id, MessageKind.ADVICE_REMINDER,
                                 f"{invitee.id}/{needed_by.isoformat()}/{days}", today)
    return queued


def circulated_on(session: Session, review_id: int) -> date | None:
    """Return the day the product circulated the review's advice, or None."""
    row = session.get(AdviceCirculation, review_id)
    return row.circulated_on if row is not None else None


def circulate_advice(session: Session, review_id: int, *, today: date, actor: str) -> int:
    """Queue the advice received to every invitee and record the day; return how many messages were queued.

    Raises AdviceRefused when no advice has been received or the advice was circulated already."""
    review = session.get_one(Review, review_id)
    done = circulated_on(session, review_id)
    if done is not None:
        raise AdviceRefused(f"The advice was circulated already, on {done:%-d %B %Y}")
    replies = _replied(session, review_id)
    if not replies:
        raise AdviceRefused("No advice has been received yet: there is nothing to circulate")
    everyone = session.scalars(select(Invitee).where(Invitee.review_id == review_id, Invitee.removed.is_(False))
                               .order_by(Invitee.id))
    queued = sum(queue_for_invitee(session, review, one.id, MessageKind.ADVICE_CIRCULATED, str(one.id), today, by)
                 for one in everyone for by in channels_for(session, one))
    session.add(AdviceCirculation(review_id=review_id, circulated_on=today, circulated_by=actor,
                                  replies=len(replies)))  # fmt: skip
    session.flush()
    audit.record(session, actor=actor, action="advice.circulated", review_id=review_id,
                 detail={"replies": len(replies), "messages": queued})  # fmt: skip
    return queued


def advice_rows(session: Session, review: Review) -> list[AdviceRow]:
    """Return each professional asked for advice, whether a request went, and their reply (on time or late)."""
    meeting_on = planned_meeting_on(session, review)
    needed_by = needed_by_on(meeting_on) if meeting_on else None
    replies = _replied(session, review.id)
    rows = []
    for invitee in _asked(session, review.id):
        reply = replies.get(invitee.id)
        late = bool(reply and needed_by and is_late(reply.received_on, needed_by))
        rows.append(AdviceRow(invitee.id, invitee.name, invitee.role, bool(_advice_links(session, invitee.id)),
                              reply.id if reply else None, reply.received_on if reply else None, late,
                              reply.file_name if reply else None, bool(reply and reply.advice_text)))
    return rows


def reply_of(session: Session, review: Review, reply_id: int) -> AdviceReply | None:
    """The review's reply with this id (None for another review's)."""
    return session.scalar(select(AdviceReply).where(AdviceReply.id == reply_id, AdviceReply.review_id == review.id))
