"""Which reviews should have a live Prefect run, and the run id each review keeps.

A review's run starts when its preparation opens (``preparation_opens`` on or
before the business date) and lives until the review completes.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from records import audit
from records.models import DeadlineRecord, Review
from records.review_progress import review_by_reference


def reviews_due_to_start(session: Session, as_of: date) -> list[str]:
    """Return the references of open reviews whose preparation has opened by ``as_of``, oldest first."""
    query = (
        select(Review.reference)
        .join(DeadlineRecord, DeadlineRecord.review_id == Review.id)
        .where(DeadlineRecord.key == "preparation_opens", DeadlineRecord.due_on <= as_of, Review.stage.is_not(None))
        .order_by(DeadlineRecord.due_on, Review.id)
    )
    return list(session.scalars(query))


def set_flow_run(session: Session, reference: str, flow_run_id: str, *, actor: str) -> None:
    """Record the run that now orchestrates the review (audited)."""
    review = review_by_reference(session, reference)
    previous = review.flow_run_id
    review.flow_run_id = flow_run_id
    audit.record(
        session,
        actor=actor,
        action="review.run_started",
        review_id=review.id,
        detail={"reference": reference, "flow_run_id": flow_run_id, "replaces": previous},
    )
