"""The meeting a review's people are invited to: the product's arrangement, else the date stage 1 recorded.

Before stage 1 is recorded, the date the invitations gave is the meeting's date for everything that counts from
it (advice needed by, links' last day, late invitations); once the run records stage 1, ``Review.meeting_planned_on``
is the same date, given by the same form.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from records.models import MeetingArrangement, Review

__all__ = ["arrangement_of", "planned_meeting_on"]


def arrangement_of(session: Session, review_id: int) -> MeetingArrangement | None:
    """Return the review's meeting arrangement, or None when the product has not arranged one."""
    return session.get(MeetingArrangement, review_id)


def planned_meeting_on(session: Session, review: Review) -> date | None:
    """Return the date of the review's meeting: the product's arrangement first, else stage 1's recorded date."""
    arranged = arrangement_of(session, review.id)
    return arranged.meeting_on if arranged is not None else review.meeting_planned_on
