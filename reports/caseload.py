"""The caseload at a glance, per setting: open reviews, reviews due this term, and overdue reviews by stage.

Plain rows (str and int values) for the clock's Prefect table artifact "caseload". Three grouped,
indexed queries: open reviews by stage (reviews' stage index), meeting-due dates in the current
term's window, and open deadlines already past (the partial index on open deadlines' due dates).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date
from typing import Any

from sqlalchemy import false, func, select
from sqlalchemy.orm import Session

from records.models import DeadlineRecord, Plan, Review, Setting
from records.queries import chunked
from reports.terms import Term, term_covering
from rules.stages import Stage

__all__ = ["caseload_summary"]

STAGES = tuple(int(stage) for stage in Stage)


def _open_reviews(session: Session) -> dict[int, int]:
    query = (
        select(Plan.setting_id, func.count())
        .select_from(Review)
        .join(Plan, Plan.id == Review.plan_id)
        .where(Review.stage.is_not(None), Plan.status == "active")
        .group_by(Plan.setting_id)
    )
    return {setting_id: int(number) for setting_id, number in session.execute(query)}


def _due_in_term(session: Session, term: Term | None) -> dict[int, int]:
    if term is None:
        return {}
    query = (
        select(Plan.setting_id, func.count())
        .select_from(DeadlineRecord)
        .join(Review, Review.id == DeadlineRecord.review_id)
        .join(Plan, Plan.id == Review.plan_id)
        .where(DeadlineRecord.key == "meeting_due", DeadlineRecord.due_on >= term.starts_on,
               DeadlineRecord.due_on <= term.window_ends_on, Review.stage.is_not(None), Plan.status == "active")
        .group_by(Plan.setting_id)
    )
    return {setting_id: int(number) for setting_id, number in session.execute(query)}


def _overdue_by_stage(session: Session, today: date) -> dict[int, dict[int, int]]:
    d = DeadlineRecord
    query = (
        select(Plan.setting_id, d.stage, func.count(func.distinct(d.review_id)))
        .join(Review, Review.id == d.review_id)
        .join(Plan, Plan.id == Review.plan_id)
        .where(d.is_open, d.due_on < today, d.advisory == false(), d.stage.is_not(None), Plan.status == "active")
        .group_by(Plan.setting_id, d.stage)
    )
    found: dict[int, dict[int, int]] = defaultdict(dict)
    for setting_id, stage, number in session.execute(query):
        found[setting_id][int(stage or 0)] = int(number)
    return found


def caseload_summary(session: Session, today: date, terms: Sequence[Term]) -> list[dict[str, Any]]:
    """Return one row per setting with open reviews: counts open, due this term and overdue by stage.

    "This term" is the term whose list window holds ``today`` (a holiday counts with the term before).
    "Overdue in stage N" counts reviews with at least one open deadline of stage N past its day.
    """
    term = term_covering(terms, today)
    open_reviews, due, overdue = _open_reviews(session), _due_in_term(session, term), _overdue_by_stage(session, today)
    wanted = sorted(set(open_reviews) | set(due) | set(overdue))
    if not wanted:
        return []
    names: dict[int, tuple[str, str]] = {}
    for part in chunked(wanted):
        query = select(Setting.id, Setting.urn, Setting.name).where(Setting.id.in_(part))
        names.update({row.id: (row.urn, row.name) for row in session.execute(query)})
    rows = []
    for setting_id in wanted:
        by_stage = overdue.get(setting_id, {})
        rows.append({
            "setting_urn": names[setting_id][0],
            "setting_name": names[setting_id][1],
            "open_reviews": open_reviews.get(setting_id, 0),
            "term": term.id if term is not None else "",
            "due_this_term": due.get(setting_id, 0),
            **{f"overdue_stage_{stage}": by_stage.get(stage, 0) for stage in STAGES},
        })
    return sorted(rows, key=lambda row: row["setting_urn"])
