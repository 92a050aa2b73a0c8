"""A stored review moved on by stage inputs: applied once per idempotency key, refusals recorded, next cycle."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import func, select

from records.models import AuditEntry, DeadlineRecord, Plan, Review
from records.next_cycle import ReviewNotComplete, open_next_cycle
from records.review_progress import apply_input, record_refusal
from records.review_view import review_view
from records.session import SessionFactory, session_scope
from rules.bank_holidays import england_and_wales_working_days
from rules.errors import Problem
from rules.facts import Outcome
from rules.rule_set import ENGLAND_2014
from rules.transitions import DecisionTaken, MeetingHeld, PlanIssued, PreparationDone, ReportReceived, StageInput
from tests.records.support import run, write_csv

TODAY = date(2026, 11, 27)
WORKING_DAYS = england_and_wales_working_days()
SETTING = {"urn": "900901", "name": "Synthetic Rowan Primary", "phase": "primary"}
CHILD = {
    "child_ref": "PROG-1",
    "given_name": "Testchild",
    "family_name": "Synthetic",
    "date_of_birth": "2015-05-05",
    "setting_urn": "900901",
    "plan_first_issued_on": "2025-12-01",
    "year_group": "5",
}
WALK: list[StageInput] = [
    PreparationDone(date(2026, 10, 20), date(2026, 10, 1), date(2026, 10, 2)),
    MeetingHeld(date(2026, 10, 20)),
    ReportReceived(date(2026, 10, 27), Outcome.AMEND),
    DecisionTaken(Outcome.AMEND, date(2026, 11, 3), date(2026, 11, 3)),
    PlanIssued("final-plan", date(2026, 11, 20)),
]


@pytest.fixture
def reference(cli_env: str, factory: SessionFactory, tmp_path: Path) -> str:
    assert run("import", "settings", str(write_csv(tmp_path / "s.csv", [SETTING]))).exit_code == 0
    assert run("import", "caseload", str(write_csv(tmp_path / "c.csv", [CHILD]))).exit_code == 0
    with session_scope(factory) as session:
        return str(session.scalar(select(Review.reference)))


def apply(factory: SessionFactory, reference: str, given: StageInput, key: str):  # type: ignore[no-untyped-def]
    with session_scope(factory) as session:
        return apply_input(
            session,
            reference,
            given,
            idempotency_key=key,
            actor="test",
            today=TODAY,
            rule_set=ENGLAND_2014,
            is_working_day=WORKING_DAYS,
        )


def audit_rows(factory: SessionFactory, action: str) -> int:
    with session_scope(factory) as session:
        return int(session.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.action == action)))


def test_each_input_is_applied_once_however_often_it_is_replayed(factory: SessionFactory, reference: str) -> None:
    for number, given in enumerate(WALK, start=1):
        for _replay in range(3):
            outcome = apply(factory, reference, given, f"run-1/stage-{number}-1")
            assert outcome.accepted, outcome.problems
    assert audit_rows(factory, "review.input_accepted") == len(WALK)
    with session_scope(factory) as session:
        view = review_view(session, reference)
    assert view.stage is None and view.outcome == "amend"
    keys = {d.key for d in view.deadlines}
    assert {"report_due", "decision_due", "representations_close", "final_plan_due", "appeal_due"} <= keys
    assert not any(d.is_open for d in view.deadlines)


def test_deadlines_follow_the_facts(factory: SessionFactory, reference: str) -> None:
    apply(factory, reference, WALK[0], "k1")
    apply(factory, reference, WALK[1], "k2")
    with session_scope(factory) as session:
        rows = {d.key: d for d in session.scalars(select(DeadlineRecord))}
        review = session.scalar(select(Review))
        assert review is not None
        assert (rows["report_due"].due_on, rows["report_due"].is_open) == (date(2026, 11, 3), True)
        assert rows["decision_due"].due_on == date(2026, 11, 17)
        assert (review.stage, review.next_deadline_key) == (3, "report_due")


def test_a_refused_input_changes_nothing_but_is_audited_once(factory: SessionFactory, reference: str) -> None:
    apply(factory, reference, WALK[0], "k1")
    apply(factory, reference, WALK[1], "k2")
    early = ReportReceived(date(2026, 10, 1), Outcome.MAINTAIN)
    for _replay in range(2):
        outcome = apply(factory, reference, early, "k3")
        assert not outcome.accepted and outcome.problems[0][0] == "report_received_on"
    with session_scope(factory) as session:
        assert session.scalar(select(Review.report_received_on)) is None
        assert review_view(session, reference).last_refusal == outcome.problems
    assert audit_rows(factory, "review.input_refused") == 1


def test_form_refusals_are_recorded_once(factory: SessionFactory, reference: str) -> None:
    for _replay in range(2):
        with session_scope(factory) as session:
            record_refusal(
                session, reference, [Problem("meeting_held_on", "not a date")], idempotency_key="k9", actor="test"
            )
    assert audit_rows(factory, "review.input_refused") == 1


def test_next_cycle_is_opened_once_counting_from_the_decision(factory: SessionFactory, reference: str) -> None:
    with session_scope(factory) as session, pytest.raises(ReviewNotComplete):
        open_next_cycle(session, reference, rule_set=ENGLAND_2014, is_working_day=WORKING_DAYS, actor="test")
    for number, given in enumerate(WALK[:4], start=1):
        apply(
            factory,
            reference,
            given if number < 4 else DecisionTaken(Outcome.MAINTAIN, date(2026, 11, 3)),
            f"k{number}",
        )
    opened = set()
    for _replay in range(2):
        with session_scope(factory) as session:
            opened.add(
                open_next_cycle(session, reference, rule_set=ENGLAND_2014, is_working_day=WORKING_DAYS, actor="test")
            )
    (following,) = opened
    with session_scope(factory) as session:
        view = review_view(session, str(following))
        assert view.stage == 1 and view.cycle_number == 2
        due = {d.key: d.due_on for d in view.deadlines}
        assert due["review_due"] == date(2027, 11, 2)  # 12 months starting with the decision, 3 Nov 2026


def test_a_ceased_plan_gets_no_next_cycle(factory: SessionFactory, reference: str) -> None:
    for number, given in enumerate(WALK[:3], start=1):
        apply(factory, reference, given, f"k{number}")
    apply(factory, reference, DecisionTaken(Outcome.CEASE, date(2026, 11, 3)), "k4")
    apply(factory, reference, PlanIssued("cease-notice", date(2026, 11, 5)), "k5")
    with session_scope(factory) as session:
        assert (
            open_next_cycle(session, reference, rule_set=ENGLAND_2014, is_working_day=WORKING_DAYS, actor="test")
            is None
        )
        assert session.scalar(select(Plan.status)) == "ceased"
        assert session.scalar(select(func.count()).select_from(Review)) == 1
        # in force until the appeal period of the notice ends (Tue 5 Jan 2027, CFA s45); nothing owed after the cease
        assert session.scalar(select(Plan.ceased_on)) == date(2027, 1, 6)
        assert session.scalar(select(func.count()).where(DeadlineRecord.is_open)) == 0
