"""The backlog: every review past its 12-month date with no decision, oldest first (README "Reports").

For managers and the Ombudsman's questions: how many months overdue, who owes the next step (the
review's next open deadline and its owner, as recorded now), and whether the family was told, i.e.
whether a family late letter (STATUTORY.md s5) was queued for the review by the business date, and
what became of it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from sqlalchemy import ColumnElement, Select, and_, or_, select
from sqlalchemy.orm import Session

from notices.kinds import MessageKind
from records.models import Child, DeadlineRecord, Notification, Plan, PlanStatus, Review, Setting
from records.queries import chunked

__all__ = ["OverdueReview", "months_between", "overdue_reviews", "overdue_select"]

NOT_TOLD: Final = "no"


@dataclass(frozen=True, slots=True)
class OverdueReview:
    """One review past its 12-month date with no decision on the business date."""

    reference: str
    child_ref: str
    setting_urn: str
    review_due_on: date
    months_overdue: int
    days_overdue: int
    stage: int | None
    next_step: str | None
    owed_by: str | None
    family_told: str
    """``no``, or the letter's status and the date it fell due: ``sent 2026-01-12``, ``queued ...``, ``failed ...``."""


def months_between(start: date, end: date) -> int:
    """Return the whole calendar months from ``start`` to ``end`` (0 within the first month)."""
    months = (end.year - start.year) * 12 + end.month - start.month
    return months - 1 if end.day < start.day else months


def _family_letters(session: Session, review_ids: Sequence[int], as_of: date) -> dict[int, str]:
    found: dict[int, tuple[date, str]] = {}
    for part in chunked(list(review_ids)):
        query = select(Notification.review_id, Notification.due_on, Notification.status).where(
            Notification.review_id.in_(part),
            Notification.template == MessageKind.FAMILY_LATE_LETTER.value,
            or_(Notification.due_on.is_(None), Notification.due_on <= as_of),
        )
        for review_id, due_on, status in session.execute(query):
            if review_id is None:
                continue
            day = due_on or date.min
            if review_id not in found or day >= found[review_id][0]:
                found[review_id] = (day, status)
    return {review_id: f"{status} {day.isoformat()}" if day != date.min else status
            for review_id, (day, status) in found.items()}


def overdue_select(as_of: date, *columns: Any) -> Select[Any]:
    """Return ``select(*columns)`` over the reviews overdue on ``as_of``: the one definition of the backlog.

    A review is overdue when its 12-month date (deadline ``review_due``) passed before ``as_of``, its plan is
    still active (ceased plans are not a backlog) and no decision was notified by ``as_of``. ``DeadlineRecord``
    is the 12-month deadline, joined with ``Review``, ``Plan``, ``Child`` and ``Setting``.
    """
    due = DeadlineRecord
    return (
        select(*columns)
        .select_from(Review)
        .join(due, and_(due.review_id == Review.id, due.key == "review_due"))
        .join(Plan, Plan.id == Review.plan_id)
        .join(Child, Child.id == Plan.child_id)
        .join(Setting, Setting.id == Plan.setting_id)
        .where(due.due_on < as_of, Plan.status == PlanStatus.ACTIVE.value,
               or_(Review.decision_notified_on.is_(None), Review.decision_notified_on > as_of))
    )


def _query(as_of: date, where: Sequence[ColumnElement[bool]], limit: int | None) -> Any:
    due = DeadlineRecord
    query = (
        overdue_select(as_of, Review.id, Review.reference, Child.child_ref, Setting.urn, due.due_on, Review.stage,
                       Review.next_deadline_key, Review.next_owner)
        .where(*where)
        .order_by(due.due_on, Review.reference)
    )
    return query if limit is None else query.limit(limit)


def overdue_reviews(
    session: Session, as_of: date, *, where: Sequence[ColumnElement[bool]] = (), limit: int | None = None
) -> list[OverdueReview]:
    """Return every review whose 12-month date passed before ``as_of`` with no decision by then, oldest first.

    ``where`` narrows the list (``reports.backlog``: a setting, a stage, a band of months overdue); ``limit``
    keeps the first so many.
    """
    rows = list(session.execute(_query(as_of, where, limit)))
    told = _family_letters(session, [row.id for row in rows], as_of)
    return [
        OverdueReview(
            row.reference, row.child_ref, row.urn, row.due_on, months_between(row.due_on, as_of),
            (as_of - row.due_on).days, row.stage, row.next_deadline_key, row.next_owner, told.get(row.id, NOT_TOLD),
        )
        for row in rows
    ]
