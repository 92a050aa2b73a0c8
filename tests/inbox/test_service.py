"""The one way in (``services.inbox``): checked, stored first, handed to the run, applied once, and never lost.

Prefect is a stand-in (``tests.fake_runs.FakeRuns``); the records are real, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from records.business_dates import start_clock_run
from records.inbox import as_utc, line_by_id
from records.models import AuditEntry, InboxEntry, Notification, Review
from records.session import SessionFactory, session_scope
from records.system_time import system_now
from services.inbox import AlreadyReceived, HandOver, Refused, follow, hand_over, receive, sweep
from services.stages import apply_entry
from tests.fake_runs import FakeRuns
from tests.inbox.conftest import RUN_ID

TODAY = date(2027, 1, 15)
PREPARATION = {
    "meeting_planned_on": "2026-12-20",
    "invitations_sent_on": "2026-11-30",
    "advice_circulated_on": "2026-12-01",
}


def _receive(
    factory: SessionFactory, reference: str, values: dict[str, str] = PREPARATION, who: str = "senco-1"
) -> int:
    with session_scope(factory) as session:
        review = session.scalars(select(Review).where(Review.reference == reference)).one()
        return receive(session, review, 1, values, submitted_by=who, source="cli", today=TODAY).entry_id


def _apply(factory: SessionFactory, entry_id: int) -> None:
    """What the stage task does when the run takes the input."""
    with session_scope(factory) as session:
        start_clock_run(session, TODAY)
    with session_scope(factory) as session:
        entry = session.get_one(InboxEntry, entry_id)
        reference = session.get_one(Review, entry.review_id).reference
        apply_entry(session, reference, entry.wait_key, entry, now=system_now())


def _status(factory: SessionFactory, entry_id: int) -> str:
    with session_scope(factory) as session:
        found = line_by_id(session, entry_id)
    assert found is not None
    return found.status


def _inbox_rows(factory: SessionFactory) -> int:
    with session_scope(factory) as session:
        return len(session.scalars(select(InboxEntry.id)).all())


def test_a_refused_input_stores_nothing_and_names_each_field(factory: SessionFactory, runs: FakeRuns,
                                                             review: tuple[int, str]) -> None:  # fmt: skip
    bad = {**PREPARATION, "invitations_sent_on": "2027-03-01", "advice_circulated_on": "1 Dec"}
    with pytest.raises(Refused) as refused:
        _receive(factory, review[1], bad)
    assert [p.field for p in refused.value.problems] == ["advice_circulated_on"]
    with pytest.raises(Refused) as later:
        _receive(factory, review[1], {**PREPARATION, "invitations_sent_on": "2027-03-01"})
    assert any("is after today" in p.message for p in later.value.problems)
    assert _inbox_rows(factory) == 0 and runs.resumed == [] and runs.started == []


def test_an_input_is_stored_then_handed_to_the_waiting_run_and_recorded_once_applied(
    factory: SessionFactory, runs: FakeRuns, review: tuple[int, str]
) -> None:
    entry_id = _receive(factory, review[1])
    assert _status(factory, entry_id) == "received" and runs.resumed == []  # stored before Prefect hears of it
    assert hand_over(factory, runs, entry_id, actor="test") is HandOver.RESUMED
    [(run_id, given)] = runs.resumed
    assert run_id == RUN_ID and given["meeting_planned_on"] == "2026-12-20" and given["submitted_by"] == "senco-1"
    assert hand_over(factory, runs, entry_id, actor="test") is HandOver.BUSY  # the run works on it: no second resume
    _apply(factory, entry_id)
    assert _status(factory, entry_id) == "applied"
    assert hand_over(factory, runs, entry_id, actor="test") is HandOver.SETTLED
    assert len(runs.resumed) == 1


def test_the_same_wait_cannot_take_two_inputs(factory: SessionFactory, runs: FakeRuns, review: tuple[int, str]) -> None:
    _receive(factory, review[1], who="senco-1")
    with pytest.raises(AlreadyReceived) as second:
        _receive(factory, review[1], {**PREPARATION, "meeting_planned_on": "2026-12-21"}, who="senco-2")
    assert second.value.submitted_by == "senco-1" and _inbox_rows(factory) == 1


def test_a_review_without_a_run_gets_one_and_two_starters_ask_for_the_same_key(
    factory: SessionFactory, runs: FakeRuns, review: tuple[int, str]
) -> None:
    with session_scope(factory) as session:
        session.scalars(select(Review).where(Review.reference == review[1])).one().flow_run_id = None
    entry_id = _receive(factory, review[1])
    assert hand_over(factory, runs, entry_id, actor="test") is HandOver.STARTED
    assert runs.started == [(review[1], f"{review[1]}/cycle-1")] and runs.resumed == []
    assert hand_over(factory, runs, entry_id, actor="test") is HandOver.BUSY  # scheduled: it takes its inbox itself
    assert len(runs.started) == 1


@pytest.mark.parametrize("ended", ["COMPLETED", "CRASHED", "CANCELLED"])
def test_a_run_that_ended_is_replaced_with_a_key_naming_it(
    factory: SessionFactory, runs: FakeRuns, review: tuple[int, str], ended: str
) -> None:
    runs.states[RUN_ID] = (ended, None)
    entry_id = _receive(factory, review[1])
    assert hand_over(factory, runs, entry_id, actor="test") is HandOver.STARTED
    assert runs.started == [(review[1], f"{review[1]}/cycle-1/replaces-{RUN_ID}")]


def test_a_run_waiting_where_the_record_no_longer_is_is_retired_and_replaced(
    factory: SessionFactory, runs: FakeRuns, review: tuple[int, str]
) -> None:
    runs.states[RUN_ID] = ("PAUSED", "stage-3-1")  # the record was moved back to stage 1 by an import
    entry_id = _receive(factory, review[1])
    assert hand_over(factory, runs, entry_id, actor="test") is HandOver.STARTED
    assert runs.retired == [RUN_ID] and runs.resumed == []


def test_prefect_down_keeps_the_input_received_with_the_reason_and_the_sweep_hands_it_over(
    factory: SessionFactory, runs: FakeRuns, review: tuple[int, str]
) -> None:
    runs.up = False
    entry_id = _receive(factory, review[1])
    assert hand_over(factory, runs, entry_id, actor="test") is HandOver.UNAVAILABLE
    with session_scope(factory) as session:
        found = line_by_id(session, entry_id)
    assert found is not None and found.status == "received" and "did not answer" in (found.last_error or "")
    assert sweep(factory, runs, actor="test").unavailable
    runs.up = True
    assert sweep(factory, runs, actor="test").handed_over == {"resumed": 1}
    with session_scope(factory) as session:
        again = line_by_id(session, entry_id)
    assert again is not None and again.last_error is None and again.handed_over_at is not None


def test_an_input_whose_review_moved_on_is_marked_superseded_not_lost(
    factory: SessionFactory, runs: FakeRuns, review: tuple[int, str]
) -> None:
    entry_id = _receive(factory, review[1])
    with session_scope(factory) as session:
        moved = session.scalars(select(Review).where(Review.reference == review[1])).one()
        moved.stage, moved.wait_number = 3, moved.wait_number + 1  # an import moved it on
    assert hand_over(factory, runs, entry_id, actor="test") is HandOver.SUPERSEDED
    with session_scope(factory) as session:
        found = line_by_id(session, entry_id)
        actions = session.scalars(select(AuditEntry.action)).all()
    assert found is not None and found.status == "superseded" and "now at stage 3" in (found.last_error or "")
    assert "review.input_superseded" in actions and runs.resumed == []


def test_an_input_not_recorded_in_30_minutes_is_reported_to_the_operators_once(
    factory: SessionFactory, runs: FakeRuns, review: tuple[int, str]
) -> None:
    runs.states[RUN_ID] = ("SCHEDULED", None)  # no runner takes the run
    entry_id = _receive(factory, review[1])
    with session_scope(factory) as session:
        received_at = as_utc(session.get_one(InboxEntry, entry_id).received_at)
    assert sweep(factory, runs, actor="test", now=received_at + timedelta(minutes=29)).reported == []
    later = received_at + timedelta(minutes=31)
    assert sweep(factory, runs, actor="test", now=later).reported == [review[1]]
    assert sweep(factory, runs, actor="test", now=later + timedelta(hours=1)).reported == []  # once
    with session_scope(factory) as session:
        rows = session.scalars(select(Notification).where(Notification.template == "input-not-applied")).all()
        assert [(row.recipient_role, row.review_id) for row in rows] == [("operators", review[0])]
    assert _status(factory, entry_id) == "received"  # reported, still waiting to be recorded: never dropped


def test_follow_says_recorded_only_once_the_stage_applied_it(
    factory: SessionFactory, runs: FakeRuns, review: tuple[int, str]
) -> None:
    entry_id = _receive(factory, review[1])
    assert follow(factory, runs, entry_id, actor="test", seconds=0.2, poll_s=0.05).status == "received"
    runs.on_resume = lambda _run, _input: _apply(factory, entry_id)  # a runner takes the resumed run at once
    found = follow(factory, runs, entry_id, actor="test", seconds=5, poll_s=0.05, hand_over_every_s=0.05)
    assert found.status == "applied" and found.stage_after == 2

