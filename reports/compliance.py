"""Deadline compliance: per stage, setting and owner, how many deadlines fell due, were met, met late or missed.

Counting (README "Reports"): the deadlines counted are the computed deadline rows owed by a setting or
the LA (not windows, forecasts or advisory dates) whose last compliant day falls in the period. On the
``as_of`` date each is exactly one of:

* ``met``: its duty was recorded done on or before its day;
* ``met_late``: recorded done after its day, on or before ``as_of`` (lateness = done - due);
* ``missed``: not done by ``as_of``, its day has passed and it is still owed (lateness so far = as_of - due);
* ``open``: not done and its day is ``as_of`` or later;
* ``unrecorded``: its stage is over but the date it was done was never recorded (neither met nor missed);
* ``breach``: done unlawfully (a final plan issued inside the family's representation window,
  ``rules.consistency.breaches``, stored as ``deadlines.breach``): kept as history, never counted met.

A ceased plan's deadlines that were never met are not counted: the cease ended them (CFA s45; a plan imported
as ceased owes nothing after its cease, ``records.ceased_plans``); those met before the cease count as usual.

Every date is the rules' own (``decision_due`` is the meeting + 28 days, uncapped), so a decision on
day 21 after a late meeting is within 4 weeks here as in ``ehcp deadlines``.
The previous reviews imported with the caseload have no deadline rows; their LA duties are counted apart,
in ``imported`` (``reports.compliance_history``). The on-time rate is met / (met + met_late + missed +
breach). Median and worst lateness are over the late deadlines (met late and missed) only. Everything is
counted in SQL; Python folds one grouped row per (setting, deadline, owner, category, days late), never one
row per deadline.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final

from sqlalchemy import Date, Select, and_, case, false, func, literal, or_, select
from sqlalchemy.orm import Session

from records.models import DeadlineRecord, Plan, PlanStatus, Review, Setting
from records.queries import chunked
from records.sql_dates import days_between, year_month

__all__ = ["CATEGORIES", "ComplianceLine", "ComplianceReport", "MonthCell", "Period", "compliance_report"]

CATEGORIES: Final = ("met", "met_late", "missed", "open", "unrecorded", "breach")
OWED_BY: Final = ("setting", "la")


@dataclass(frozen=True, slots=True)
class Period:
    """The deadlines counted (due from ``from_on`` to ``to_on`` inclusive) and the date the counts stand on."""

    from_on: date
    to_on: date
    as_of: date
    setting_id: int | None = None


@dataclass(slots=True)
class ComplianceLine:
    """Counts for one deadline key owed by one owner, in one setting (``setting_urn`` None: every setting)."""

    key: str
    stage: int
    owner: str
    setting_urn: str | None = None
    setting_name: str | None = None
    counts: Counter[str] = field(default_factory=Counter)
    late_days: Counter[int] = field(default_factory=Counter)

    @property
    def due(self) -> int:
        return sum(self.counts.values())

    @property
    def on_time_rate(self) -> float | None:
        """Return met / (met + met late + missed + breach), or None when nothing was decided yet."""
        decided = sum(self.counts[name] for name in ("met", "met_late", "missed", "breach"))
        return self.counts["met"] / decided if decided else None

    @property
    def median_late_days(self) -> float | None:
        return _median(self.late_days)

    @property
    def worst_late_days(self) -> int | None:
        return max(self.late_days) if self.late_days else None


@dataclass(frozen=True, slots=True)
class MonthCell:
    """On-time counts of one deadline key for the deadlines due in one calendar month (``YYYY-MM``)."""

    key: str
    month: str
    met: int
    late: int

    @property
    def on_time_rate(self) -> float | None:
        return self.met / (self.met + self.late) if self.met + self.late else None


@dataclass(frozen=True, slots=True)
class ComplianceReport:
    """The whole report: totals by stage, the same split by setting, and the monthly on-time cells."""

    period: Period
    by_stage: list[ComplianceLine]
    by_setting: list[ComplianceLine]
    by_month: list[MonthCell]
    imported: list[ComplianceLine] = field(default_factory=list)
    """The LA duties of the previous reviews imported with the caseload (``reports.compliance_history``)."""


def _median(histogram: Counter[int]) -> float | None:
    total = sum(histogram.values())
    if not total:
        return None
    ordered = sorted(histogram.items())
    low_index, high_index = (total - 1) // 2, total // 2
    found: list[int] = []
    seen = 0
    for value, count in ordered:
        for index in (low_index, high_index):
            if seen <= index < seen + count:
                found.append(value)
        seen += count
    return sum(found) / len(found)


def _counted(period: Period) -> Select[Any]:
    """Return one row per counted deadline: setting, key, stage, owner, month, category and days late."""
    d = DeadlineRecord
    as_of = literal(period.as_of, Date())
    done = and_(d.met_on.is_not(None), d.met_on <= as_of)
    pending = or_(d.is_open, d.met_on.is_not(None))  # still owed now, or done only after as_of
    category = case(
        (and_(done, d.breach), "breach"),
        (and_(done, d.met_on <= d.due_on), "met"),
        (done, "met_late"),
        (and_(pending, d.due_on < as_of), "missed"),
        (pending, "open"),
        else_="unrecorded",
    )
    late_days = case(
        (and_(done, d.met_on > d.due_on), days_between(d.met_on, d.due_on)),
        (and_(~done, pending, d.due_on < as_of), days_between(as_of, d.due_on)),
        else_=None,
    )
    query = (
        select(Plan.setting_id, d.key, d.stage, d.owner, year_month(d.due_on).label("month"),
               category.label("category"), late_days.label("late_days"))
        .join(Review, Review.id == d.review_id)
        .join(Plan, Plan.id == Review.plan_id)
        .where(d.due_on >= period.from_on, d.due_on <= period.to_on, d.owner.in_(OWED_BY), d.stage.is_not(None),
               d.advisory == false())
        .where(or_(Plan.status != PlanStatus.CEASED.value, d.met_on.is_not(None)))  # the cease ended the rest
    )
    if period.setting_id is not None:
        query = query.where(Plan.setting_id == period.setting_id)
    return query


def _grouped(session: Session, period: Period) -> list[Any]:
    counted = _counted(period).subquery()
    columns = (counted.c.setting_id, counted.c.key, counted.c.stage, counted.c.owner, counted.c.category,
               counted.c.late_days)
    return list(session.execute(select(*columns, func.count()).group_by(*columns)))


def _monthly(session: Session, period: Period) -> list[MonthCell]:
    counted = _counted(period).subquery()
    columns = (counted.c.key, counted.c.month, counted.c.category)
    cells: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    for key, month, category, number in session.execute(select(*columns, func.count()).group_by(*columns)):
        if category in ("met", "met_late", "missed", "breach"):
            cells[(key, month)][0 if category == "met" else 1] += number
    return [MonthCell(key, month, met, late) for (key, month), (met, late) in sorted(cells.items())]


def _names(session: Session, setting_ids: Iterable[int]) -> dict[int, tuple[str, str]]:
    found: dict[int, tuple[str, str]] = {}
    for part in chunked(sorted(set(setting_ids))):
        query = select(Setting.id, Setting.urn, Setting.name).where(Setting.id.in_(part))
        found.update({row.id: (row.urn, row.name) for row in session.execute(query)})
    return found


def _order(line: ComplianceLine) -> tuple[Any, ...]:
    return (line.setting_urn or "", line.stage, line.key, line.owner)


def compliance_report(session: Session, period: Period) -> ComplianceReport:
    """Return the compliance counts of the deadlines due in ``period``, as they stand on ``period.as_of``."""
    rows = _grouped(session, period)
    names = _names(session, (row.setting_id for row in rows))
    totals: dict[tuple[Any, ...], ComplianceLine] = {}
    per_setting: dict[tuple[Any, ...], ComplianceLine] = {}
    for setting_id, key, stage, owner, category, late, number in rows:
        urn, name = names[setting_id]
        groups = ((totals, (key, owner), (None, None)), (per_setting, (urn, key, owner), (urn, name)))
        for found, group, where in groups:
            line = found.setdefault(group, ComplianceLine(key, stage, owner, *where))
            line.counts[category] += number
            if late is not None:
                line.late_days[int(late)] += number
    from reports.compliance_history import imported_duties, imported_lines  # it builds on this module's lines

    return ComplianceReport(
        period,
        sorted(totals.values(), key=_order),
        sorted(per_setting.values(), key=_order),
        _monthly(session, period),
        imported_lines(imported_duties(session), period),
    )
