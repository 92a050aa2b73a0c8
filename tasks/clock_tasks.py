"""The statutory clock's tasks: record what fell due (once), and wake the reviews that have events.

``record_clock_events`` is one transaction: the indexed selection and the
ON CONFLICT DO NOTHING inserts (``records.clock_events``). ``wake_review``
resumes a waiting review run with a clock tick; a run that is busy or gone is
left for the next clock run (its events stay pending), and a review with no
live run gets one started.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Final

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from records.clock_events import ClockRecord, record_due_events
from records.review_runs import set_flow_run
from records.review_view import review_view
from records.session import session_scope
from tasks.db import rule_set, session_factory, settings, working_days
from tasks.review_tasks import DB_RETRIES, retry_if_transient
from tasks.run_control import ResumeRefused, read_run_state, resume_review_run, start_review_run

WOKEN: Final = "woken"
BUSY: Final = "busy"
STARTED: Final = "started"


@dataclass(frozen=True, slots=True)
class WakeResult:
    reference: str
    outcome: str  # woken | busy | started
    flow_run_id: str | None
    waited_at: str | None = None  # the pause key the tick answered


@task(cache_policy=NO_CACHE, persist_result=False, retries=DB_RETRIES, retry_condition_fn=retry_if_transient)
def record_clock_events(today: date) -> ClockRecord:
    """Record every ladder event and ended wait due on or before ``today``, each once."""
    with session_scope(session_factory()) as session:
        recorded = record_due_events(session, today, rule_set().ladder, working_days())
    get_run_logger().info(
        "Clock %s: %d new events, %d new escalations; %d reviews to wake",
        today,
        recorded.new_events,
        recorded.new_escalations,
        len(recorded.reviews_with_pending),
    )
    return recorded


def _start(reference: str) -> WakeResult:
    with session_scope(session_factory()) as session:
        view = review_view(session, reference)
    if view.stage is None:
        return WakeResult(reference, BUSY, None)
    flow_run_id = start_review_run(reference, view.setting_urn, view.stage, settings().review_deployment)
    with session_scope(session_factory()) as session:
        set_flow_run(session, reference, flow_run_id, actor=settings().actor)
    return WakeResult(reference, STARTED, flow_run_id)


@task(cache_policy=NO_CACHE, persist_result=False)
def wake_review(reference: str, today: date) -> WakeResult:
    """Resume the review's waiting run with a clock tick for ``today`` (or start a run if it has none)."""
    with session_scope(session_factory()) as session:
        flow_run_id = review_view(session, reference).flow_run_id
    if flow_run_id is None:
        return _start(reference)
    state = read_run_state(flow_run_id)
    if state.is_final:
        return _start(reference)
    if state.waiting_stage is None:
        return WakeResult(reference, BUSY, flow_run_id)
    try:
        resume_review_run(flow_run_id, {"clock_tick": today.isoformat()})
    except ResumeRefused:  # a person's input got there first: the next clock run tries again
        return WakeResult(reference, BUSY, flow_run_id)
    return WakeResult(reference, WOKEN, flow_run_id, state.pause_key)
