"""When a review completes, the plan's next annual review is created with its due date (CFA s44(1)).

Idempotent: the unique (plan, cycle number) pair means a replayed flow finds the
review it created before. A ceased plan gets no next review; the plan is marked
ceased instead, its open deadlines are closed and the day the cease takes effect
is kept (the day after the cease notice's appeal period: it stays in force until
then, CFA s45; ``records.ceased_plans``).
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from records import audit
from records.ceased_plans import close_deadlines, effective_from_appeal
from records.derived import derived_from
from records.importing.caseload_import import reference_of
from records.models import DeadlineRecord, PlanStatus, Review
from records.review_facts import review_facts
from records.review_progress import review_by_reference
from rules.calendar import IsWorkingDay
from rules.facts import Outcome
from rules.rule_set import RuleSet


class ReviewNotComplete(RuntimeError):
    """The next cycle can only follow a completed review."""


def _cease(session: Session, review: Review, actor: str) -> None:
    plan = review.plan
    plan.status = PlanStatus.CEASED.value
    appeal = next((d.due_on for d in review.deadlines if d.key == "appeal_due"), None)
    plan.ceased_on = plan.ceased_on or effective_from_appeal(appeal)
    closed = close_deadlines(session, plan)
    detail = {"reference": review.reference, "ceased_on": str(plan.ceased_on), "deadlines_closed": closed}
    audit.record(session, actor=actor, action="plan.ceased", review_id=review.id, detail=detail)


def open_next_cycle(
    session: Session, reference: str, *, rule_set: RuleSet, is_working_day: IsWorkingDay, actor: str
) -> str | None:
    """Return the reference of the plan's next review, creating it once; None when the plan ceased."""
    review = review_by_reference(session, reference)
    if review.stage is not None:
        raise ReviewNotComplete(f"review {reference} is at stage {review.stage}, not complete")
    plan = review.plan
    if review.decision_outcome == Outcome.CEASE.value:
        if plan.status != PlanStatus.CEASED.value:
            _cease(session, review, actor)
        return None
    if plan.status == PlanStatus.CEASED.value:
        return None  # ceased by the caseload file: no cycle opens after the cease
    existing = session.scalar(
        select(Review).where(Review.plan_id == plan.id, Review.cycle_number == review.cycle_number + 1)
    )
    if existing is not None:
        return existing.reference
    following = Review(
        plan=plan,
        cycle_number=review.cycle_number + 1,
        reference=f"new-{plan.id}-{review.cycle_number + 1}",
        previous_meeting_on=review.meeting_held_on,
        previous_decision_on=review.decision_notified_on,
        led_by=review.led_by,  # the child's placement, not the cycle, decides who leads (Reg 21)
    )
    with session.no_autoflush:  # the new row is complete only once its derived columns are set
        session.add(following)
        derived = derived_from(review_facts(following), rule_set, is_working_day=is_working_day)
        for column, value in derived.review_columns.items():
            setattr(following, column, value)
        following.deadlines = [DeadlineRecord(**row) for row in derived.deadline_rows]
    session.flush()
    review_due = next(row["due_on"] for row in derived.deadline_rows if row["key"] == "review_due")
    following.reference = reference_of(following.id, review_due.year)
    audit.record(
        session,
        actor=actor,
        action="review.opened",
        review_id=following.id,
        detail={"reference": following.reference, "follows": reference},
    )
    return following.reference
