"""The review's own record (preparation, meeting, the meeting record): saved in the records database only.

One row per review. Each stage form saves its section; the meeting record is a draft until the
setting sends the report, when it becomes ``submitted`` and is no longer changed by the setting.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from records import audit
from records.models import MeetingRecord, RecordAttachment, Review
from services.attachments import CheckedFile

DRAFT = "draft"
SUBMITTED = "submitted"


class RecordLocked(RuntimeError):
    """The meeting record was sent; it can no longer be changed."""


def record_of(session: Session, review: Review) -> MeetingRecord | None:
    return session.scalar(select(MeetingRecord).where(MeetingRecord.review_id == review.id))


def save_section(session: Session, review: Review, section: str, content: dict[str, Any], *, staff_id: str) -> int:
    """Store one section of the review's record (creating the record); return the record's id."""
    row = record_of(session, review)
    if row is None:
        row = MeetingRecord(review_id=review.id, content={}, status=DRAFT, updated_by=staff_id)
        session.add(row)
    if section == "record" and row.status == SUBMITTED:
        raise RecordLocked("the meeting record was sent and can no longer be changed")
    row.content = {**row.content, section: content}  # a new dict: JSON columns track assignment, not mutation
    row.updated_by = staff_id
    row.updated_at = datetime.now(UTC)
    session.flush()
    audit.record(session, actor=staff_id, action=f"portal.{section}_saved", review_id=review.id,
                 detail={"reference": review.reference, "meeting_record_id": row.id})
    return row.id


def mark_submitted(session: Session, row_id: int, *, staff_id: str) -> None:
    row = session.get_one(MeetingRecord, row_id)
    row.status = SUBMITTED
    row.submitted_at = datetime.now(UTC)
    audit.record(session, actor=staff_id, action="portal.meeting_record_sent", review_id=row.review_id,
                 detail={"meeting_record_id": row.id})


def attachment_ids(session: Session, row: MeetingRecord | None) -> frozenset[int]:
    if row is None:
        return frozenset()
    found = session.scalars(select(RecordAttachment.id).where(RecordAttachment.meeting_record_id == row.id))
    return frozenset(found)


def keep_attachment(session: Session, row_id: int, checked: CheckedFile, *, staff_id: str) -> int:
    """Store a checked file with the record (in the records database only); return its id."""
    kept = RecordAttachment(meeting_record_id=row_id, file_name=checked.file_name, media_type=checked.media_type,
                            size=len(checked.content), content=checked.content, uploaded_by=staff_id)  # fmt: skip
    session.add(kept)
    session.flush()
    audit.record(session, actor=staff_id, action="portal.record_attachment_kept",
                 detail={"meeting_record_id": row_id, "attachment_id": kept.id, "size": kept.size})
    return kept.id


def drop_unused_attachments(session: Session, row_id: int, used: set[int]) -> None:
    """Delete the record's files no advice row refers to any more (a removed row, a replaced file)."""
    for kept in session.scalars(select(RecordAttachment).where(RecordAttachment.meeting_record_id == row_id)):
        if kept.id not in used:
            session.delete(kept)


def attachment_of(session: Session, review: Review, attachment_id: int) -> RecordAttachment | None:
    """The review's record's file with this id (None for another review's file)."""
    return session.scalar(
        select(RecordAttachment)
        .join(MeetingRecord, MeetingRecord.id == RecordAttachment.meeting_record_id)
        .where(RecordAttachment.id == attachment_id, MeetingRecord.review_id == review.id)
    )
