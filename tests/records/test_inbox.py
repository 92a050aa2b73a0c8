"""The review inbox's rows and which reviews need a run, on SQLite and PostgreSQL.

One input per wait (a second is told who got there first, also when two store at the same instant),
settled once; the ladder's hold lasts while an input is received and not reported; and a review needs
a live run once someone may act on it: preparation opened, past stage 1, or an input waiting."""

from __future__ import annotations

import threading
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from records.inbox import AlreadyReceived, held_stages, latest_for_review, received, settle, store
from records.models import AuditEntry, InboxEntry, InboxStatus, Review
from records.review_runs import reviews_needing_runs
from records.session import SessionFactory, session_scope
from tests.notifications.conftest import clean_environ, review, smtp_port, task_env  # noqa: F401

NOW = datetime(2026, 12, 4, 10, 42, tzinfo=UTC)
BEFORE_PREPARATION = date(2026, 6, 1)  # the synthetic review's preparation opens on 7 September 2026
AFTER_PREPARATION = date(2026, 10, 1)
FORM = {"meeting_held_on": "2026-12-01", "preparing_for_adulthood_discussed": False, "submitted_by": "staff-1"}


def _store(factory: SessionFactory, reference: str, who: str, form: dict[str, object] = FORM) -> int:
    with session_scope(factory) as session:
        found = session.scalars(select(Review).where(Review.reference == reference)).one()
        return store(session, found, form, submitted_by=who, source="portal", now=NOW).id


def _set_stage(factory: SessionFactory, reference: str, stage: int) -> None:
    with session_scope(factory) as session:
        session.scalars(select(Review).where(Review.reference == reference)).one().stage = stage


def test_one_input_per_wait_the_second_is_told_who_and_when(factory: SessionFactory, review: tuple[int, str]) -> None:  # noqa: F811
    first = _store(factory, review[1], "staff-1")
    with pytest.raises(AlreadyReceived) as refused:
        _store(factory, review[1], "staff-2", {**FORM, "submitted_by": "staff-2"})
    assert refused.value.submitted_by == "staff-1" and refused.value.status == "received"
    with session_scope(factory) as session:
        assert [line.entry_id for line in received(session)] == [first]
        assert session.scalars(select(AuditEntry.action)).all().count("review.input_received") == 1
        latest = latest_for_review(session, review[0])
    assert latest is not None and latest.received_text == "4 Dec 2026 10:42"


def test_two_people_storing_at_the_same_instant_make_one_row(factory: SessionFactory, review: tuple[int, str]) -> None:  # noqa: F811
    barrier, outcomes = threading.Barrier(2), []

    def attempt(who: str) -> None:
        barrier.wait()
        try:
            _store(factory, review[1], who, {**FORM, "submitted_by": who})
            outcomes.append("stored")
        except AlreadyReceived as exc:
            outcomes.append(f"told:{exc.submitted_by}")

    threads = [threading.Thread(target=attempt, args=(who,)) for who in ("staff-a", "staff-b")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("stored") == 1
    assert [o for o in outcomes if o != "stored"] in (["told:staff-a"], ["told:staff-b"])
    with session_scope(factory) as session:
        assert len(session.scalars(select(InboxEntry)).all()) == 1


def test_an_input_is_settled_once(factory: SessionFactory, review: tuple[int, str]) -> None:  # noqa: F811
    entry_id = _store(factory, review[1], "staff-1")
    with session_scope(factory) as session:
        entry = session.get_one(InboxEntry, entry_id)
        settle(session, entry, InboxStatus.APPLIED, now=NOW, outcome={"stage": 3})
        settle(session, entry, InboxStatus.REFUSED, now=NOW + timedelta(minutes=1), outcome={"problems": []})
    with session_scope(factory) as session:
        entry = session.get_one(InboxEntry, entry_id)
        assert (entry.status, entry.outcome) == ("applied", {"stage": 3})
        assert received(session) == []


def test_the_ladder_holds_a_stage_while_its_input_is_received_and_not_reported(
    factory: SessionFactory, review: tuple[int, str]  # noqa: F811
) -> None:
    _set_stage(factory, review[1], 2)
    entry_id = _store(factory, review[1], "staff-1")
    with session_scope(factory) as session:
        assert held_stages(session) == {review[0]: 2}
        session.get_one(InboxEntry, entry_id).reported_at = NOW  # the operators were told: the hold ends
    with session_scope(factory) as session:
        assert held_stages(session) == {}


def _needing(factory: SessionFactory, as_of: date) -> list[str]:
    with session_scope(factory) as session:
        return [run.reference for run in reviews_needing_runs(session, as_of)]


def test_a_review_needs_a_run_once_someone_may_act_on_it(factory: SessionFactory, review: tuple[int, str]) -> None:  # noqa: F811
    reference = review[1]
    assert _needing(factory, BEFORE_PREPARATION) == []  # stage 1, window not open: nobody acts yet
    assert _needing(factory, AFTER_PREPARATION) == [reference]
    _set_stage(factory, reference, 4)  # the meeting was held early (a phase transfer in the autumn)
    assert _needing(factory, BEFORE_PREPARATION) == [reference]
    _set_stage(factory, reference, 1)
    _store(factory, reference, "staff-1", {"meeting_planned_on": "2026-06-20", "submitted_by": "staff-1"})
    assert _needing(factory, BEFORE_PREPARATION) == [reference]  # an input waits for it
    with session_scope(factory) as session:
        session.scalars(select(Review).where(Review.reference == reference)).one().stage = None
    assert _needing(factory, AFTER_PREPARATION) == []  # complete: no run
