"""The DfE SEN2 annual-review items per plan and the calendar-year measures (STATUTORY.md section 7).

Interpretations (also printed with the CSV, and in README "Reports"):

* A plan is reported at the census date when it was first issued on or before it and is active, or
  was ceased by a cease decision notified after the census date (it was still maintained then).
  A ceased plan with no cease decision after the census date is left out.
* ``ReviewMeeting``: the latest review meeting held on or before the census date, among the plan's
  stored reviews and the previous-review dates imported with them. Blank when none is known.
* ``ReviewOutcome``: A (amend), C (cease) or M (maintain), the decision after that meeting, only if
  it was notified on or before the census date. Blank otherwise, and blank for a meeting known only as
  an imported previous-review date (its outcome was not imported).
* ``LastReview``: the date the LA notified its decision after that meeting, on or before the census.
* Measures for calendar year Y count every review, whatever its plan's status now: *expected* =
  reviews whose 12-month review deadline falls in Y; *completed* = those whose decision was notified
  on or before the census date (*in time* when on or before that deadline); the rest are *not
  completed*. Outcomes and the 4-week split count reviews whose meeting was held in Y: within 4 weeks
  = decision notified no later than meeting + 28 days; over 4 weeks = later; awaited = no decision
  notified by the census date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from sqlalchemy import Date, String, and_, case, exists, func, literal, null, or_, select, union_all
from sqlalchemy.orm import Session

from records.models import Child, DeadlineRecord, Plan, Review
from records.sql_dates import days_between

__all__ = ["OUTCOME_CODES", "Sen2Item", "Sen2Measures", "sen2_items", "sen2_measures"]

OUTCOME_CODES: Final = {"amend": "A", "cease": "C", "maintain": "M"}
DECISION_WEEKS_DAYS: Final = 28


@dataclass(frozen=True, slots=True)
class Sen2Item:
    """One plan's annual-review items at the census date, keyed by the pseudonymous child reference."""

    child_ref: str
    review_meeting: date | None
    review_outcome: str
    last_review: date | None


@dataclass(frozen=True, slots=True)
class Sen2Measures:
    """The calendar-year aggregate measures as they stand on the census date."""

    year: int
    census_on: date
    reviews_expected: int
    reviews_completed: int
    reviews_completed_in_time: int
    reviews_not_completed: int
    meetings_held: int
    outcome_amend: int
    outcome_cease: int
    outcome_maintain: int
    decision_4_weeks: int
    decision_over_4_weeks: int
    decision_awaited: int


def _reported_plans(census_on: date) -> Any:
    ceased_after = exists().where(
        Review.plan_id == Plan.id, Review.decision_outcome == "cease", Review.decision_notified_on > census_on
    )
    return select(Plan.id, Child.child_ref).join(Child, Child.id == Plan.child_id).where(
        Plan.first_issued_on <= census_on, or_(Plan.status == "active", and_(Plan.status == "ceased", ceased_after))
    )


def _latest_meetings(census_on: date) -> Any:
    stored = select(
        Review.plan_id,
        Review.meeting_held_on.label("meeting_on"),
        Review.decision_outcome.label("outcome"),
        Review.decision_notified_on.label("decided_on"),
        literal(0).label("source"),
    ).where(Review.meeting_held_on <= census_on)
    imported = select(Review.plan_id, Review.previous_meeting_on, null().cast(String), Review.previous_decision_on,
                      literal(1)).where(Review.previous_meeting_on <= census_on)
    meetings = union_all(stored, imported).subquery()
    order = func.row_number().over(partition_by=meetings.c.plan_id,
                                   order_by=(meetings.c.meeting_on.desc(), meetings.c.source))
    ranked = select(meetings, order.label("rank")).subquery()
    return select(ranked).where(ranked.c.rank == 1).subquery()


def sen2_items(session: Session, census_on: date) -> list[Sen2Item]:
    """Return the SEN2 review items of every plan reported at the census date, by child reference."""
    plans = _reported_plans(census_on).subquery()
    latest = _latest_meetings(census_on)
    query = (
        select(plans.c.child_ref, latest.c.meeting_on, latest.c.outcome, latest.c.decided_on)
        .outerjoin(latest, latest.c.plan_id == plans.c.id)
        .order_by(plans.c.child_ref)
    )
    items = []
    for child_ref, meeting_on, outcome, decided_on in session.execute(query):
        decided = decided_on if decided_on is not None and decided_on <= census_on else None
        code = OUTCOME_CODES.get(outcome or "", "") if decided is not None else ""
        items.append(Sen2Item(child_ref, meeting_on, code, decided))
    return items


def _count(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def _expected(session: Session, year: int, census_on: date) -> tuple[int, int, int]:
    decided = and_(Review.decision_notified_on.is_not(None), Review.decision_notified_on <= census_on)
    in_time = Review.decision_notified_on <= DeadlineRecord.due_on
    query = (
        select(func.count(), _count(decided), _count(and_(decided, in_time)))
        .select_from(DeadlineRecord)
        .join(Review, Review.id == DeadlineRecord.review_id)
        .where(DeadlineRecord.key == "review_due", DeadlineRecord.due_on >= date(year, 1, 1),
               DeadlineRecord.due_on <= date(year, 12, 31))
    )
    expected, completed, in_time = session.execute(query).one()
    return int(expected), int(completed), int(in_time)


def _meetings(session: Session, year: int, census_on: date) -> dict[str, int]:
    census = literal(census_on, Date())
    decided = and_(Review.decision_notified_on.is_not(None), Review.decision_notified_on <= census)
    weeks = days_between(Review.decision_notified_on, Review.meeting_held_on)
    columns = {
        "meetings_held": func.count(),
        **{f"outcome_{name}": _count(and_(decided, Review.decision_outcome == name)) for name in OUTCOME_CODES},
        "decision_4_weeks": _count(and_(decided, weeks <= DECISION_WEEKS_DAYS)),
        "decision_over_4_weeks": _count(and_(decided, weeks > DECISION_WEEKS_DAYS)),
        "decision_awaited": _count(~decided),
    }
    query = select(*(column.label(name) for name, column in columns.items())).where(
        Review.meeting_held_on >= date(year, 1, 1), Review.meeting_held_on <= date(year, 12, 31)
    )
    row = session.execute(query).one()
    return {name: int(row._mapping[name]) for name in columns}


def sen2_measures(session: Session, year: int, census_on: date) -> Sen2Measures:
    """Return the calendar year's aggregate measures as the records stand on the census date."""
    expected, completed, in_time = _expected(session, year, census_on)
    return Sen2Measures(
        year=year,
        census_on=census_on,
        reviews_expected=expected,
        reviews_completed=completed,
        reviews_completed_in_time=in_time,
        reviews_not_completed=expected - completed,
        **_meetings(session, year, census_on),
    )
