"""A synthetic caseload for the backlog: two settings, reviews placed by hand in each band of months overdue.

Imported through ``ehcp import`` (names and dates of birth are synthetic and never reported), then each
review's 12-month date, stage and decision are set to the case's values, so every band edge is exact.
The business date is Wed 31 Mar 2027 (a month-end, so short months clamp: see ``reports.backlog.cutoff``).
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

from sqlalchemy import select

from records.models import Child, DeadlineRecord, Plan, PlanStatus, Review
from records.session import SessionFactory, session_scope
from tests.records.support import run, write_csv

AS_OF = date(2027, 3, 31)
SETTINGS = [
    {"urn": "900301", "name": "Synthetic Backlog Primary", "phase": "primary"},
    {"urn": "900302", "name": "Synthetic Backlog College", "phase": "post16"},
]
COLUMNS = ("child_ref", "given_name", "family_name", "date_of_birth", "setting_urn", "plan_first_issued_on",
           "plan_status")
# child_ref: (setting URN, 12-month date, stage, decision notified on, plan ceased), and the band it lands in
CASES: dict[str, tuple[str, date, int | None, date | None, bool]] = {
    "B1": ("900301", date(2027, 3, 30), 1, None, False),  # 1 day over: 0-1
    "B2": ("900301", date(2027, 3, 1), 2, None, False),  # 30 days, still under a month: 0-1
    "B3": ("900301", date(2027, 2, 28), 2, None, False),  # 31 Mar is a whole month after 28 Feb: 1-2
    "B4": ("900301", date(2027, 1, 31), 3, None, False),  # 2 months to the day: 2-3
    "B5": ("900302", date(2026, 12, 31), 3, None, False),  # 3 months: 3-6
    "B6": ("900302", date(2026, 10, 1), 4, None, False),  # 5 months: 3-6
    "B7": ("900302", date(2026, 9, 30), 4, None, False),  # 6 months: 6 or more
    "B8": ("900302", date(2025, 1, 15), 1, None, False),  # over two years: 6 or more
    "C1": ("900301", date(2026, 6, 1), 2, None, True),  # overdue, but the plan ceased: not a backlog
    "D1": ("900301", date(2026, 11, 1), 4, date(2027, 3, 1), False),  # decided: not overdue
    "D2": ("900302", date(2026, 11, 1), 4, date(2027, 4, 6), False),  # decided after the as-of date: overdue, 3-6
    "N1": ("900301", date(2027, 3, 31), 1, None, False),  # due on the as-of date: not yet overdue
    "N2": ("900302", date(2027, 6, 1), 1, None, False),  # not yet due
}
BY_BAND = (2, 1, 1, 3, 2)  # 0-1: B1 B2; 1-2: B3; 2-3: B4; 3-6: B5 B6 D2; 6+: B7 B8


def load_backlog_caseload(folder: Path, factory: SessionFactory) -> None:
    """Import the two settings and the plans, then place each case's review as ``CASES`` says."""
    result = run("import", "settings", str(write_csv(folder / "settings.csv", SETTINGS)))
    assert result.exit_code == 0, result.output
    rows = [{"child_ref": ref, "given_name": "Testchild", "family_name": f"Synthetic-{ref}",
             "date_of_birth": "2014-01-01", "setting_urn": urn, "plan_first_issued_on": "2020-01-10",
             "plan_status": "active"} for ref, (urn, *_rest) in CASES.items()]
    result = run("import", "caseload", str(write_csv(folder / "caseload.csv", rows, COLUMNS)))
    assert result.exit_code == 0, result.output
    with session_scope(factory) as session:
        for ref, (_urn, due_on, stage, decided_on, ceased) in CASES.items():
            review, plan = session.execute(
                select(Review, Plan).join(Plan, Plan.id == Review.plan_id).join(Child, Child.id == Plan.child_id)
                .where(Child.child_ref == ref)
            ).one()
            deadline = session.scalars(select(DeadlineRecord).where(
                DeadlineRecord.review_id == review.id, DeadlineRecord.key == "review_due")).one()
            deadline.due_on = due_on
            review.stage = stage
            review.decision_notified_on = decided_on
            if ceased:
                plan.status = PlanStatus.CEASED.value
