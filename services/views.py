"""The family's and the child's or young person's views, asked for through the product and kept for the meeting.

The review must take account of the views, wishes and feelings of the child and their parents, or of the young
person (CFA 2014 s19; Reg 20(2); CoP 9.166-9.176). ``send_views_links`` asks each family member the product
invited (``services.invitations``) for the family's views, and the child or young person for their own: the young
person at their own contact, a child through their parents ("for Gray to fill in, with your help"). Each request
carries a single-use link (``records.links``; last day the day after the meeting) minted when the outbox renders
it (``services.advice_messages``): a family member reached by email and by post has two live links, and the first
used revokes the other. ``receive_views`` keeps the answers in the records and adds them to the meeting record's
draft (``child_views`` or ``family_views``), where the setting uses and edits them; a sent record is left alone.

Plain functions on the caller's ``Session``: no Prefect, no clock reads. The words people write never leave the
records database and the meeting record (no log line, audit detail, event or outbox row holds them).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from notices.kinds import MessageKind
from records import audit
from records.links import use_link
from records.meeting_arrangements import planned_meeting_on
from records.models import (
    AdviceMessage,
    Invitee,
    InviteeKind,
    LinkPurpose,
    MeetingRecord,
    Notification,
    Review,
    ReviewLink,
    ViewsReply,
)
from services.advice import channels_for, queue_for_invitee
from services.invitations import invitees_of

__all__ = ["QUESTIONS", "ViewsPanel", "ViewsRefused", "receive_views", "send_views_links", "views_panel"]

QUESTIONS: Final = (
    ("views", "What do you want to say about the plan and the support?"),
    ("going_well", "What is going well?"),
    ("hard", "What is hard, or not working?"),
    ("hopes", "What do you hope for, now and in the future?"),
)
MAX_ANSWER: Final = 5_000
RECORD_FIELD: Final = {LinkPurpose.FAMILY_VIEWS: "family_views", LinkPurpose.YOUNG_PERSON_VIEWS: "child_views"}


class ViewsRefused(ValueError):
    """The views cannot be asked for or taken; ``field`` names what to change, the message says how."""

    def __init__(self, field: str, message: str) -> None:
        super().__init__(message)
        self.field = field


@dataclass(frozen=True, slots=True)
class ViewsPanel:
    """Whether the family and the child or young person were asked, and whether they replied (never their words)."""

    family_asked: int
    family_replied: int
    child_asked: bool
    child_replied: bool


def _family(session: Session, review_id: int) -> list[Invitee]:
    return [one for one in invitees_of(session, review_id) if one.invited_on is not None
            and one.kind in (InviteeKind.FAMILY, InviteeKind.YOUNG_PERSON) and channels_for(session, one)]


def send_views_links(session: Session, review: Review, *, today: date, actor: str) -> int:
    """Ask the invited family for their views and the child or young person for theirs, once each; return how
    many messages were queued. Raise ViewsRefused without a meeting date or anyone in the family invited."""
    if planned_meeting_on(session, review) is None:
        raise ViewsRefused("views", "Arrange the meeting first: the links work until the day after it")
    family = _family(session, review.id)
    if not family:
        raise ViewsRefused("views", "Invite the family first: the links go to the family members invited")
    young = [one for one in family if one.kind == InviteeKind.YOUNG_PERSON]
    queued = 0
    for one in family:
        kind = MessageKind.CHILD_VIEWS_REQUEST if one.kind == InviteeKind.YOUNG_PERSON else (
            MessageKind.FAMILY_VIEWS_REQUEST)
        queued += sum(queue_for_invitee(session, review, one.id, kind, str(one.id), today, channel)
                      for channel in channels_for(session, one))
    if not young:  # a child: their own form goes to their parents, to fill in with them
        first = family[0]
        queued += sum(queue_for_invitee(session, review, first.id, MessageKind.CHILD_VIEWS_REQUEST, f"{first.id}/child",
                                        today, channel) for channel in channels_for(session, first))
    if queued:
        audit.record(session, actor=actor, action="views.requested", review_id=review.id, detail={"messages": queued})
    return queued


def _answers(given: dict[str, str]) -> dict[str, str]:
    answers = {key: str(given.get(key, "")).strip() for key, _ in QUESTIONS}
    for key, question in QUESTIONS:
        if len(answers[key]) > MAX_ANSWER:
            raise ViewsRefused(key, f"Your answer to \u201c{question}\u201d must be {MAX_ANSWER:,} characters or fewer")
    if not any(answers.values()):
        raise ViewsRefused(QUESTIONS[0][0], "Answer at least one question")
    return answers


def _as_text(answers: dict[str, str], on: date) -> str:
    parts = [f"{question}\n{answers[key]}" for key, question in QUESTIONS if answers[key]]
    return f"Given through the service's form on {on:%-d %B %Y}:\n\n" + "\n\n".join(parts)


def _into_record(session: Session, review_id: int, purpose: LinkPurpose, text: str) -> bool:
    """Add the views to the meeting record's draft (made if there is none); False when the record was sent."""
    row = session.scalar(select(MeetingRecord).where(MeetingRecord.review_id == review_id).with_for_update())
    if row is None:
        row = MeetingRecord(review_id=review_id, content={}, status="draft", updated_by="link-holder")
        session.add(row)
    if row.status != "draft":
        return False
    record = dict((row.content or {}).get("record") or {})
    field = RECORD_FIELD[purpose]
    earlier = str(record.get(field) or "").strip()
    record[field] = f"{earlier}\n\n{text}" if earlier else text
    row.content = {**(row.content or {}), "record": record}  # a new dict: JSON columns track assignment
    session.flush()
    return True


def receive_views(session: Session, *, link_id: int, given: dict[str, str], easy_read: bool, today: date,
                  at: datetime) -> int:
    """Keep one person's views and mark their link used (and their other live links of the kind revoked), in one
    transaction; return the reply's id. Raise ViewsRefused naming the field, or when the link was used already."""
    answers = _answers(given)
    link = session.get_one(ReviewLink, link_id)
    purpose = LinkPurpose(link.purpose)
    if purpose not in RECORD_FIELD or not use_link(session, link, at):
        raise ViewsRefused("link", "This link has been used already")
    reply = ViewsReply(review_id=link.review_id, link_id=link.id, invitee_id=link.invitee_id, purpose=purpose.value,
                       answers=answers, easy_read=easy_read, received_on=today, received_at=at)
    session.add(reply)
    in_record = _into_record(session, link.review_id, purpose, _as_text(answers, today))
    audit.record(session, actor="link-holder", action="views.received", review_id=link.review_id,
                 detail={"reply_id": reply.id, "purpose": purpose.value, "in_record": in_record})
    return reply.id


def views_panel(session: Session, review_id: int) -> ViewsPanel | None:
    """Who was asked for views and who replied; None when nobody was asked yet."""
    asked = session.execute(select(Notification.template, AdviceMessage.invitee_id).join(
        AdviceMessage, AdviceMessage.notification_id == Notification.id).where(
        Notification.review_id == review_id, Notification.template.in_(
            [MessageKind.FAMILY_VIEWS_REQUEST.value, MessageKind.CHILD_VIEWS_REQUEST.value]))).all()
    if not asked:
        return None
    replies = session.execute(select(ViewsReply.purpose, ViewsReply.invitee_id).where(
        ViewsReply.review_id == review_id)).all()
    family_kind, family = MessageKind.FAMILY_VIEWS_REQUEST.value, LinkPurpose.FAMILY_VIEWS.value
    return ViewsPanel(len({who for kind, who in asked if kind == family_kind}),
                      len({who for purpose, who in replies if purpose == family}),
                      any(kind != family_kind for kind, _ in asked), any(purpose != family for purpose, _ in replies))
