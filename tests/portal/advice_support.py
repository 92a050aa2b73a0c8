"""Helpers for the advice tests: a stage-1 review with a meeting date and professionals asked for advice."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select

from records.models import Invitee, InviteeKind, Review
from records.session import SessionFactory, session_scope
from tests.portal.conftest import TODAY

MEETING_ON = date(2027, 1, 12)  # Tue; advice needed by Tue 2026-12-29
NEEDED_BY = date(2026, 12, 29)


def advice_review(factory: SessionFactory, *, advisers: int = 2, reference: str | None = None) -> tuple[int, str]:
    """Return (review id, reference) of a stage-1 review meeting on MEETING_ON with ``advisers`` professionals
    asked for advice and invited today, and one family invitee (not asked)."""
    with session_scope(factory) as session:
        query = select(Review).where(Review.stage == 1).order_by(Review.reference)
        if reference is not None:
            query = select(Review).where(Review.reference == reference)
        review = session.scalars(query).first()
        assert review is not None
        review.meeting_planned_on = MEETING_ON
        for n in range(advisers):
            session.add(Invitee(review_id=review.id, kind=InviteeKind.PROFESSIONAL.value,
                                role="Educational psychologist" if n == 0 else "Speech and language therapist",
                                name=f"Dr Adviser {n}", email=f"adviser{n}@health.example", advice_requested=True,
                                invited_on=TODAY, created_by="S-1"))  # fmt: skip
        session.add(Invitee(review_id=review.id, kind=InviteeKind.FAMILY.value, role="Parent", name="Pat Parent",
                            email="pat@family.example", invited_on=TODAY, created_by="S-1"))  # fmt: skip
        return review.id, review.reference
