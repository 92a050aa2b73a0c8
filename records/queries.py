"""Read queries on the records; each takes the caller's session first and never opens or commits one."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any, TypeVar

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from records.models import Child, Plan, Review, Setting

CHUNK_SIZE = 500  # keeps IN (...) lists well under every backend's parameter limit
_T = TypeVar("_T")


def chunked(items: Sequence[_T], size: int = CHUNK_SIZE) -> Iterator[Sequence[_T]]:
    """Yield ``items`` in slices of at most ``size``."""
    for start in range(0, len(items), size):
        yield items[start : start + size]


def setting_ids_by_urn(session: Session, urns: Iterable[str]) -> dict[str, int]:
    """Return the id of each known setting among ``urns``."""
    wanted = sorted(set(urns))
    found: dict[str, int] = {}
    for part in chunked(wanted):
        found.update(session.execute(select(Setting.urn, Setting.id).where(Setting.urn.in_(part))).all())
    return found


def ids_by(session: Session, key: Any, values: Sequence[Any]) -> dict[Any, int]:
    """Return the row id for each value of a unique ``key`` column among ``values``."""
    id_column = key.table.c.id
    found: dict[Any, int] = {}
    for part in chunked(sorted(set(values))):
        found.update(session.execute(select(key, id_column).where(key.in_(part))).all())
    return found


def settings_by_urn(session: Session, urns: Sequence[str]) -> dict[str, dict[str, Any]]:
    """Return the stored columns of each known setting among ``urns``."""
    return {row["urn"]: row for row in _rows_in(session, Setting.__table__.c.urn, urns)}


@dataclass(frozen=True, slots=True)
class StoredCase:
    """The stored columns of a child, its plan and the plan's latest review (as plain dicts)."""

    child: dict[str, Any]
    plan: dict[str, Any] | None
    review: dict[str, Any] | None


def stored_cases(session: Session, child_refs: Sequence[str]) -> dict[str, StoredCase]:
    """Return what is stored for each known child among ``child_refs``."""
    children = _rows_in(session, Child.__table__.c.child_ref, child_refs)
    plans = {row["child_id"]: row for row in _rows_in(session, Plan.__table__.c.child_id, [c["id"] for c in children])}
    latest = _latest_reviews(session, [plan["id"] for plan in plans.values()])
    found = {}
    for child in children:
        plan = plans.get(child["id"])
        found[child["child_ref"]] = StoredCase(child, plan, latest.get(plan["id"]) if plan else None)
    return found


def _rows_in(session: Session, column: Any, values: Sequence[Any]) -> list[dict[str, Any]]:
    table = column.table
    rows: list[dict[str, Any]] = []
    for part in chunked(sorted(set(values))):
        rows.extend(dict(row) for row in session.execute(select(table).where(column.in_(part))).mappings())
    return rows


def _latest_reviews(session: Session, plan_ids: Sequence[int]) -> dict[int, dict[str, Any]]:
    reviews = Review.__table__
    found: dict[int, dict[str, Any]] = {}
    for part in chunked(sorted(plan_ids)):
        newest = (
            select(reviews.c.plan_id, func.max(reviews.c.cycle_number).label("cycle"))
            .where(reviews.c.plan_id.in_(part))
            .group_by(reviews.c.plan_id)
            .subquery()
        )
        query: Select[Any] = select(reviews).join(
            newest, (reviews.c.plan_id == newest.c.plan_id) & (reviews.c.cycle_number == newest.c.cycle)
        )
        for row in session.execute(query).mappings():
            found[row["plan_id"]] = dict(row)
    return found


@dataclass(frozen=True, slots=True)
class ReviewFilter:
    """Which reviews ``ehcp reviews`` lists."""

    setting_urn: str | None = None
    stage: int | None = None
    overdue_on: date | None = None
    due_before: date | None = None
    limit: int | None = None


@dataclass(frozen=True, slots=True)
class ReviewLine:
    """One line of the caseload list: a review, its setting, stage and next open deadline."""

    reference: str
    setting_urn: str
    setting_name: str
    stage: int | None
    next_deadline_key: str | None
    next_due_on: date | None
    next_owner: str | None


def review_lines(session: Session, wanted: ReviewFilter) -> list[ReviewLine]:
    """Return the reviews matching ``wanted``, soonest next deadline first (uses reviews' next_due_on index)."""
    query = (
        select(
            Review.reference,
            Setting.urn,
            Setting.name,
            Review.stage,
            Review.next_deadline_key,
            Review.next_due_on,
            Review.next_owner,
        )
        .join(Plan, Plan.id == Review.plan_id)
        .join(Setting, Setting.id == Plan.setting_id)
    )
    if wanted.setting_urn is not None:
        query = query.where(Setting.urn == wanted.setting_urn.upper())
    if wanted.stage is not None:
        query = query.where(Review.stage == wanted.stage)
    if wanted.overdue_on is not None:
        query = query.where(Review.next_due_on < wanted.overdue_on)
    if wanted.due_before is not None:
        query = query.where(Review.next_due_on < wanted.due_before)
    query = query.order_by(Review.next_due_on.is_(None), Review.next_due_on, Review.reference)
    if wanted.limit is not None:
        query = query.limit(wanted.limit)
    return [ReviewLine(*row) for row in session.execute(query)]
