"""Ceased plans stop (CFA s45): no cycle, no ladder and no deadline after the cease; in SEN2 until it takes effect.

The audit's edge cases (shared/audits/sen2-2026-12-04.md, E03-E05), imported through ``ehcp import caseload``, then
the clock, liveness, compliance, the backlog and SEN2 read on SQLite and PostgreSQL:

* CEASE-PREV  imported, previous review decided cease on Mon 1 Dec 2025 (the audit's E03): no notice date held, so the
              decision letter is the notice; 2 months is Sun 1 Feb 2026, next working day Mon 2 Feb; ceases Tue 3 Feb
* CEASE-NONE  imported as ceased with no dates at all (E05): first issued 2018; nothing owed, not in SEN2
* CEASE-GIVEN imported as ceased on a date the council gives (a Tribunal's decision): 1 Mar 2026
* CEASE-NOW   imported with this cycle's cease decision and notice (Mon 2 Nov 2026): in force until its appeal ends
* ACTIVE      an active plan past its review date, for contrast: the ladder and the backlog still chase it
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from records.clock_events import due_ladder_events
from records.models import DeadlineRecord, Plan, Review
from records.review_runs import reviews_needing_runs
from records.session import SessionFactory, session_scope
from reports.compliance import Period, compliance_report
from reports.overdue import overdue_reviews
from rules.bank_holidays import england_and_wales_working_days
from rules.ladder import DEFAULT_LADDER
from tests.records.support import run, write_csv

WORKING_DAYS = england_and_wales_working_days()
TODAY = date(2026, 12, 4)
SETTING = {"urn": "900301", "name": "Synthetic Ceasing Academy", "phase": "secondary"}
COLUMNS = ("child_ref", "given_name", "family_name", "date_of_birth", "setting_urn", "plan_first_issued_on",
           "plan_status", "plan_ceased_on", "previous_meeting_on", "previous_decision_on", "previous_outcome",
           "meeting_held_on", "decision_outcome", "decision_notified_on", "cease_notice_sent_on")
CASES = {
    "CEASE-PREV": {"plan_status": "ceased", "previous_meeting_on": "2025-11-10", "previous_decision_on": "2025-12-01",
                   "previous_outcome": "cease"},
    "CEASE-NONE": {"plan_status": "ceased", "plan_first_issued_on": "2018-09-01"},
    "CEASE-GIVEN": {"plan_status": "ceased", "plan_ceased_on": "2026-03-01", "previous_meeting_on": "2025-10-01",
                    "previous_decision_on": "2025-10-20", "previous_outcome": "cease"},
    "CEASE-NOW": {"plan_status": "ceased", "previous_meeting_on": "2025-10-01", "previous_decision_on": "2025-10-20",
                  "previous_outcome": "maintain", "meeting_held_on": "2026-10-12", "decision_outcome": "cease",
                  "decision_notified_on": "2026-11-02", "cease_notice_sent_on": "2026-11-02"},
    "ACTIVE": {"previous_meeting_on": "2025-09-01", "previous_decision_on": "2025-09-20",
               "previous_outcome": "maintain"},
}


def rows() -> list[dict[str, str]]:
    base = {"given_name": "Testchild", "family_name": "Synthetic", "date_of_birth": "2011-05-05",
            "setting_urn": "900301", "plan_first_issued_on": "2019-01-10"}
    return [{**base, "child_ref": ref, **case} for ref, case in CASES.items()]


@pytest.fixture
def caseload(cli_env: str, tmp_path: Path) -> Path:
    assert run("import", "settings", str(write_csv(tmp_path / "s.csv", [SETTING]))).exit_code == 0
    result = run("import", "caseload", str(write_csv(tmp_path / "c.csv", rows(), COLUMNS)))
    assert result.exit_code == 0, result.output
    return tmp_path


def _plans(factory: SessionFactory) -> dict[str, Plan]:
    with session_scope(factory) as session:
        return {plan.child.child_ref: plan for plan in session.scalars(select(Plan))}


@pytest.mark.usefixtures("caseload")
def test_an_imported_ceased_plan_owes_nothing_and_the_clock_raises_nothing(factory: SessionFactory) -> None:
    with session_scope(factory) as session:
        by_id = {r.id: r.plan.child.child_ref for r in session.scalars(select(Review))}
        owing = {by_id[d.review_id] for d in session.scalars(select(DeadlineRecord).where(DeadlineRecord.is_open))}
        stages = {r.plan.child.child_ref: r.stage for r in session.scalars(select(Review))}
        escalated = {by_id[i] for i, _ in due_ladder_events(session, TODAY, DEFAULT_LADDER, WORKING_DAYS).events}
        runs = {run_.reference for run_ in reviews_needing_runs(session, TODAY)}
        references = {r.plan.child.child_ref: r.reference for r in session.scalars(select(Review))}
    assert owing == {"ACTIVE"}  # the audit found 18 events for E03 and E05, up to the director
    assert {ref: stage for ref, stage in stages.items() if ref != "ACTIVE"} == dict.fromkeys(
        ("CEASE-PREV", "CEASE-NONE", "CEASE-GIVEN", "CEASE-NOW"))
    assert escalated == {"ACTIVE"}
    assert runs == {references["ACTIVE"]}


@pytest.mark.usefixtures("caseload")
def test_when_each_cease_takes_effect(factory: SessionFactory) -> None:
    ceased_on = {ref: plan.ceased_on for ref, plan in _plans(factory).items()}
    assert ceased_on == {
        "CEASE-PREV": date(2026, 2, 3),  # 2 months from Mon 1 Dec 2025 is Sun 1 Feb: appeal until Mon 2 Feb
        "CEASE-NONE": None,  # not held
        "CEASE-GIVEN": date(2026, 3, 1),  # as the council gives it
        "CEASE-NOW": date(2027, 1, 5),  # notice Mon 2 Nov 2026: 2 months is Sat 2 Jan 2027, appeal until Mon 4 Jan
        "ACTIVE": None,
    }


@pytest.mark.usefixtures("caseload")
def test_compliance_and_backlog_leave_out_what_the_cease_ended(factory: SessionFactory) -> None:
    with session_scope(factory) as session:
        report = compliance_report(session, Period(date(2018, 1, 1), TODAY, TODAY))
        backlog = {line.child_ref for line in overdue_reviews(session, TODAY)}
    missed = {line.key: line.counts["missed"] for line in report.by_stage}
    worst = max((line.worst_late_days or 0) for line in report.by_stage)
    assert backlog == {"ACTIVE"}
    assert missed.get("review_due") == 1  # ACTIVE's, due Sat 19 Sep 2026; none for the ceased plans
    assert worst == 104  # ACTIVE's meeting, due Sat 22 Aug 2026; the audit's 2,652 days came from an invented cycle
    decision = next(line for line in report.by_stage if line.key == "decision_due")
    assert decision.counts["met"] == 1  # CEASE-NOW's cease decision on day 21 still counts: it was done


def test_a_ceased_plan_opens_no_next_cycle_on_reimport(factory: SessionFactory, caseload: Path) -> None:
    again = [{**row, "previous_meeting_on": "2026-10-12", "previous_decision_on": "2026-11-02",
              "previous_outcome": "cease", "meeting_held_on": "", "decision_outcome": "", "decision_notified_on": "",
              "cease_notice_sent_on": ""} for row in rows() if row["child_ref"] == "CEASE-NOW"]
    result = run("import", "caseload", str(write_csv(caseload / "again.csv", again, COLUMNS)))
    assert result.exit_code == 0, result.output
    with session_scope(factory) as session:
        assert session.scalar(select(func.count()).select_from(Review)) == len(CASES)  # no new cycle was opened
        stored = {r.plan.child.child_ref: r for r in session.scalars(select(Review))}["CEASE-NOW"]
        assert (stored.decision_outcome, stored.decision_notified_on) == ("cease", date(2026, 11, 2))


@pytest.mark.usefixtures("caseload")
def test_sen2_keeps_a_ceased_plan_until_the_cease_takes_effect() -> None:
    def items(census: str) -> dict[str, dict[str, str]]:
        result = run("report", "sen2", "--census-date", census)
        assert result.exit_code == 0, result.output
        return {row["child_ref"]: row for row in csv.DictReader(io.StringIO(result.stdout))}

    at_2026 = items("2026-01-15")
    assert "CEASE-NONE" not in at_2026  # a cease date the records do not hold: left out, as before
    assert at_2026["CEASE-PREV"]["plan_ceased_on"] == ""  # in force at the census (appeal until 2 Feb)
    assert (at_2026["CEASE-PREV"]["ReviewOutcome"], at_2026["CEASE-PREV"]["LastReview"]) == ("C", "2025-12-01")
    at_2027 = items("2027-01-21")
    assert at_2027["CEASE-PREV"]["plan_ceased_on"] == "2026-02-03"  # ceased during the collection year 2026
    assert at_2027["CEASE-GIVEN"]["plan_ceased_on"] == "2026-03-01"
    assert at_2027["CEASE-NOW"]["plan_ceased_on"] == "2027-01-05"  # ceased before the census of Thu 21 Jan 2027
    assert "ACTIVE" in at_2027 and at_2027["ACTIVE"]["plan_ceased_on"] == ""
