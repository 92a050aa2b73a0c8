"""Which reviews should have a live Prefect run, the run id each review keeps, and the key that starts one.

A review's run starts when someone may act on it (its preparation has opened, it is past stage 1,
or an input waits in its inbox) and lives until the review completes. A ceased plan's review wants
no run once the cease has taken effect (``plans.ceased_on`` passed, or not held: CFA s45).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, exists, or_, select
from sqlalchemy.orm import Session

from records import audit
from records.models import DeadlineRecord, InboxEntry, InboxStatus, Plan, PlanStatus, Review, Setting
from records.models.reviews import wait_key
from records.review_progress import review_by_reference


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
    """Return every open review that should have a live run by ``as_of``, with its run id (one query).

    A review needs a run once someone may act on it: its preparation window has opened (``preparation_opens``
    on or before ``as_of``), or it is past stage 1 already (a meeting held early: a phase-transfer review in the
    autumn, an early review the council called), or a person's input waits in its inbox."""
    opened = (DeadlineRecord.review_id == Review.id) & (DeadlineRecord.key == "preparation_opens")
    waiting_input = exists().where(InboxEntry.review_id == Review.id, InboxEntry.status == InboxStatus.RECEIVED.value)
    in_force = or_(Plan.status != PlanStatus.CEASED.value, and_(Plan.ceased_on.is_not(None), Plan.ceased_on > as_of))
    query = (
        select(Review.reference, Setting.urn, Review.stage, Review.cycle_number, Review.flow_run_id, Review.wait_number)
        .join(Plan, Plan.id == Review.plan_id)
        .join(Setting, Setting.id == Plan.setting_id)
        .outerjoin(DeadlineRecord, opened)
        .where(Review.stage.is_not(None), in_force)
        .where(or_(Review.stage > 1, DeadlineRecord.due_on <= as_of, waiting_input))
        .order_by(Review.id)
    )
    return [
        ReviewRun(row.reference, row.urn, int(row.stage or 0), row.cycle_number, row.flow_run_id, row.wait_number or 1)
        for row in session.execute(query)
    ]


def run_key(review_ref: str, cycle_number: int, replaces: str | None) -> str:
    """The idempotency key of a review's run: one per review and cycle, and one replacement per dead run.

    Two starters that see the same state of the review (no run, or the same dead run) ask for the
    same key, and Prefect makes one run; a later replacement replaces a different run, so gets a new key."""
    key = f"{review_ref}/cycle-{cycle_number}"
    return f"{key}/replaces-{replaces}" if replaces else key


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
