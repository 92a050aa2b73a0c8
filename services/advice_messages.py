"""An advice message in the outbox rendered for its one invitee at send time (request, reminder, circulation).

The outbox row holds the review, the kind and the business date; ``records.models.AdviceMessage`` names the
invitee. The invitee's name and work email, the child's first name and the advice itself are read here, at the
last moment, and go only into the message body and the recipient. A request carries the invitee's link: as a link's
token is never stored, the request is sent with a fresh link (the earlier unused one revoked), so only the token in
the message last sent opens the form. No Prefect, no clock reads: ``today`` is the sending date.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any, Final, cast

from sqlalchemy import select
from sqlalchemy.orm import Session

from notices.errors import RenderError
from notices.kinds import MessageKind
from notices.recipients import LaDirectory, Recipient
from notices.record_document import record_text
from notices.render import RenderedMessage, template_environment
from records.links import issue_link, revoke_links
from records.meeting_arrangements import arrangement_of, planned_meeting_on
from records.models import (
    AdviceMessage,
    AdviceReply,
    FamilyContact,
    Invitee,
    InviteeKind,
    LinkPurpose,
    Notification,
    Review,
)
from rules.advice import needed_by_on
from rules.ladder import Role
from services.meeting_record import record_document

__all__ = ["render_advice_message"]

MAX_ATTACHED_BYTES: Final = 15 * 1024 * 1024
"""The circulated documents go as attachments only up to this size in all (mail servers refuse larger emails)."""
INVITEE: Final = cast(Role, "invitee")
"""An invitee is reached by their own work email, not through a ladder role (the channel names it in a refusal)."""


def _replies(session: Session, review_id: int) -> list[tuple[AdviceReply, Invitee]]:
    found = session.execute(select(AdviceReply, Invitee).join(Invitee, Invitee.id == AdviceReply.invitee_id)
                            .where(AdviceReply.review_id == review_id).order_by(AdviceReply.id))
    return [(reply, invitee) for reply, invitee in found]


def _files(replies: list[tuple[AdviceReply, Invitee]]) -> tuple[tuple[str, str, bytes], ...]:
    """The replies' documents to attach, or none when together they are too large for one email."""
    files = tuple((reply.file_name, reply.media_type, reply.content) for reply, _ in replies
                  if reply.file_name and reply.media_type and reply.content is not None)
    return files if sum(len(content) for _, _, content in files) <= MAX_ATTACHED_BYTES else ()


def _reply_lines(replies: list[tuple[AdviceReply, Invitee]]) -> list[dict[str, Any]]:
    return [{"role": invitee.role, "name": invitee.name, "received_on": reply.received_on,
             "text": reply.advice_text or "", "file_name": reply.file_name or ""} for reply, invitee in replies]


def _link_url(session: Session, review: Review, invitee: Invitee, expires_on: date, portal_url: str) -> str:
    revoke_links(session, review_id=review.id, purpose=LinkPurpose.ADVICE, invitee_id=invitee.id)
    _, token = issue_link(session, review_id=review.id, purpose=LinkPurpose.ADVICE, expires_on=expires_on,
                          created_by="outbox", invitee_id=invitee.id)  # fmt: skip
    return f"{portal_url.rstrip('/')}/link/advice/{token}"


VIEWS_PURPOSE: Final = {MessageKind.FAMILY_VIEWS_REQUEST: LinkPurpose.FAMILY_VIEWS,
                        MessageKind.CHILD_VIEWS_REQUEST: LinkPurpose.YOUNG_PERSON_VIEWS}


def _views_url(session: Session, review: Review, invitee: Invitee, kind: MessageKind, expires_on: date,
               portal_url: str) -> str:
    """A fresh views link for this message (each message its own; the first used revokes the others): the
    easy-read form for the child's own and for anyone who asked for easy read."""
    _, token = issue_link(session, review_id=review.id, purpose=VIEWS_PURPOSE[kind], expires_on=expires_on,
                          created_by="outbox", invitee_id=invitee.id)  # fmt: skip
    contact = session.get(FamilyContact, invitee.family_contact_id) if invitee.family_contact_id else None
    easy = kind is MessageKind.CHILD_VIEWS_REQUEST or bool(contact and contact.easy_read)
    return f"{portal_url.rstrip('/')}/link/views/{token}{'/easy-read' if easy else ''}"


def _values(session: Session, row: Notification, review: Review, invitee: Invitee, la: LaDirectory, today: date,
            portal_url: str) -> dict[str, Any]:
    kind = MessageKind(row.template)
    meeting_on = planned_meeting_on(session, review)
    if meeting_on is None:
        raise RenderError("the review has no meeting date", kind=row.template)
    needed_by = needed_by_on(meeting_on)
    values: dict[str, Any] = {
        "reference": review.reference, "authority": la.authority, "setting_name": review.plan.setting.name,
        "child_first_name": review.plan.child.given_name, "invitee_name": invitee.name,
        "invitee_role": invitee.role[:1].lower() + invitee.role[1:], "meeting_on": meeting_on,
        "needed_by_on": needed_by, "expires_on": meeting_on + timedelta(days=1),
    }
    if kind is MessageKind.ADVICE_REQUEST:
        if session.scalar(select(AdviceReply.id).where(AdviceReply.invitee_id == invitee.id)) is not None:
            raise RenderError("the invitee has replied already: no request is needed", kind=row.template)
        values["link_url"] = _link_url(session, review, invitee, values["expires_on"], portal_url)
    arranged = arrangement_of(session, review.id)
    values["starts_at"] = arranged.starts_at if arranged is not None else ""
    values["place"] = (arranged.place or "") if arranged is not None else ""
    values["online_link"] = (arranged.online_link or "") if arranged is not None else ""
    values["advice_requested"] = invitee.advice_requested
    values["family"] = invitee.kind in {InviteeKind.FAMILY.value, InviteeKind.YOUNG_PERSON.value}
    values["young_person"] = invitee.kind == InviteeKind.YOUNG_PERSON.value
    values["days_left"] = max(0, (needed_by - (row.as_of or today)).days)
    if kind in VIEWS_PURPOSE:
        values["link_url"] = _views_url(session, review, invitee, kind, values["expires_on"], portal_url)
    if kind is MessageKind.MEETING_RECORD_COPY:
        document = record_document(session, review)
        if document is None:
            raise RenderError("the review has no meeting record to send", kind=row.template)
        values["record_text"], values["sent_on"] = record_text(document), row.as_of or today
    replies = _replies(session, review.id) if kind is MessageKind.ADVICE_CIRCULATED else []
    values["replies"], values["files"] = _reply_lines(replies), _files(replies)
    return values


def render_advice_message(session: Session, row: Notification, *, la: LaDirectory, today: date, portal_url: str,
                          attach_files: bool = True) -> tuple[RenderedMessage, Recipient]:
    """Return the advice message of ``row`` and its one recipient; raise RenderError when it cannot be sent.

    ``attach_files``: the channel attaches files (SMTP), so the circulated documents go with the message; else
    the message names them and says to ask the setting for a copy."""
    kind = MessageKind(row.template)
    message_for = session.get(AdviceMessage, row.id)
    invitee = session.get(Invitee, message_for.invitee_id) if message_for is not None else None
    if invitee is None or invitee.removed or row.review_id is None:
        raise RenderError("the invitee this message was queued for is no longer invited", kind=row.template)
    review = session.get_one(Review, row.review_id)
    values = _values(session, row, review, invitee, la, today, portal_url)
    if not attach_files:
        values["files"] = ()
    env = template_environment()
    subject = " ".join(env.get_template(f"{kind.template_dir}/subject.txt.j2").render(values).split())
    body_text = env.get_template(f"{kind.template_dir}/body.txt.j2").render(values)
    paragraphs = [block.splitlines() for block in body_text.strip().split("\n\n") if block.strip()]
    body_html = env.get_template("email.html.j2").render(subject=subject, paragraphs=paragraphs)
    summary = f"{review.reference}: {kind.value.replace('-', ' ')}"
    message = RenderedMessage(kind, f"{review.reference}/{kind}", subject, body_text, body_html, summary,
                              files=values["files"])
    return message, _recipient(session, row, invitee)


def _recipient(session: Session, row: Notification, invitee: Invitee) -> Recipient:
    """The invitee by their work email, or a family member by the email or postal address on record."""
    contact = session.get(FamilyContact, invitee.family_contact_id) if invitee.family_contact_id else None
    if contact is None:
        return Recipient(INVITEE, invitee.email, invitee.name)
    postal = (*contact.address_lines(), contact.postcode) if contact.postcode and row.channel == "post" else ()
    return Recipient(INVITEE, contact.email or invitee.email, invitee.name, postal_address=postal,
                     large_print=contact.large_print)
