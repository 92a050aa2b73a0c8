"""``ehcp report overdue`` on the hand-built SEN2 caseload: the backlog on Thu 15 Jan 2026, oldest first."""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from records.models import Child, Notification, Plan, Review
from records.session import SessionFactory, session_scope
from reports.overdue import months_between
from tests.records.sen2_caseload import CENSUS, load_sen2_caseload
from tests.records.support import run


@pytest.fixture
def caseload(cli_env: str, tmp_path: Path, factory: SessionFactory) -> None:
    load_sen2_caseload(tmp_path)
    with session_scope(factory) as session:
        review_id = session.scalar(
            select(Review.id).join(Plan, Plan.id == Review.plan_id).join(Child, Child.id == Plan.child_id)
            .where(Child.child_ref == "S7")
        )
        session.add(Notification(
            idempotency_key=f"{review_id}/decision_due/family/family", review_id=review_id, channel="email",
            recipient_role="family", template="family-late-letter", status="sent", deadline_key="review_due",
            due_on=date(2025, 11, 21),
        ))
        session.add(Notification(  # queued only after the business date: not yet told on it
            idempotency_key=f"{review_id}/later/family/family", review_id=review_id, channel="email",
            recipient_role="family", template="family-late-letter", status="queued", due_on=date(2026, 2, 1),
        ))


def _backlog(as_of: str) -> list[dict[str, str]]:
    result = run("report", "overdue", "--as-of", as_of, "--format", "csv")
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


@pytest.mark.usefixtures("caseload")
def test_backlog_oldest_first_with_months_overdue_owner_and_family_letter() -> None:
    rows = _backlog(CENSUS)
    found = [(r["child_ref"], r["review_due_on"], r["months_overdue"], r["days_overdue"], r["family_told"])
             for r in rows]
    assert found == [
        ("S6", "2025-10-19", "2", "88", "no"),  # 12 months from the 20 Oct 2024 decision; nothing since
        ("S13", "2025-10-24", "2", "83", "no"),
        ("S7", "2025-11-24", "1", "52", "sent 2025-11-21"),  # meeting held, decision owed
        ("S15", "2025-12-30", "0", "16", "no"),  # first review of a plan issued 31 Dec 2024
        ("S10", "2025-12-31", "0", "15", "no"),
    ]  # S5 decided 9 Jan 2026; S8 and S9 ceased; the rest not yet due
    owners = {r["child_ref"]: (r["next_step"], r["owed_by"]) for r in rows}
    # meeting held, no report recorded: the setting's report (M + 14) falls before the decision (M + 28, uncapped)
    assert owners["S7"] == ("report_due", "setting")
    assert owners["S6"] == ("meeting_due", "setting")


@pytest.mark.usefixtures("caseload")
def test_backlog_replays_an_earlier_business_date() -> None:
    assert [r["child_ref"] for r in _backlog("2025-11-01")] == ["S6", "S13"]


@pytest.mark.usefixtures("caseload")
def test_backlog_table_names_the_step_and_who_owes_it() -> None:
    result = run("report", "overdue", "--as-of", CENSUS)
    assert result.exit_code == 0, result.output
    assert "(5)" in result.stdout and "AR-" in result.stdout and "Synthetic-" not in result.stdout


def test_bad_as_of_exits_2(cli_env: str) -> None:
    result = run("report", "overdue", "--as-of", "15/01/2026")
    assert result.exit_code == 2 and "--as-of" in result.stderr


@pytest.mark.parametrize(
    ("start", "end", "months"),
    [
        (date(2025, 10, 19), date(2026, 1, 15), 2),  # Sun 19 Oct to Thu 15 Jan: not yet 3 months
        (date(2025, 10, 19), date(2026, 1, 19), 3),
        (date(2025, 12, 31), date(2026, 1, 15), 0),
        (date(2025, 1, 31), date(2025, 2, 28), 0),  # by day of month: 28 Feb is before the 31st
    ],
)
def test_months_between_counts_whole_calendar_months(start: date, end: date, months: int) -> None:
    assert months_between(start, end) == months
