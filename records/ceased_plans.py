"""Ceased plans (CFA s45; STATUTORY.md s3, s6): no review cycle, no ladder and no deadline owed after the cease.

A plan is *ceased* (``plans.status``) once the LA's cease is complete: the cease notice sent (``records.next_cycle``)
or the caseload file says so. It stays in force, and in SEN2, until the cease takes effect (``plans.ceased_on``, the
first day it is no longer maintained): the day after the appeal period of the cease notice ends (HESC rules 12 and
20), or the day the council gives (after a Tribunal's decision). The same rule serves an imported and a recorded
cease; an imported previous review decided ``cease`` has no notice date, so its decision letter is taken as the
notice (STATUTORY.md s3: "the decision letter of stage 4 may itself be the cease notice").

From the cease on, no deadline of the plan is open (``history_only``, ``close_deadlines``): the clock raises nothing
for it and its liveness wants no run. What was done before stays as history.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import replace
from datetime import date, timedelta
from typing import Any, Final

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from records.derived import Derived
from records.models import DeadlineRecord, Plan, PlanStatus, Review
from rules.appeals import appeal_due
from rules.calendar import IsWorkingDay
from rules.facts import Outcome
from rules.rule_set import RuleSet

__all__ = ["CEASED", "close_deadlines", "effective_from_appeal", "history_only", "imported_cease_takes_effect_on"]

CEASED: Final = PlanStatus.CEASED.value
_NOTHING_OWED: Final = {"stage": None, "next_deadline_key": None, "next_due_on": None, "next_owner": None}


def effective_from_appeal(appeal_last_day: date | None) -> date | None:
    """Return the day a cease takes effect: the day after the appeal period's last day (None: not yet known)."""
    return appeal_last_day + timedelta(days=1) if appeal_last_day is not None else None


def history_only(derived: Derived) -> Derived:
    """Return a ceased plan's review as history: its stage closed, no deadline open or on the clock's list."""
    rows = tuple({**row, "is_open": False, "next_step_on": None} for row in derived.deadline_rows)
    return replace(derived, review_columns={**derived.review_columns, **_NOTHING_OWED}, deadline_rows=rows)


def imported_cease_takes_effect_on(
    review: Mapping[str, Any], derived: Derived, rule_set: RuleSet, is_working_day: IsWorkingDay
) -> date | None:
    """Return when a cease in a caseload row takes effect, from its cease notice (or decision); None if unknown.

    The current review's cease notice gives its appeal date (``appeal_due``); else a previous review decided
    ``cease`` is taken to have been notified by its decision letter. A cease decided with no notice yet leaves
    the plan in force (None)."""
    if review.get("decision_outcome") == Outcome.CEASE.value:
        appeal = next((row["due_on"] for row in derived.deadline_rows if row["key"] == "appeal_due"), None)
        return effective_from_appeal(appeal)
    if review.get("previous_outcome") == Outcome.CEASE.value and review.get("previous_decision_on") is not None:
        letter: date = review["previous_decision_on"]
        return effective_from_appeal(appeal_due(letter, rule_set, is_working_day=is_working_day))
    return None


def close_deadlines(session: Session, plan: Plan) -> int:
    """Close every open deadline of the plan's reviews (the cease ended them); return how many were open."""
    review_ids = select(Review.id).where(Review.plan_id == plan.id).scalar_subquery()
    closed = session.execute(
        update(DeadlineRecord)
        .where(DeadlineRecord.review_id.in_(review_ids), DeadlineRecord.is_open)
        .values(is_open=False, next_step_on=None)
        .execution_options(synchronize_session="fetch")
    )
    session.execute(
        update(Review)
        .where(Review.plan_id == plan.id)
        .values(next_deadline_key=None, next_due_on=None, next_owner=None)
        .execution_options(synchronize_session="fetch")
    )
    return int(getattr(closed, "rowcount", 0) or 0)
