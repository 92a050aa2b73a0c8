"""The meeting record once the setting sends it: the document, and its copies to the family and every invitee.

The setting's report goes to everyone invited to the meeting (Reg 20(7)-(8)). When the stage-3 input is applied
(``services.stages``), ``queue_meeting_record`` puts one outbox row per addressee, keyed
``<reference>/meeting-record/<role>`` (the family's: one per lawful addressee and channel,
``services.family_letters``), so a replay, a retry or a second run queues nothing twice. The addressees are the
invitees recorded at stage 1 (the family, the head teacher or principal, the council's SEN officer, the health
commissioning body), or, when stage 1 recorded none, the family and the setting. Social care has no address in the
roles file, so it is not sent a copy by role. Every member of staff and professional the product invited
(``services.invitations``) gets a copy at their own work email too (``meeting-record-copy``, keyed per person).
Nothing personal goes on the outbox row: the
record's text is read from the records when the message is rendered (``services.rendering``).
"""

from __future__ import annotations

from datetime import date
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from notices.kinds import MessageKind
from notices.record_document import RecordDocument, record_sections
from records.models import InviteeKind, MeetingRecord, Notification, RecordAttachment, Review
from records.outbox import by_key, enqueue
from records.review_progress import year_group_of
from rules.ladder import Role
from services.advice import queue_for_invitee
from services.family_letters import enqueue_family_letter
from services.invitations import invitees_of

__all__ = ["INVITEE_ROLES", "addressee_roles", "queue_meeting_record", "record_document", "record_key"]

SUBMITTED: Final = "submitted"
INVITEE_ROLES: Final = {
    "family": Role.FAMILY,
    "head": Role.HEAD_TEACHER,
    "la_sen": Role.CASEWORKER,
    "health": Role.COMMISSIONING_BODY,
}
"""Stage 1's invitees the outbox can reach (``social_care`` has no role in the roles file)."""
WITHOUT_INVITEES: Final = (Role.FAMILY, Role.SENCO)


def record_key(reference: str, role: Role) -> str:
    return f"{reference}/{MessageKind.MEETING_RECORD}/{role}"


def _record(session: Session, review: Review) -> MeetingRecord | None:
    return session.scalar(select(MeetingRecord).where(MeetingRecord.review_id == review.id))


def addressee_roles(row: MeetingRecord | None) -> tuple[Role, ...]:
    """Who the sent record goes to: stage 1's invitees the outbox can reach, else the family and the setting."""
    invited = ((row.content if row else {}).get("preparation") or {}).get("invited_on") or {}
    roles = tuple(dict.fromkeys(INVITEE_ROLES[key] for key, day in invited.items() if day and key in INVITEE_ROLES))
    return roles or WITHOUT_INVITEES


def queue_meeting_record(session: Session, review: Review, on: date) -> list[Notification]:
    """Queue the sent meeting record once per addressee (none when no record was sent through a door)."""
    row = _record(session, review)
    if row is None or row.status != SUBMITTED:
        return []
    queued: list[Notification] = []
    for invitee in invitees_of(session, review.id):  # each person the product invited by their work email
        if invitee.invited_on is not None and invitee.kind in (InviteeKind.SETTING, InviteeKind.PROFESSIONAL):
            queue_for_invitee(session, review, invitee.id, MessageKind.MEETING_RECORD_COPY, str(invitee.id), on)
            copy = by_key(session, f"{review.reference}/{MessageKind.MEETING_RECORD_COPY}/{invitee.id}")
            queued += [copy] if copy is not None else []
    for role in addressee_roles(row):
        key = record_key(review.reference, role)
        if role is Role.FAMILY:
            queued += enqueue_family_letter(session, review, idempotency_key=key, on=on,
                                            kind=MessageKind.MEETING_RECORD, as_of=on)  # fmt: skip
            continue
        queued.append(enqueue(session, idempotency_key=key, review_id=review.id, kind=MessageKind.MEETING_RECORD,
                              channel="email", recipient_role=role, as_of=on))  # fmt: skip
    return queued


def attachment_names(session: Session, row: MeetingRecord) -> dict[int, str]:
    found = session.execute(
        select(RecordAttachment.id, RecordAttachment.file_name).where(RecordAttachment.meeting_record_id == row.id)
    )
    return {one.id: one.file_name for one in found}


def record_document(session: Session, review: Review) -> RecordDocument | None:
    """The review's meeting record as a document (None when the setting has written none)."""
    row = _record(session, review)
    record = (row.content if row else {}).get("record") if row else None
    if row is None or not record:
        return None
    child = review.plan.child
    return RecordDocument(
        reference=review.reference,
        setting_name=review.plan.setting.name,
        child_name=f"{child.given_name} {child.family_name}",
        year_group=year_group_of(review),
        sections=tuple(record_sections(record, attachment_names(session, row))),
        sent=row.status == SUBMITTED,
        meeting_on=review.meeting_held_on or review.meeting_planned_on,
    )
