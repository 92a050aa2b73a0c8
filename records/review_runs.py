"""Which reviews should have a live Prefect run, and the run id each review keeps.

A review's run starts when its preparation opens (``preparation_opens`` on or
before the business date) and lives until the review completes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from records import audit
from records.models import DeadlineRecord, Plan, Review, Setting
from records.models.reviews import wait_key
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


@dataclass(frozen=True, slots=True)
class ReviewRun:
    """An open review that should have a live run, and the run id the record keeps (no personal data)."""

    reference: str
    setting_urn: str
    stage: int
    cycle_number: int
    flow_run_id: str | None
    wait_number: int = 1

    @property
    def wait_key(self) -> str:
        """The pause key of the review's one open wait."""
        return wait_key(self.stage, self.wait_number)


def reviews_needing_runs(session: Session, as_of: date) -> list[ReviewRun]:
    """Return every open review whose preparation has opened by ``as_of``, with its run id (one query)."""
    query = (
        select(Review.reference, Setting.urn, Review.stage, Review.cycle_number, Review.flow_run_id, Review.wait_number)
        .join(DeadlineRecord, DeadlineRecord.review_id == Review.id)
        .join(Plan, Plan.id == Review.plan_id)
        .join(Setting, Setting.id == Plan.setting_id)
        .where(DeadlineRecord.key == "preparation_opens", DeadlineRecord.due_on <= as_of, Review.stage.is_not(None))
        .order_by(DeadlineRecord.due_on, Review.id)
    )
    return [
        ReviewRun(row.reference, row.urn, int(row.stage or 0), row.cycle_number, row.flow_run_id, row.wait_number or 1)
        for row in session.execute(query)
    ]


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
