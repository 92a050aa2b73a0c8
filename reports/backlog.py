"""The backlog in figures: overdue reviews counted by setting, by stage and by months overdue (README "Reports").

The overdue reviews are those of ``reports.overdue`` (12-month date passed, plan active, no decision by the
as-of date). They are counted in the database, grouped by setting, stage and band of whole months overdue
(0-1, 1-2, 2-3, 3-6, 6 or more), so the figures stand for 12,000 plans without loading a review. The band
is worked out in SQL from cut-off dates (``cutoff``), which agree with ``reports.overdue.months_between``
day for day. The manager's backlog page, its CSV and ``ehcp report backlog`` all read this module.
"""

from __future__ import annotations

import calendar
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import Session

from records.models import DeadlineRecord, Review, Setting
from reports.csv_safety import csv_text
from reports.overdue import OverdueReview, overdue_reviews, overdue_select
from rules.labels import LABELS, OWNER_LABELS
from rules.stages import Stage

__all__ = [
    "BANDS", "Backlog", "BacklogFilter", "BacklogRow", "Band", "NO_STAGE", "backlog", "backlog_csv",
    "backlog_reviews", "band_of", "cutoff", "next_step", "stage_label",
]

NO_STAGE: Final = 0
"""The stage key of an overdue review that is in no stage (its stages over, its decision not recorded)."""


@dataclass(frozen=True, slots=True)
class Band:
    """A band of whole months overdue: ``low`` months or more, fewer than ``high`` (no upper end when None)."""

    key: str
    label: str
    low: int
    high: int | None

    @property
    def short(self) -> str:
        """The band in a narrow column heading: ``0-1``, ..., ``6+`` (whole months)."""
        return f"{self.low}+" if self.high is None else f"{self.low}-{self.high}"


BANDS: Final = (
    Band("0-1", "Under 1 month", 0, 1),
    Band("1-2", "1 to 2 months", 1, 2),
    Band("2-3", "2 to 3 months", 2, 3),
    Band("3-6", "3 to 6 months", 3, 6),
    Band("6-or-more", "6 months or more", 6, None),
)
BAND_BY_KEY: Final = {band.key: band for band in BANDS}

CSV_COLUMNS: Final = ("reference", "setting_urn", "review_due_on", "months_overdue", "months_band", "days_overdue",
                      "stage", "next_step", "owed_by", "family_told")


def cutoff(as_of: date, months: int) -> date:
    """Return the last 12-month date that is at least ``months`` whole months overdue on ``as_of``.

    The same day ``months`` months earlier, or that month's last day when it is shorter: a review is
    ``months`` or more whole months overdue exactly when its date is on or before this one.
    """
    month_index = as_of.year * 12 + as_of.month - 1 - months
    year, month = divmod(month_index, 12)
    day = min(as_of.day, calendar.monthrange(year, month + 1)[1])
    return date(year, month + 1, day)


def band_of(months_overdue: int) -> Band:
    """Return the band of a number of whole months overdue."""
    for band in BANDS:
        if band.high is None or months_overdue < band.high:
            return band
    raise AssertionError("the last band has no upper end")


def stage_label(stage: int) -> str:
    """Return a stage's plain name for the tables: ``Stage 2: review meeting``."""
    if stage == NO_STAGE:
        return "No open stage (decision not recorded)"
    return f"Stage {stage}: {Stage(stage).label}"


def _band_case(as_of: date) -> ColumnElement[str]:
    due_on = DeadlineRecord.due_on
    whens = [(due_on <= cutoff(as_of, band.low), band.key) for band in reversed(BANDS) if band.low > 0]
    return case(*whens, else_=BANDS[0].key)


@dataclass(frozen=True, slots=True)
class BacklogRow:
    """One line of a backlog table: what it counts (a setting or a stage), the count per band and the total."""

    key: str
    label: str
    counts: tuple[int, ...]
    """Reviews in each band of ``BANDS``, in order."""

    @property
    def total(self) -> int:
        return sum(self.counts)


@dataclass(frozen=True, slots=True)
class Backlog:
    """The overdue reviews on ``as_of``, counted by setting, by stage and by band of months overdue."""

    as_of: date
    by_band: tuple[int, ...]
    by_setting: tuple[BacklogRow, ...]
    by_stage: tuple[BacklogRow, ...]

    @property
    def total(self) -> int:
        return sum(self.by_band)


def _rows(counts: dict[tuple[str, str], list[int]]) -> tuple[BacklogRow, ...]:
    return tuple(BacklogRow(key, label, tuple(numbers)) for (key, label), numbers in counts.items())


def backlog(session: Session, as_of: date) -> Backlog:
    """Count the reviews overdue on ``as_of`` by setting, stage and band, in one grouped query."""
    band_column = _band_case(as_of).label("band")
    stage = func.coalesce(Review.stage, NO_STAGE).label("stage")
    inner = overdue_select(as_of, Setting.urn.label("urn"), Setting.name.label("name"), stage, band_column).subquery()
    grouped = (select(inner.c.urn, inner.c.name, inner.c.stage, inner.c.band, func.count().label("reviews"))
               .group_by(inner.c.urn, inner.c.name, inner.c.stage, inner.c.band))
    column = {band.key: index for index, band in enumerate(BANDS)}
    by_band = [0] * len(BANDS)
    settings: dict[tuple[str, str], list[int]] = {}
    stages: dict[tuple[str, str], list[int]] = {}
    for urn, name, stage_number, band_key, reviews in session.execute(grouped):
        index = column[band_key]
        by_band[index] += reviews
        settings.setdefault((urn, name), [0] * len(BANDS))[index] += reviews
        stages.setdefault((str(stage_number), stage_label(stage_number)), [0] * len(BANDS))[index] += reviews
    by_setting = sorted(_rows(settings), key=lambda row: (-row.total, row.key))
    by_stage = sorted(_rows(stages), key=lambda row: int(row.key) or 99)
    return Backlog(as_of, tuple(by_band), tuple(by_setting), tuple(by_stage))


@dataclass(frozen=True, slots=True)
class BacklogFilter:
    """Which overdue reviews to list: one setting, one stage (``NO_STAGE`` for none), one band; None is every."""

    setting_urn: str | None = None
    stage: int | None = None
    band: str | None = None

    def conditions(self, as_of: date) -> list[ColumnElement[bool]]:
        """Return the SQL conditions that pick these reviews out of ``reports.overdue.overdue_select``."""
        found: list[ColumnElement[bool]] = []
        if self.setting_urn is not None:
            found.append(Setting.urn == self.setting_urn)
        if self.stage == NO_STAGE:
            found.append(Review.stage.is_(None))
        elif self.stage is not None:
            found.append(Review.stage == self.stage)
        if self.band is not None:
            band = BAND_BY_KEY[self.band]
            if band.low > 0:
                found.append(DeadlineRecord.due_on <= cutoff(as_of, band.low))
            if band.high is not None:
                found.append(DeadlineRecord.due_on > cutoff(as_of, band.high))
        return found


def backlog_reviews(
    session: Session, as_of: date, chosen: BacklogFilter = BacklogFilter(), limit: int | None = None
) -> list[OverdueReview]:
    """Return the overdue reviews the filter picks, oldest first (``reports.overdue.overdue_reviews``)."""
    return overdue_reviews(session, as_of, where=chosen.conditions(as_of), limit=limit)


def next_step(line: OverdueReview) -> str:
    """Return the review's next open deadline and who owes it, in words: ``Review meeting held (setting)``."""
    if line.next_step is None:
        return "None open"
    owner = OWNER_LABELS.get(line.owed_by or "", line.owed_by or "nobody recorded")
    return f"{LABELS.get(line.next_step, line.next_step)} ({owner})"


def backlog_csv(reviews: Sequence[OverdueReview]) -> str:
    """Return the overdue reviews as CSV (``CSV_COLUMNS``), every cell escaped against spreadsheet formulas."""
    return csv_text(CSV_COLUMNS, (
        (line.reference, line.setting_urn, line.review_due_on, line.months_overdue,
         band_of(line.months_overdue).label, line.days_overdue, line.stage or "",
         LABELS.get(line.next_step or "", line.next_step), OWNER_LABELS.get(line.owed_by or "", line.owed_by),
         line.family_told)
        for line in reviews
    ))
