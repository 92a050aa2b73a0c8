"""The one query behind every list of reviews in the front door: search, filter, count and page in SQL.

A search names the settings it may look in (``setting_urns``; None only for council staff), so a setting's
account can never find another setting's child. Each word of ``words`` must match the child's given or
family name, the review's reference, or the setting's name or URN (partial, case-insensitive). The lines
carry the child's name, date of birth and year group: personal data for the front door's pages only,
never for Prefect, a URL the service builds, a log line or an event.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any, Final, TypeVarTuple

from sqlalchemy import ColumnElement, Select, and_, case, false, func, or_, select
from sqlalchemy.orm import Session

from records.models import Child, Plan, Review, Setting
from records.queries import ReviewLine, chunked

_Row = TypeVarTuple("_Row")
MAX_WORDS: Final = 6
MAX_WORD_LENGTH: Final = 100
DEFAULT_PER_PAGE: Final = 50


class Due(StrEnum):
    """When a review's next deadline falls, as the lists group it."""

    OVERDUE = "overdue"
    THIS_TERM = "this_term"
    LATER = "later"


@dataclass(frozen=True, slots=True)
class ReviewSearch:
    """What to find: where to look, the words, the filters, and which page."""

    today: date
    term_ends_on: date
    """The last day that counts as "due this term" (the current term's window end)."""
    setting_urns: tuple[str, ...] | None = None
    """The settings to look in; None looks everywhere (council staff only), () finds nothing."""
    words: str = ""
    stage: int | None = None
    due: Due | None = None
    council_queue: bool = False
    """Only what waits for the council: its next deadline is the council's, or the review is at stage 4 or 5."""
    page: int = 1
    per_page: int | None = DEFAULT_PER_PAGE
    """None returns every line (the JSON API's list)."""


@dataclass(frozen=True, slots=True)
class FoundReview(ReviewLine):
    """One open review as a list shows it (``records.queries.ReviewLine``), with the child it is about."""

    given_name: str
    family_name: str
    date_of_birth: date
    year_group: str | None


@dataclass(frozen=True, slots=True)
class FoundReviews:
    """A page of lines, how many match in all, and how many of those fall in each ``Due`` group."""

    lines: list[FoundReview]
    total: int
    page: int
    pages: int
    counts: dict[Due, int] = field(default_factory=dict)


def search_words(words: str) -> list[str]:
    """Split what was typed into the words searched for (at most MAX_WORDS, each cut to MAX_WORD_LENGTH)."""
    return [word[:MAX_WORD_LENGTH] for word in words.split()[:MAX_WORDS]]


def _like(word: str) -> str:
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def _matches(word: str) -> ColumnElement[bool]:
    pattern = _like(word)
    columns: tuple[Any, ...] = (Child.given_name, Child.family_name, Review.reference, Setting.name, Setting.urn)
    return or_(*(column.ilike(pattern, escape="\\") for column in columns))


def _due_group(wanted: ReviewSearch) -> Any:
    return case(
        (Review.next_due_on.is_(None), Due.LATER.value),
        (Review.next_due_on < wanted.today, Due.OVERDUE.value),
        (Review.next_due_on <= wanted.term_ends_on, Due.THIS_TERM.value),
        else_=Due.LATER.value,
    )


def _conditions(wanted: ReviewSearch) -> list[ColumnElement[bool]]:
    conditions: list[ColumnElement[bool]] = [Review.stage.is_not(None)]
    if wanted.setting_urns is not None:
        urns = sorted({urn.upper() for urn in wanted.setting_urns})
        conditions.append(Setting.urn.in_(urns) if urns else false())
    conditions.extend(_matches(word) for word in search_words(wanted.words))
    if wanted.stage is not None:
        conditions.append(Review.stage == wanted.stage)
    if wanted.council_queue:
        conditions.append(or_(Review.next_owner == "la", Review.stage >= 4))
    return conditions


def _joined(query: Select[*_Row]) -> Select[*_Row]:
    return (query.select_from(Review).join(Plan, Plan.id == Review.plan_id)
            .join(Setting, Setting.id == Plan.setting_id).join(Child, Child.id == Plan.child_id))


def _due_condition(wanted: ReviewSearch) -> ColumnElement[bool] | None:
    if wanted.due is Due.OVERDUE:
        return Review.next_due_on < wanted.today
    if wanted.due is Due.THIS_TERM:
        return and_(Review.next_due_on >= wanted.today, Review.next_due_on <= wanted.term_ends_on)
    if wanted.due is Due.LATER:
        return or_(Review.next_due_on.is_(None), Review.next_due_on > wanted.term_ends_on)
    return None


def find_reviews(session: Session, wanted: ReviewSearch) -> FoundReviews:
    """Return the open reviews matching ``wanted``, soonest next deadline first, one page of them."""
    conditions = _conditions(wanted)
    group = _due_group(wanted)
    groups = _joined(select(group.label("due"))).where(*conditions).subquery()
    counted = select(groups.c.due, func.count()).group_by(groups.c.due)  # one CASE, so PostgreSQL's binds agree
    counts = {Due(name): number for name, number in session.execute(counted)}
    due = _due_condition(wanted)
    if due is not None:
        conditions.append(due)
    total = counts.get(wanted.due, 0) if wanted.due is not None else sum(counts.values())
    columns = select(
        Review.reference, Setting.urn, Setting.name, Review.stage, Review.next_deadline_key, Review.next_due_on,
        Review.next_owner, Child.given_name, Child.family_name, Child.date_of_birth, Child.year_group,
    )
    query = _joined(columns).where(*conditions).order_by(
        Review.next_due_on.is_(None), Review.next_due_on, Review.reference
    )
    pages, page = 1, 1
    if wanted.per_page is not None:
        pages = max(1, -(-total // wanted.per_page))
        page = min(max(1, wanted.page), pages)
        query = query.limit(wanted.per_page).offset((page - 1) * wanted.per_page)
    lines = [FoundReview(*row) for row in session.execute(query)]
    return FoundReviews(lines, total, page, pages, counts)


@dataclass(frozen=True, slots=True)
class ChildOfReview:
    """Who a review is about, for a page that lists reviews from another report (the termly list)."""

    given_name: str
    family_name: str
    date_of_birth: date
    year_group: str | None


def children_of(session: Session, references: Sequence[str]) -> dict[str, ChildOfReview]:
    """Return the child of each known review among ``references`` (callers check the reader's scope)."""
    found: dict[str, ChildOfReview] = {}
    for part in chunked(sorted(set(references))):
        columns = select(Review.reference, Child.given_name, Child.family_name, Child.date_of_birth, Child.year_group)
        query = _joined(columns).where(Review.reference.in_(part))
        for reference, given, family, born, year in session.execute(query):
            found[reference] = ChildOfReview(given, family, born, year)
    return found
