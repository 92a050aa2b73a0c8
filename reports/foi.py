"""Figures a council is asked for under the Freedom of Information Act, from the same records (issue 23 item 6).

The questions councils publish answers to (Devon's 2019 and later requests, in the audit): how long from the review
meeting to the decision (the median days), what share of decisions came within 4 weeks, and how many reviews are
still incomplete 6, 12 and 24 months after their meeting. Counted here, for a period and an as-of date:

* **decisions**: each review decision notified from ``from_on`` to ``to_on`` (and by ``as_of``), from the stored
  reviews and the previous reviews imported with the caseload, one per plan and decision date;
* **median days from meeting to decision** over those decisions (half-days when the middle falls between two);
* **within 4 weeks**: decisions notified no later than the meeting + 28 days (Reg 20(10); STATUTORY.md s1);
* **incomplete N months after the meeting**: reviews of plans not ceased whose meeting was held and whose decision
  had not been notified by ``as_of``, with at least N whole calendar months from the meeting to ``as_of``
  (N = 6, 12, 24; each count includes the longer ones).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from records.models import Plan, PlanStatus, Review
from reports.csv_safety import csv_text
from reports.overdue import months_between

__all__ = ["FOI_COLUMNS", "Decision", "FoiFigures", "foi_csv", "foi_figures", "foi_from_records"]

FOI_COLUMNS: Final = ("figure", "value", "definition")
MONTHS: Final = (6, 12, 24)
WITHIN_DAYS: Final = 28


@dataclass(frozen=True, slots=True)
class Decision:
    """A review decision: the plan, its meeting and the day it was notified."""

    plan_id: int
    meeting_on: date
    decided_on: date


@dataclass(frozen=True, slots=True)
class FoiFigures:
    """The figures for a period, as they stand on ``as_of``."""

    from_on: date
    to_on: date
    as_of: date
    decisions: int
    median_days: float | None
    within_4_weeks: int
    incomplete_after: dict[int, int]

    def rows(self) -> list[tuple[str, str, str]]:
        """Return (figure, value, definition) rows, as the page and the CSV show them."""
        share = f"{100 * self.within_4_weeks / self.decisions:.1f}%" if self.decisions else "-"
        period = f"{self.from_on} to {self.to_on}"
        found = [
            ("decisions", str(self.decisions), f"review decisions notified {period} (stored and imported reviews)"),
            ("median_days_meeting_to_decision", "-" if self.median_days is None else f"{self.median_days:g}",
             "median days from the review meeting to the decision, over those decisions"),
            ("decisions_within_4_weeks", str(self.within_4_weeks),
             "of those, notified no later than the meeting + 28 days (Reg 20(10))"),
            ("pc_decisions_within_4_weeks", share, "share of those decisions within 4 weeks"),
        ]
        for months, count in self.incomplete_after.items():
            found.append((f"incomplete_{months}_months_after_meeting", str(count),
                          f"reviews with a meeting held and no decision by {self.as_of}, at least {months} whole "
                          f"months after the meeting (plans not ceased)"))
        return found


def foi_figures(
    decisions: Iterable[Decision], open_meetings: Sequence[date], from_on: date, to_on: date, as_of: date
) -> FoiFigures:
    """Return the figures from the decisions and the meeting dates of reviews still awaiting a decision (pure)."""
    counted = {(d.plan_id, d.decided_on): d for d in decisions if from_on <= d.decided_on <= min(to_on, as_of)}
    days = [(d.decided_on - d.meeting_on).days for d in counted.values()]
    within = sum(1 for d in counted.values() if d.decided_on <= d.meeting_on + timedelta(days=WITHIN_DAYS))
    months = [months_between(meeting, as_of) for meeting in open_meetings]
    incomplete = {n: sum(1 for m in months if m >= n) for n in MONTHS}
    return FoiFigures(from_on, to_on, as_of, len(counted), median(days) if days else None, within, incomplete)


def foi_from_records(session: Session, from_on: date, to_on: date, as_of: date) -> FoiFigures:
    """Return the figures for the period from the records, as they stand on ``as_of``."""
    query = select(Review.plan_id, Review.meeting_held_on, Review.decision_notified_on, Review.previous_meeting_on,
                   Review.previous_decision_on, Plan.status).join(Plan, Plan.id == Review.plan_id)
    decisions: list[Decision] = []
    waiting: list[date] = []
    for row in session.execute(query):
        if row.previous_meeting_on is not None and row.previous_decision_on is not None:
            decisions.append(Decision(row.plan_id, row.previous_meeting_on, row.previous_decision_on))
        held, decided = row.meeting_held_on, row.decision_notified_on
        if held is not None and decided is not None:
            decisions.append(Decision(row.plan_id, held, decided))
        if held is not None and held <= as_of and (decided is None or decided > as_of) and (
            row.status != PlanStatus.CEASED.value
        ):
            waiting.append(held)
    return foi_figures(decisions, waiting, from_on, to_on, as_of)


def foi_csv(figures: FoiFigures) -> str:
    """Return the figures as CSV (``FOI_COLUMNS``; cells escaped, ``reports.csv_safety``)."""
    return csv_text(FOI_COLUMNS, figures.rows())
