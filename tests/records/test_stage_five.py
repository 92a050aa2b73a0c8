"""Issue 10 in the records, on SQLite and PostgreSQL: migration 0009, the new stage-5 inputs, Reg 21, a breach."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import inspect, select

from records.models import AuditEntry, DeadlineRecord, Review
from records.review_progress import apply_input, record_not_amending_reasons
from records.review_view import review_view
from records.schema import downgrade, upgrade
from records.session import SessionFactory, get_engine, session_scope
from rules.bank_holidays import england_and_wales_working_days
from rules.facts import Outcome
from rules.rule_set import ENGLAND_2014
from rules.transitions import DecisionTaken, MeetingHeld, PlanIssued, PreparationDone, ReportReceived, StageInput
from services.timeline import open_deadlines_markdown
from tests.records.support import run, write_csv

TODAY = date(2026, 11, 27)
WORKING_DAYS = england_and_wales_working_days()
SETTING = {"urn": "900931", "name": "Synthetic Larch Primary", "phase": "primary"}
CHILD = {
    "child_ref": "S5-1",
    "given_name": "Testchild",
    "family_name": "Synthetic",
    "date_of_birth": "2015-05-05",
    "setting_urn": "900931",
    "plan_first_issued_on": "2025-12-01",
    "year_group": "5",
}
NEW_REVIEW_COLUMNS = {"amendments_withdrawn_on", "amendments_withdrawn_reasons", "mediation_certificate_on"}
NEW_REVIEW_COLUMNS |= {"report_sent_on", "led_by"}
NEW_DEADLINE_COLUMNS = {"breach", "earliest_lawful_on"}


def _columns(url: str, table: str) -> set[str]:
    return {column["name"] for column in inspect(get_engine(url)).get_columns(table)}


def test_migration_0009_adds_and_removes_the_new_facts(database_url: str) -> None:
    engine = get_engine(database_url)
    assert NEW_REVIEW_COLUMNS <= _columns(database_url, "reviews")
    assert NEW_DEADLINE_COLUMNS <= _columns(database_url, "deadlines")
    downgrade(engine, "0006")
    assert not NEW_REVIEW_COLUMNS & _columns(database_url, "reviews")
    assert not NEW_DEADLINE_COLUMNS & _columns(database_url, "deadlines")
    upgrade(engine)
    assert NEW_REVIEW_COLUMNS <= _columns(database_url, "reviews")


def _import(tmp_path: Path, **cells: str) -> Any:
    assert run("import", "settings", str(write_csv(tmp_path / "s.csv", [SETTING]))).exit_code == 0
    return run("import", "caseload", str(write_csv(tmp_path / "c.csv", [{**CHILD, **cells}])))


@pytest.fixture
def reference(cli_env: str, factory: SessionFactory, tmp_path: Path) -> str:
    assert _import(tmp_path).exit_code == 0
    with session_scope(factory) as session:
        return str(session.scalar(select(Review.reference)))


def apply(factory: SessionFactory, reference: str, given: StageInput, key: str) -> Any:
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


TO_AMEND: list[StageInput] = [
    PreparationDone(date(2026, 10, 20), date(2026, 10, 1), date(2026, 10, 2)),
    MeetingHeld(date(2026, 10, 20)),
    ReportReceived(date(2026, 10, 28), Outcome.AMEND, report_sent_on=date(2026, 10, 27)),
    DecisionTaken(Outcome.AMEND, date(2026, 11, 3), date(2026, 11, 3)),
]


def _deadlines(factory: SessionFactory, reference: str) -> dict[str, DeadlineRecord]:
    with session_scope(factory) as session:
        review = session.scalar(select(Review).where(Review.reference == reference))
        assert review is not None
        found = {row.key: row for row in review.deadlines}
        session.expunge_all()
        return found


def test_not_amending_notice_closes_the_review_with_its_reasons_in_the_records(
    factory: SessionFactory, reference: str
) -> None:
    for number, given in enumerate(TO_AMEND, start=1):
        assert apply(factory, reference, given, f"run/stage-{number}-1").accepted
    with session_scope(factory) as session:
        record_not_amending_reasons(session, reference, "Synthetic reasons: needs met as the plan stands.", actor="t")
    outcome = apply(factory, reference, PlanIssued("not-amending", date(2026, 11, 24)), "run/stage-5-1")
    assert outcome.accepted and outcome.stage is None
    with session_scope(factory) as session:
        review = session.scalar(select(Review).where(Review.reference == reference))
        assert review is not None
        assert (review.amendments_withdrawn_on, review.final_plan_issued_on) == (date(2026, 11, 24), None)
        assert review.amendments_withdrawn_reasons == "Synthetic reasons: needs met as the plan stands."
        assert review.report_sent_on == date(2026, 10, 27)
        details = [str(e.detail) for e in session.scalars(select(AuditEntry))]
    assert not any("needs met" in detail for detail in details)  # the reasons are not copied into the audit log
    final = _deadlines(factory, reference)["final_plan_due"]
    assert (final.met_on, final.is_open, final.breach) == (date(2026, 11, 24), False, False)


def test_empty_reasons_are_refused(factory: SessionFactory, reference: str) -> None:
    with session_scope(factory) as session, pytest.raises(ValueError, match="Reg 22"):
        record_not_amending_reasons(session, reference, "   ", actor="t")


def test_cease_notice_after_consultation_is_recorded(factory: SessionFactory, reference: str) -> None:
    walk = [*TO_AMEND[:3], DecisionTaken(Outcome.CEASE, date(2026, 11, 3))]
    for number, given in enumerate(walk, start=1):
        assert apply(factory, reference, given, f"run/stage-{number}-1").accepted
    assert "appeal_due" not in _deadlines(factory, reference)  # consultation: no appeal date yet
    assert apply(factory, reference, PlanIssued("cease-notice", date(2026, 11, 24)), "run/stage-5-1").stage is None
    assert _deadlines(factory, reference)["appeal_due"].due_on == date(2027, 1, 25)  # Sun 24 Jan moves to Monday


def test_final_plan_inside_the_window_is_kept_as_a_breach_with_a_note(factory: SessionFactory, reference: str) -> None:
    for number, given in enumerate(TO_AMEND, start=1):
        apply(factory, reference, given, f"run/stage-{number}-1")
    outcome = apply(factory, reference, PlanIssued("final-plan", date(2026, 11, 10)), "run/stage-5-1")
    assert outcome.accepted and outcome.stage is None
    assert any(field == "final_plan_due" and "breach" in message for field, message in outcome.notes)
    final = _deadlines(factory, reference)["final_plan_due"]
    assert (final.met_on, final.breach) == (date(2026, 11, 10), True)


def test_late_invitations_are_recorded_and_said(factory: SessionFactory, reference: str) -> None:
    late = PreparationDone(date(2026, 10, 20), date(2026, 10, 14), date(2026, 10, 2))
    outcome = apply(factory, reference, late, "run/stage-1-1")
    assert outcome.accepted
    (note,) = outcome.notes
    assert note[0] == "invitations_due" and "met late" in note[1] and "2 weeks" in note[1]
    assert _deadlines(factory, reference)["invitations_due"].met_on == date(2026, 10, 14)


def test_import_keeps_a_final_plan_inside_the_window_as_a_breach(
    cli_env: str, factory: SessionFactory, tmp_path: Path
) -> None:
    """Notice Mon 2 Mar 2026, final plan Thu 5 Mar (window to Mon 16 Mar): imported, never refused, never met."""
    result = _import(
        tmp_path,
        plan_first_issued_on="2025-03-14",
        meeting_held_on="2026-02-10",
        decision_outcome="amend",
        decision_notified_on="2026-03-02",
        amendment_notice_sent_on="2026-03-02",
        final_plan_issued_on="2026-03-05",
    )
    assert result.exit_code == 0, result.output
    with session_scope(factory) as session:
        rows = {row.key: row for row in session.scalars(select(DeadlineRecord))}
    assert rows["final_plan_due"].breach and rows["final_plan_due"].met_on == date(2026, 3, 5)
    assert not rows["decision_due"].breach
    report = run(
        "report", "compliance", "--from", "2026-01-01", "--to", "2026-12-31", "--as-of", "2026-06-30", "--format", "csv"
    )
    assert report.exit_code == 0, report.output
    line = next(r for r in report.stdout.splitlines() if ",final_plan_due," in r and r.startswith("authority"))
    header = report.stdout.splitlines()[0].split(",")
    values = dict(zip(header, line.split(","), strict=True))
    assert (values["met"], values["breach"]) == ("0", "1")


def test_import_accepts_the_new_columns(cli_env: str, factory: SessionFactory, tmp_path: Path) -> None:
    result = _import(
        tmp_path,
        plan_first_issued_on="2025-03-14",
        led_by="la",
        meeting_held_on="2026-02-10",
        report_sent_on="2026-02-24",
        decision_outcome="amend",
        decision_notified_on="2026-03-02",
        amendment_notice_sent_on="2026-03-02",
        amendments_withdrawn_on="2026-04-14",
        mediation_certificate_on="2026-05-20",
    )
    assert result.exit_code == 0, result.output
    with session_scope(factory) as session:
        review = session.scalar(select(Review))
        assert review is not None and review.led_by == "la" and review.stage is None
        rows = {row.key: row for row in review.deadlines}
    assert rows["report_due"].owner == "la" and rows["meeting_due"].owner == "la"
    assert rows["appeal_due"].due_on == date(2026, 6, 22)  # certificate 20 May + 1 month, Sat 20 Jun -> Mon 22 Jun


@pytest.mark.parametrize(
    ("cells", "column"),
    [
        ({"led_by": "school"}, "led_by"),
        ({"amendments_withdrawn_on": "2026-04-14"}, "amendments_withdrawn_on"),
        ({"transfer_kind": "school", "transfer_year": "２０２６"}, "transfer_year"),
        ({"meeting_held_on": "2026-2-10"}, "meeting_held_on"),
    ],
)
def test_import_refuses_contradictory_or_bad_new_cells(
    cli_env: str, tmp_path: Path, cells: dict[str, str], column: str
) -> None:
    result = _import(tmp_path, **cells)
    assert result.exit_code == 2
    assert column in result.stderr


def _compliance(key: str) -> dict[str, str]:
    report = run(
        "report", "compliance", "--from", "2026-01-01", "--to", "2026-12-31", "--as-of", "2026-06-30", "--format", "csv"
    )
    assert report.exit_code == 0, report.output
    lines = report.stdout.splitlines()
    header = lines[0].split(",")
    line = next(r for r in lines if r.startswith("authority") and f",{key}," in r)
    return dict(zip(header, line.split(","), strict=True))


def test_compliance_counts_a_day_21_decision_after_a_late_meeting_as_within_4_weeks(
    cli_env: str, factory: SessionFactory, tmp_path: Path
) -> None:
    """Review due Fri 13 Mar 2026, meeting Wed 1 Apr, decision Wed 22 Apr (day 21): decision met, review late."""
    result = _import(
        tmp_path,
        plan_first_issued_on="2025-03-14",
        meeting_held_on="2026-04-01",
        decision_outcome="maintain",
        decision_notified_on="2026-04-22",
    )
    assert result.exit_code == 0, result.output
    decision = _compliance("decision_due")
    assert (decision["met"], decision["met_late"]) == ("1", "0")
    review = _compliance("review_due")
    assert (review["met_late"], review["worst_late_days"]) == ("1", "40")


def test_form_description_never_asks_for_a_plan_inside_the_window(
    cli_env: str, factory: SessionFactory, tmp_path: Path
) -> None:
    """Notice Thu 5 Feb 2026, school transfer: cap Sat 14 Feb, window to Thu 19 Feb: the form says not before 20 Feb."""
    result = _import(
        tmp_path,
        plan_first_issued_on="2025-06-20",
        transfer_kind="school",
        transfer_year="2026",
        meeting_held_on="2026-01-20",
        decision_outcome="amend",
        decision_notified_on="2026-02-05",
        amendment_notice_sent_on="2026-02-05",
    )
    assert result.exit_code == 0, result.output
    with session_scope(factory) as session:
        reference = str(session.scalar(select(Review.reference)))
        view = review_view(session, reference)
    text = "\n".join(open_deadlines_markdown(view, date(2026, 2, 9)))
    final = next(line for line in text.splitlines() if "Final plan" in line)
    assert "cannot be met lawfully: not before Fri 20 Feb 2026" in final and "days left" not in final
    after = "\n".join(open_deadlines_markdown(view, date(2026, 2, 16)))  # the cap has passed, the window has not (N1)
    final = next(line for line in after.splitlines() if "Final plan" in line)
    assert "not before Fri 20 Feb 2026" in final and "overdue" not in final
