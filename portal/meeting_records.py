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
from records.models import MeetingRecord, Review

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
