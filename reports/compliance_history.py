"""Compliance of the previous reviews imported with the caseload: the duties of history the engine never ran.

A caseload import brings each plan's previous review as dates only (``previous_meeting_on`` ... ``_final_plan_
issued_on``); no deadline rows are stored for it, so the main compliance counts (``reports.compliance``) cannot see
it. Here its LA deadlines are worked out by ``rules/`` from those dates and counted the same way, into lines of
their own:

* ``decision_due``: the meeting + 28 days, met on the decision date;
* ``amendment_notice_due`` and ``final_plan_due`` for an ``amend``: the notice by the meeting + 28 days; the final
  plan by the earlier of the meeting + 12 weeks and the notice + 8 weeks, capped by a phase transfer
  (``previous_transfer_due_on``). A final plan not yet issued is still owed: it is *missed* once its day has
  passed (the audit's "untracked duty"), *open* before; inside the family's window it is a *breach*.

Not counted: the previous review's own 12-month date (the review before it, its anchor, is not in the file), the
duties of settings (stages 1-3 dates are not imported), and a previous review that is a stored review itself (the
engine opened the next cycle: its deadlines are counted in the main lines). A ceased plan's unmet duties are left
out, as in the main counts.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, aliased

from records.models import Plan, PlanStatus, Review
from reports.compliance import ComplianceLine, Period
from rules.bank_holidays import england_and_wales_working_days
from rules.calendar import IsWorkingDay
from rules.consistency import breaches
from rules.deadlines import due_dates
from rules.facts import Decision, Outcome, ReviewFacts
from rules.rule_set import ENGLAND_2014, RuleSet

__all__ = ["HISTORY_KEYS", "ImportedDuty", "imported_duties", "imported_lines"]

HISTORY_KEYS: Final = ("decision_due", "amendment_notice_due", "final_plan_due")
_STAGES: Final = {"decision_due": 4, "amendment_notice_due": 5, "final_plan_due": 5}


@dataclass(frozen=True, slots=True)
class ImportedDuty:
    """One LA deadline of an imported previous review, and the day it was done (None: not done)."""

    review_id: int
    setting_id: int
    key: str
    due_on: date
    done_on: date | None
    breach: bool = False


def _rows(session: Session) -> list[Any]:
    stored_previous = aliased(Review)
    is_stored = and_(stored_previous.plan_id == Review.plan_id,
                     stored_previous.cycle_number == Review.cycle_number - 1,
                     stored_previous.decision_notified_on == Review.previous_decision_on)
    query = (
        select(Review.id, Review.previous_meeting_on, Review.previous_decision_on, Review.previous_outcome,
               Review.previous_amendment_notice_sent_on, Review.previous_final_plan_issued_on,
               Review.previous_transfer_due_on, Plan.first_issued_on, Plan.status, Plan.setting_id)
        .join(Plan, Plan.id == Review.plan_id)
        .outerjoin(stored_previous, is_stored)
        .where(Review.previous_meeting_on.is_not(None), Review.previous_decision_on.is_not(None),
               stored_previous.id.is_(None))
    )
    return list(session.execute(query))


def _facts(row: Any) -> ReviewFacts:
    outcome = Outcome(row.previous_outcome) if row.previous_outcome else Outcome.MAINTAIN
    return ReviewFacts(
        row.first_issued_on, meeting_held_on=row.previous_meeting_on,
        decision=Decision(outcome, row.previous_decision_on),
        amendment_notice_sent_on=row.previous_amendment_notice_sent_on,
        final_plan_issued_on=row.previous_final_plan_issued_on,
    )


def _duties(row: Any, rule_set: RuleSet, is_working_day: IsWorkingDay) -> list[ImportedDuty]:
    facts = _facts(row)
    due = due_dates(facts, rule_set, is_working_day=is_working_day)
    cap = row.previous_transfer_due_on
    if due["final_plan_due"] is not None and cap is not None:
        due["final_plan_due"] = min(due["final_plan_due"], cap)
    done = {"decision_due": row.previous_decision_on, "amendment_notice_due": facts.amendment_notice_sent_on,
            "final_plan_due": facts.final_plan_issued_on}
    broken = breaches(facts, rule_set)
    found = []
    for key in HISTORY_KEYS:
        day = due[key]
        if day is None or (row.status == PlanStatus.CEASED.value and done[key] is None):
            continue  # not owed, or ended unmet by the cease
        found.append(ImportedDuty(row.id, row.setting_id, key, day, done[key], key in broken))
    return found


def imported_duties(
    session: Session, *, rule_set: RuleSet = ENGLAND_2014, is_working_day: IsWorkingDay | None = None
) -> list[ImportedDuty]:
    """Return every LA deadline of the imported previous reviews (not those the engine stored itself)."""
    working = is_working_day or england_and_wales_working_days()
    return [duty for row in _rows(session) for duty in _duties(row, rule_set, working)]


def _category(duty: ImportedDuty, as_of: date) -> tuple[str, int | None]:
    done = duty.done_on if duty.done_on is not None and duty.done_on <= as_of else None
    if done is not None:
        if duty.breach:
            return "breach", None
        return ("met", None) if done <= duty.due_on else ("met_late", (done - duty.due_on).days)
    if duty.due_on < as_of:
        return "missed", (as_of - duty.due_on).days
    return "open", None


def imported_lines(duties: Iterable[ImportedDuty], period: Period) -> list[ComplianceLine]:
    """Return one authority line per deadline key: the imported duties due in the period, on ``period.as_of``."""
    lines: dict[str, ComplianceLine] = {}
    for duty in duties:
        if not period.from_on <= duty.due_on <= period.to_on or period.setting_id not in (None, duty.setting_id):
            continue
        line = lines.setdefault(duty.key, ComplianceLine(duty.key, _STAGES[duty.key], "la"))
        category, late = _category(duty, period.as_of)
        line.counts[category] += 1
        if late is not None:
            line.late_days[late] += 1
    return [lines[key] for key in HISTORY_KEYS if key in lines]
