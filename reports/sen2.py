"""Reading SEN2's plan histories from the records: the council's identifiers, the plans and their reviews.

Two queries (plans, then reviews with their phase-transfer and appeal deadlines); the items are
worked out by the pure ``reports.sen2_items`` and the measures by ``reports.sen2_measures``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, aliased

from records.models import Child, DeadlineRecord, Plan, PlanStatus, Review
from reports.sen2_completeness import Completeness, completeness
from reports.sen2_items import PlanHistory, ReviewHistory, Sen2Item, items_at
from rules.facts import Outcome

__all__ = ["Sen2Census", "plan_histories", "sen2_census", "sen2_items"]


def _review_rows(session: Session, census_on: date) -> dict[int, list[Mapping[str, Any]]]:
    transfer = aliased(DeadlineRecord)
    appeal = aliased(DeadlineRecord)
    query = (
        select(
            Review.__table__,
            transfer.due_on.label("transfer_due_on"),
            appeal.due_on.label("appeal_due_on"),
        )
        .join(Plan, Plan.id == Review.plan_id)
        .outerjoin(transfer, and_(transfer.review_id == Review.id, transfer.key == "phase_transfer_due"))
        .outerjoin(appeal, and_(appeal.review_id == Review.id, appeal.key == "appeal_due"))
        .where(Plan.first_issued_on <= census_on)
    )
    found: dict[int, list[Mapping[str, Any]]] = defaultdict(list)
    for row in session.execute(query).mappings():
        found[row["plan_id"]].append(dict(row))
    return found


def _histories(row: Mapping[str, Any]) -> list[ReviewHistory]:
    found = []
    if row["meeting_held_on"] is not None:
        found.append(ReviewHistory(
            row["meeting_held_on"], row["decision_outcome"], row["decision_notified_on"],
            row["amendment_notice_sent_on"], row["final_plan_issued_on"], row["transfer_due_on"],
        ))
    if row["previous_meeting_on"] is not None:
        found.append(ReviewHistory(
            row["previous_meeting_on"], row["previous_outcome"], row["previous_decision_on"],
            row["previous_amendment_notice_sent_on"], row["previous_final_plan_issued_on"],
            row["previous_transfer_due_on"], imported=True,
        ))
    return found


def _in_force_until(status: str, ceased_on: date | None, reviews: Sequence[Mapping[str, Any]]) -> date | None:
    """Return the last day a ceased plan was in force (CFA s45); None while in force.

    The day before ``plans.ceased_on`` when the records hold it (``records.ceased_plans``); else, for a plan ceased
    before that column was kept, the appeal date of its cease notice, or an imported cease's decision date."""
    if status != PlanStatus.CEASED.value:
        return None
    if ceased_on is not None:
        return ceased_on - timedelta(days=1)
    ceased = [row for row in reviews if row["decision_outcome"] == Outcome.CEASE.value]
    if ceased:
        last = max(ceased, key=lambda row: row["cycle_number"])
        notice = last["cease_notice_sent_on"]
        if notice is None:
            return None  # no cease notice yet: the plan stays in force
        ends: date = last["appeal_due_on"] or notice
        return ends
    imported = [row for row in reviews if row["previous_outcome"] == Outcome.CEASE.value]
    if imported:
        decided: date = max(row["previous_decision_on"] for row in imported)
        return decided
    return date.min  # ceased at a date the records do not hold


def _earliest_cycle(reviews: Sequence[Mapping[str, Any]]) -> int:
    """The earliest cycle held: a stored review's number, or one less for the previous review imported with it."""
    cycles = [row["cycle_number"] - (1 if row["previous_meeting_on"] is not None else 0) for row in reviews]
    return max(1, min(cycles, default=1))


def plan_histories(session: Session, census_on: date) -> list[PlanHistory]:
    """Return every plan first issued on or before the census date with its reviews, by child reference."""
    reviews = _review_rows(session, census_on)
    query = (
        select(Plan.id, Plan.first_issued_on, Plan.status, Plan.ceased_on, Plan.la_request_id, Plan.transferred_in_on,
               Plan.transferred_from_la, Child.child_ref, Child.la_person_id)
        .join(Child, Child.id == Plan.child_id)
        .where(Plan.first_issued_on <= census_on)
        .order_by(Child.child_ref)
    )
    found = []
    for row in session.execute(query):
        rows = reviews.get(row.id, [])
        found.append(PlanHistory(
            row.child_ref, row.la_person_id, row.la_request_id, row.first_issued_on,
            _in_force_until(row.status, row.ceased_on, rows), tuple(review for r in rows for review in _histories(r)),
            row.transferred_in_on, row.transferred_from_la, _earliest_cycle(rows),
        ))
    return found


def sen2_items(session: Session, census_on: date) -> list[Sen2Item]:
    """Return the SEN2 items of every plan in force during the collection year up to the census, by child reference."""
    return items_at(plan_histories(session, census_on), census_on)


@dataclass(frozen=True, slots=True)
class Sen2Census:
    """One census as the records answer it: the items, and whether the records can answer it (``completeness``)."""

    items: list[Sen2Item]
    completeness: Completeness
    lacking: list[Sen2Item]
    """The items of the plans lacking history (blank for want of data)."""
    plans: list[PlanHistory]


def sen2_census(session: Session, census_on: date, as_of: date) -> Sen2Census:
    """Return the census's items and what the records lack for it, on the business date ``as_of``."""
    plans = plan_histories(session, census_on)
    items = items_at(plans, census_on)
    verdict = completeness(plans, census_on, as_of)
    lacking = set(verdict.lacking)
    return Sen2Census(items, verdict, [item for item in items if item.child_ref in lacking], plans)
