"""The clock's selection and recording: due ladder events found by index, recorded once, waits that ended."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select

from records.clock_events import mark_fired, pending_by_review, record_due_events, reviews_with_pending_events
from records.models import ClockEvent, Review
from records.review_progress import apply_input
from records.session import SessionFactory, session_scope
from rules.bank_holidays import england_and_wales_working_days
from rules.facts import Outcome
from rules.ladder import DEFAULT_LADDER
from rules.rule_set import ENGLAND_2014
from rules.transitions import DecisionTaken, MeetingHeld, PreparationDone, ReportReceived
from tests.records.support import run, write_csv

WORKING_DAYS = england_and_wales_working_days()
SETTING = {"urn": "900901", "name": "Synthetic Rowan Primary", "phase": "primary"}


def child(ref: str, first_issued: str) -> dict[str, str]:
    return {
        "child_ref": ref,
        "given_name": "Testchild",
        "family_name": "Synthetic",
        "date_of_birth": "2015-05-05",
        "setting_urn": "900901",
        "plan_first_issued_on": first_issued,
        "year_group": "5",
    }


@pytest.fixture
def caseload(cli_env: str, factory: SessionFactory, tmp_path: Path) -> dict[str, str]:
    """Two reviews at stage 1: one due soon (plan 1 Dec 2025), one far off (plan 1 Jun 2026)."""
    assert run("import", "settings", str(write_csv(tmp_path / "s.csv", [SETTING]))).exit_code == 0
    rows = [child("SOON", "2025-12-01"), child("LATER", "2026-06-01")]
    assert run("import", "caseload", str(write_csv(tmp_path / "c.csv", rows))).exit_code == 0
    with session_scope(factory) as session:
        return {r.plan.child.child_ref: r.reference for r in session.scalars(select(Review))}


def record(factory: SessionFactory, today: date):  # type: ignore[no-untyped-def]
    with session_scope(factory) as session:
        return record_due_events(session, today, DEFAULT_LADDER, WORKING_DAYS)


def steps(factory: SessionFactory) -> set[tuple[str, str, date]]:
    with session_scope(factory) as session:
        return {(e.deadline_key, e.ladder_step, e.due_on) for e in session.scalars(select(ClockEvent))}


def test_nothing_due_before_the_first_reminder(factory: SessionFactory, caseload: dict[str, str]) -> None:
    # SOON: advice and invitations are due 14 days before the meeting is planned; none planned yet.
    # meeting_due Mon 2 Nov 2026 (review due Mon 30 Nov 2026): its first reminder is Mon 19 Oct.
    assert record(factory, date(2026, 10, 18)).new_events == 0


def test_catch_up_records_every_step_that_fell_due_once(factory: SessionFactory, caseload: dict[str, str]) -> None:
    first = record(factory, date(2026, 11, 27))
    assert first.reviews_with_pending == (caseload["SOON"],)
    assert {(k, s) for k, s, _ in steps(factory)} == {
        ("meeting_due", "reminder-14-days"),
        ("meeting_due", "reminder-3-days"),
        ("meeting_due", "missed"),
        ("meeting_due", "escalation-5-working-days"),
        ("meeting_due", "escalation-15-working-days"),
        ("review_due", "reminder-14-days"),
        ("review_due", "reminder-3-days"),  # review due Mon 30 Nov: 3 days before is today, Fri 27 Nov
    }
    assert ("meeting_due", "escalation-5-working-days", date(2026, 11, 10)) in steps(factory)
    again = record(factory, date(2026, 11, 27))
    assert (again.new_events, again.new_escalations) == (0, 0)
    with session_scope(factory) as session:
        assert session.scalar(select(func.count()).where(ClockEvent.recipient_roles.is_not(None))) == 7


def test_concurrent_clock_runs_record_each_event_once(factory: SessionFactory, caseload: dict[str, str]) -> None:
    barrier = threading.Barrier(3)
    errors: list[BaseException] = []

    def clock() -> None:
        try:
            barrier.wait()
            record(factory, date(2026, 11, 27))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=clock) for _ in range(3)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    with session_scope(factory) as session:
        assert session.scalar(select(func.count()).select_from(ClockEvent)) == 7


def test_a_stage_done_stops_its_ladder(factory: SessionFactory, caseload: dict[str, str]) -> None:
    reference = caseload["SOON"]
    with session_scope(factory) as session:
        apply_input(
            session,
            reference,
            PreparationDone(date(2026, 10, 20), date(2026, 10, 1), date(2026, 10, 2)),
            idempotency_key="k1",
            actor="t",
            today=date(2026, 11, 27),
            rule_set=ENGLAND_2014,
            is_working_day=WORKING_DAYS,
        )
        apply_input(
            session,
            reference,
            MeetingHeld(date(2026, 10, 20)),
            idempotency_key="k2",
            actor="t",
            today=date(2026, 11, 27),
            rule_set=ENGLAND_2014,
            is_working_day=WORKING_DAYS,
        )
    record(factory, date(2026, 11, 5))
    keys = {k for k, _, _ in steps(factory)}
    assert "meeting_due" not in keys and "report_due" in keys  # report due Tue 3 Nov: missed on the 4th


def test_pending_events_are_marked_fired(factory: SessionFactory, caseload: dict[str, str]) -> None:
    record(factory, date(2026, 11, 27))
    with session_scope(factory) as session:
        review_id = session.scalar(select(Review.id).where(Review.reference == caseload["SOON"]))
        assert review_id is not None
        (found,) = pending_by_review(session, review_id=review_id)
        pending = found.events
        assert [p.ladder_step for p in pending][:2] == ["reminder-14-days", "reminder-3-days"]
        assert pending[2].recipient_roles == ("senco", "head_teacher", "caseworker")
        assert mark_fired(session, [p.event_id for p in pending], datetime.now(UTC)) == len(pending)
        assert mark_fired(session, [p.event_id for p in pending], datetime.now(UTC)) == 0  # already acted on
    with session_scope(factory) as session:
        assert reviews_with_pending_events(session) == []
        assert {e.status for e in session.scalars(select(ClockEvent))} == {"fired"}


def test_a_first_clock_over_a_large_caseload_settles_more_events_than_one_statement_can_name(
    factory: SessionFactory, caseload: dict[str, str]
) -> None:
    """Found at 100,000 plans: 76,007 superseded events in one IN list broke PostgreSQL's 65,535-parameter limit."""
    record(factory, date(2026, 11, 27))
    with session_scope(factory) as session:
        real = [e.id for e in session.scalars(select(ClockEvent))]
        many = [*range(10_000_000, 10_070_000), *real]  # 70,000 ids no event has, then the real ones
        assert mark_fired(session, many, datetime.now(UTC)) == len(real) > 0
    with session_scope(factory) as session:
        assert {e.status for e in session.scalars(select(ClockEvent))} == {"fired"}


def test_the_representations_window_ending_is_an_event(factory: SessionFactory, caseload: dict[str, str]) -> None:
    reference = caseload["SOON"]
    inputs = [
        PreparationDone(date(2026, 10, 20), date(2026, 10, 1), date(2026, 10, 2)),
        MeetingHeld(date(2026, 10, 20)),
        ReportReceived(date(2026, 10, 27), Outcome.AMEND),
        DecisionTaken(Outcome.AMEND, date(2026, 11, 3), date(2026, 11, 3)),
    ]
    with session_scope(factory) as session:
        for number, given in enumerate(inputs):
            apply_input(
                session,
                reference,
                given,
                idempotency_key=f"k{number}",
                actor="t",
                today=date(2026, 11, 27),
                rule_set=ENGLAND_2014,
                is_working_day=WORKING_DAYS,
            )
    record(factory, date(2026, 11, 17))
    assert ("representations_close", "wait-ended", date(2026, 11, 18)) not in steps(factory)
    record(factory, date(2026, 11, 18))
    assert ("representations_close", "wait-ended", date(2026, 11, 18)) in steps(factory)
