"""Liveness: every review someone may act on has one live run; dead runs are replaced once.

Runs are real flow runs on Prefect's test server; the starter is a stand-in for
``services.runs.start_review_run`` that records the idempotency key it was given.
"""

from __future__ import annotations

import json
import time
from datetime import date, datetime, timedelta
from uuid import UUID

import pytest
from prefect import flow
from prefect.client.orchestration import get_client
from prefect.events import emit_event
from prefect.states import Failed, Running, Scheduled, Suspended

from records.models import InboxEntry, Review
from records.session import SessionFactory, session_scope
from records.system_time import system_now
from services.liveness import Thresholds, ensure_live_runs
from services.runs import last_heartbeats

LATER = date(2027, 12, 1)  # the review's preparation has long opened


@flow(name="annual-review-stand-in")
def stand_in(review_ref: str) -> None:
    """Never run: only its flow runs are created."""


class Starter:
    """Creates a real (scheduled) flow run per start and remembers the keys; can be told to fail."""

    def __init__(self) -> None:
        self.keys: list[str] = []
        self.fail: Exception | None = None

    def __call__(self, review_ref: str, setting_urn: str, stage: int, deployment: str, *, idempotency_key: str) -> str:
        if self.fail is not None:
            raise self.fail
        self.keys.append(idempotency_key)
        with get_client(sync_client=True) as client:
            run = client.create_flow_run(
                stand_in, name=review_ref, parameters={"review_ref": review_ref}, state=Scheduled()
            )
        return str(run.id)


def _run_id(factory: SessionFactory, reference: str) -> str:
    with session_scope(factory) as session:
        review = session.query(Review).filter_by(reference=reference).one()
        assert review.flow_run_id is not None
        return review.flow_run_id


def _set(flow_run_id: str, state: object) -> None:
    with get_client(sync_client=True) as client:
        client.set_flow_run_state(UUID(flow_run_id), state, force=True)  # type: ignore[arg-type]


def _state(flow_run_id: str) -> str:
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(UUID(flow_run_id))
    assert run.state is not None
    return run.state.type.value


def test_missing_runs_start_dead_ones_are_replaced_and_failures_are_reported(
    factory: SessionFactory, review: tuple[int, str]
) -> None:
    ref = review[1]
    start = Starter()

    first = ensure_live_runs(LATER, start=start, deployment="d")
    assert first.started == [ref] and start.keys == [f"{ref}/cycle-1"]
    run_id = _run_id(factory, ref)

    assert ensure_live_runs(LATER, start=start, deployment="d").live == 1  # scheduled a moment ago: live
    assert len(start.keys) == 1

    _set(run_id, Failed(message="Cannot suspend subflows."))
    replaced = ensure_live_runs(LATER, start=start, deployment="d")
    assert ref in replaced.replaced and start.keys[-1] == f"{ref}/cycle-1/replaces-{run_id}"
    second = _run_id(factory, ref)
    assert second != run_id

    _set(second, Running())  # then its process is killed before it sent a heartbeat: it stays Running
    stale = ensure_live_runs(LATER, start=start, deployment="d", now=system_now() + timedelta(hours=2))
    assert ref in stale.replaced and "RUNNING" in stale.replaced[ref] and "no heartbeat" in stale.replaced[ref]
    assert _state(second) == "CRASHED"
    third = _run_id(factory, ref)

    _set(third, Failed())
    start.fail = RuntimeError("deployment 'd' not found")
    refused = ensure_live_runs(LATER, start=start, deployment="d")
    assert refused.could_not_start == {ref: "RuntimeError: deployment 'd' not found"}
    assert refused.problem is not None and "'d'" in refused.problem
    assert _run_id(factory, ref) == third  # nothing recorded for a start that did not happen


def test_a_run_no_runner_picks_up_is_reported_not_replaced(factory: SessionFactory, review: tuple[int, str]) -> None:
    start = Starter()
    ensure_live_runs(LATER, start=start, deployment="d")
    report = ensure_live_runs(LATER, start=start, deployment="d", now=system_now() + timedelta(hours=2))
    assert review[1] in report.could_not_start and "no runner" in report.could_not_start[review[1]]
    assert len(start.keys) == 1


def test_a_pass_says_how_far_it_is_and_a_second_pass_starts_nothing_twice(
    factory: SessionFactory, review: tuple[int, str]
) -> None:
    """`ehcp start --all-due` shows progress; stopped and run again, it starts no review's run a second time."""
    start, told = Starter(), []
    ensure_live_runs(LATER, start=start, deployment="d", progress=lambda done, total: told.append((done, total)))
    assert told[0] == (0, 1) and told[-1] == (1, 1)
    ensure_live_runs(LATER, start=start, deployment="d")
    assert start.keys == [f"{review[1]}/cycle-1"]


def test_nothing_is_started_before_preparation_opens(factory: SessionFactory, review: tuple[int, str]) -> None:
    start = Starter()
    report = ensure_live_runs(date(2020, 1, 1), start=start, deployment="d")
    assert report.started == [] and start.keys == []


def test_an_input_a_killed_run_took_but_never_recorded_is_kept_for_its_replacement(
    factory: SessionFactory, review: tuple[int, str]
) -> None:
    """kill -9 mid-stage: the person's input lives on the dead run in Prefect; the replacement gets it once."""
    start, ref = Starter(), review[1]
    ensure_live_runs(LATER, start=start, deployment="d")
    dead = _run_id(factory, ref)
    with session_scope(factory) as session:
        stage_and_wait = session.query(Review).filter_by(reference=ref).one()
        key = f"suspended-stage-{stage_and_wait.stage}-{stage_and_wait.wait_number}-response"
    given = {"meeting_planned_on": "2027-12-20", "submitted_by": "senco-1"}
    with get_client(sync_client=True) as client:
        client.create_flow_run_input(UUID(dead), key, json.dumps(given))
    _set(dead, Failed(message="process killed"))

    report = ensure_live_runs(LATER, start=start, deployment="d")
    assert ref in report.replaced and report.carried_over == [ref]
    with session_scope(factory) as session:
        kept = session.query(InboxEntry).one()
        assert (kept.form, kept.status, kept.stage, kept.source) == (given, "received", stage_and_wait.stage,
                                                                     "carried-over")  # fmt: skip
        assert kept.wait_number == stage_and_wait.wait_number and kept.submitted_by == "senco-1"

    _set(_run_id(factory, ref), Failed())  # the replacement dies too before it took it: kept once, not twice
    again = ensure_live_runs(LATER, start=start, deployment="d")
    assert ref in again.replaced and again.carried_over == []
    with session_scope(factory) as session:
        assert session.query(InboxEntry).count() == 1


def test_a_dead_run_that_was_never_given_input_carries_nothing(
    factory: SessionFactory, review: tuple[int, str]
) -> None:
    start, ref = Starter(), review[1]
    ensure_live_runs(LATER, start=start, deployment="d")
    _set(_run_id(factory, ref), Failed())
    report = ensure_live_runs(LATER, start=start, deployment="d")
    assert ref in report.replaced and report.carried_over == []
    with session_scope(factory) as session:
        assert session.query(InboxEntry).count() == 0


def test_an_early_review_past_stage_1_gets_a_run_before_its_preparation_window(
    factory: SessionFactory, review: tuple[int, str]
) -> None:
    """A phase-transfer review held in the autumn is at stage 4 a year before its 12-month date."""
    start, ref = Starter(), review[1]
    assert ensure_live_runs(date(2026, 6, 1), start=start, deployment="d").started == []
    with session_scope(factory) as session:
        session.query(Review).filter_by(reference=ref).one().stage = 4
    assert ensure_live_runs(date(2026, 6, 1), start=start, deployment="d").started == [ref]


def test_a_run_that_stopped_sending_heartbeats_is_replaced_within_minutes(
    factory: SessionFactory, review: tuple[int, str]
) -> None:
    start, ref = Starter(), review[1]
    ensure_live_runs(LATER, start=start, deployment="d")
    run_id = _run_id(factory, ref)
    _set(run_id, Running())
    emit_event(event="prefect.flow-run.heartbeat", resource={"prefect.resource.id": f"prefect.flow-run.{run_id}"})
    beat = _heartbeat_seen(run_id)
    limits = Thresholds(silent_after=timedelta(seconds=90), pending_after=timedelta(minutes=10))
    alive = ensure_live_runs(LATER, start=start, deployment="d", limits=limits, now=beat + timedelta(seconds=60))
    assert alive.replaced == {} and alive.live == 1
    quick = ensure_live_runs(LATER, start=start, deployment="d", limits=limits, now=beat + timedelta(seconds=150),
                             quick=True)  # fmt: skip
    assert ref in quick.replaced and "sent no heartbeat for 2 min" in quick.replaced[ref]
    assert _state(run_id) == "CRASHED" and start.keys[-1] == f"{ref}/cycle-1/replaces-{run_id}"


def test_a_run_killed_before_its_first_heartbeat_is_replaced_as_soon_as_a_silent_one(
    factory: SessionFactory, review: tuple[int, str]
) -> None:
    """With heartbeats on, a run sends its first as it starts Running: none after the silent limit means its process
    died first (a worker killed at once); with them off only the longer pending limit can tell."""
    start, ref = Starter(), review[1]
    ensure_live_runs(LATER, start=start, deployment="d")
    run_id = _run_id(factory, ref)
    _set(run_id, Running())
    began = system_now()
    off = Thresholds(silent_after=timedelta(seconds=90), pending_after=timedelta(minutes=10))
    on = Thresholds(silent_after=timedelta(seconds=90), pending_after=timedelta(minutes=10), heartbeats_on=True)
    later = began + timedelta(minutes=3)
    assert ensure_live_runs(LATER, start=start, deployment="d", limits=off, now=later).replaced == {}
    report = ensure_live_runs(LATER, start=start, deployment="d", limits=on, now=later, quick=True)
    assert "RUNNING for 3 min with no heartbeat" in report.replaced[ref] and _state(run_id) == "CRASHED"


def test_a_run_waiting_at_a_wait_the_record_left_is_retired_and_replaced(
    factory: SessionFactory, review: tuple[int, str]
) -> None:
    start, ref = Starter(), review[1]
    ensure_live_runs(LATER, start=start, deployment="d")
    run_id = _run_id(factory, ref)
    _set(run_id, Suspended(pause_key="stage-1-1"))
    assert ensure_live_runs(LATER, start=start, deployment="d").live == 1  # waits where the record is
    with session_scope(factory) as session:
        moved = session.query(Review).filter_by(reference=ref).one()
        moved.stage, moved.wait_number = 3, 2  # a caseload import moved the review on
    report = ensure_live_runs(LATER, start=start, deployment="d")
    assert "waits at stage-1-1" in report.replaced[ref] and _state(run_id) == "CANCELLED"
    assert report.carried_over == []


def _heartbeat_seen(run_id: str) -> datetime:
    """Wait (bounded) until Prefect's event store has the heartbeat; return when it occurred."""
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        found = last_heartbeats([run_id], since=system_now() - timedelta(minutes=10))
        if run_id in found:
            return found[run_id]
        time.sleep(0.5)
    raise AssertionError("the heartbeat event never reached Prefect's event store")


@pytest.mark.parametrize("threads", ["1", "4"])
def test_once_a_start_finds_no_deployment_the_pass_tries_no_more(threads: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """At 100,000 reviews a missing deployment cost 90,000 failing lookups in every clock pass: one is enough."""
    from prefect.exceptions import ObjectNotFound

    from records.review_runs import ReviewRun
    from services.liveness import LivenessReport, _start_all

    monkeypatch.setenv("EHCP_START_THREADS", threads)
    tried: list[str] = []

    def start(review_ref: str, setting_urn: str, stage: int, deployment: str, *, idempotency_key: str) -> str:
        tried.append(review_ref)
        time.sleep(0.05)  # the other threads' starts are under way meanwhile
        raise ObjectNotFound(http_exc=Exception("Deployment not found"))

    missing = [ReviewRun(f"AR-2026-{n:05}", "900000", 1, 1, None) for n in range(50)]
    report = LivenessReport()
    assert [started for _, started in _start_all(missing, start, "annual-review/gone", report)] == [False] * 50
    assert len(tried) <= int(threads)  # the ones already under way when the first failed; no more
    assert set(report.could_not_start) == {r.reference for r in missing}
    assert sum(why.startswith("not tried") for why in report.could_not_start.values()) == 50 - len(tried)
