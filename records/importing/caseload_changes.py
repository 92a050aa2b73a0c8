"""Deciding what a caseload file changes: for each row, create, update or leave its child, plan and review.

Pure with respect to the database: it compares the file's rows with what ``stored_cases`` returned.
A row whose previous-review dates are the stored review's own meeting and decision starts the next
cycle; otherwise the row describes the stored current review and updates it in place.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from records.derived import Derived
from records.importing.caseload_rows import CaseloadRow
from records.models import PlanStatus
from records.queries import StoredCase

DAYS_PER_YEAR = 365.25


@dataclass
class NewReview:
    """A review to insert for the plan of ``child_ref``."""

    child_ref: str
    values: dict[str, Any]
    derived: Derived


@dataclass
class Changes:
    """Everything one import writes, in dependency order, and the per-row counts."""

    new_children: list[dict[str, Any]] = field(default_factory=list)
    child_updates: list[dict[str, Any]] = field(default_factory=list)
    new_plans: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    plan_updates: list[dict[str, Any]] = field(default_factory=list)
    new_reviews: list[NewReview] = field(default_factory=list)
    review_updates: list[tuple[dict[str, Any], Derived]] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0


def _differs(stored: Mapping[str, Any], wanted: Mapping[str, Any]) -> bool:
    return any(stored[key] != value for key, value in wanted.items())


def _estimated_cycle(row: CaseloadRow, derived: Derived) -> int:
    """A first-seen review's cycle: whole years from the plan's first issue to the review's due date."""
    review_due: date = next(d["due_on"] for d in derived.deadline_rows if d["key"] == "review_due")
    first_issued_on: date = row.plan["first_issued_on"]
    years = (review_due - first_issued_on).days / DAYS_PER_YEAR
    return max(1, round(years))


def _starts_next_cycle(stored: Mapping[str, Any], review: Mapping[str, Any]) -> bool:
    decided = stored["decision_notified_on"]
    return (
        decided is not None
        and review["previous_decision_on"] == decided
        and review["previous_meeting_on"] == stored["meeting_held_on"]
    )


def _new_case(changes: Changes, row: CaseloadRow, derived: Derived, cycle: int) -> None:
    ref = row.child["child_ref"]
    changes.new_plans.append((ref, row.plan))
    changes.new_reviews.append(NewReview(ref, {**row.review, "cycle_number": cycle}, derived))
    changes.created += 1


def _count_plan_only(changes: Changes, changed: bool) -> None:
    if changed:
        changes.updated += 1
    else:
        changes.unchanged += 1


def add_row(changes: Changes, row: CaseloadRow, derived: Derived, stored: StoredCase | None) -> None:
    """Add what ``row`` changes to ``changes``."""
    if stored is None:
        changes.new_children.append(row.child)
        _new_case(changes, row, derived, _estimated_cycle(row, derived))
        return
    child_changed = _differs(stored.child, row.child)
    if child_changed:
        changes.child_updates.append({**row.child, "id": stored.child["id"]})
    if stored.plan is None:
        _new_case(changes, row, derived, _estimated_cycle(row, derived))
        return
    plan_changed = _differs(stored.plan, row.plan)
    if plan_changed:
        changes.plan_updates.append({**row.plan, "id": stored.plan["id"]})
    review = stored.review
    if review is not None and row.plan["status"] == PlanStatus.CEASED.value and _starts_next_cycle(review, row.review):
        _count_plan_only(changes, plan_changed or child_changed)  # a ceased plan opens no next cycle (CFA s45)
        return
    if review is None or _starts_next_cycle(review, row.review):
        cycle = review["cycle_number"] + 1 if review else _estimated_cycle(row, derived)
        changes.new_reviews.append(NewReview(row.child["child_ref"], {**row.review, "cycle_number": cycle}, derived))
        changes.created += 1
        return
    wanted = {**row.review, **derived.review_columns}
    if wanted.get("stage", review["stage"]) != review["stage"]:  # the file moved the review: a new wait opens,
        wanted["wait_number"] = review["wait_number"] + 1  # so its run (waiting at the old one) is replaced
    if _differs(review, wanted) or plan_changed or child_changed:
        changes.review_updates.append(({**wanted, "id": review["id"]}, derived))
        changes.updated += 1
    else:
        changes.unchanged += 1
