"""Every open review that someone may act on has one live run: start the missing, replace the dead.

Plain module (no Prefect decorators): the liveness flow calls it every few minutes (quick: only the
runs that are working or ended are read), the clock every run (full: every run, and those Prefect
no longer knows), and ``ehcp start --all-due`` by hand. Which reviews need a run is the records'
answer (``records.review_runs.reviews_needing_runs``): preparation opened, past stage 1, or an input
waiting in the inbox.

A run is live while it waits at the review's open wait (Paused) or works (Scheduled, Pending,
Running). It is dead when it ended (Completed, Failed, Cancelled, Crashed) while its review is
open, when Prefect no longer knows it, when it is Running and its heartbeats stopped for
``EHCP_RUN_SILENT_AFTER_SECONDS`` (its process was killed; a run that never sent one gets
``EHCP_RUN_PENDING_AFTER_MINUTES``), or when it has been Pending that long; a dead one still
Running is first forced to Crashed. A run that waits where the record no longer is (the record was
changed beside it) is retired and replaced. A fresh run carries on from the records; an input the
dead run had taken at the review's open wait but not recorded is stored in the inbox for it
(``services.inbox.carry_over``). Each start uses an idempotency key per review, cycle and replaced
run, so two starters make one run. A run Scheduled past the pending threshold is reported (no
runner is polling), not replaced.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Final

from records.review_progress import review_by_reference
from records.review_runs import ReviewRun, reviews_needing_runs, run_key, set_flow_run
from records.session import session_scope
from records.system_time import system_now
from services.inbox import carry_over
from services.runs import (
    FINAL_STATES,
    RunSnapshot,
    deployment_problem,
    last_heartbeats,
    mark_cancelled,
    mark_crashed,
    read_runs,
    read_wait_input,
)
from services.setup import session_factory, settings

__all__ = ["LivenessReport", "Thresholds", "StartRun", "ensure_live_runs"]

HEARTBEAT_LOOKBACK: Final = timedelta(hours=1)

StartRun = Callable[..., str]
"""``services.runs.start_review_run(review_ref, setting_urn, stage, deployment, *, idempotency_key)``."""


@dataclass(frozen=True, slots=True)
class Thresholds:
    """How long a run may stay silent, pending or scheduled before the pass acts."""

    silent_after: timedelta
    pending_after: timedelta
    heartbeats_on: bool = False
    """Runs here send heartbeats (``PREFECT_FLOWS_HEARTBEAT_FREQUENCY`` set): a run's first goes out as it starts
    Running, so one Running for ``silent_after`` without any lost its process before it could send one."""

    @classmethod
    def configured(cls) -> Thresholds:
        chosen = settings()
        frequency = os.environ.get("PREFECT_FLOWS_HEARTBEAT_FREQUENCY", "")
        return cls(
            timedelta(seconds=chosen.run_silent_after_seconds),
            timedelta(minutes=chosen.run_pending_after_minutes),
            heartbeats_on=frequency.isdigit() and int(frequency) > 0,
        )


@dataclass(slots=True)
class LivenessReport:
    """What ``ensure_live_runs`` did, by review reference (no personal data)."""

    started: list[str] = field(default_factory=list)
    replaced: dict[str, str] = field(default_factory=dict)  # reference -> why the old run was replaced
    could_not_start: dict[str, str] = field(default_factory=dict)  # reference -> reason
    carried_over: list[str] = field(default_factory=list)  # inputs a dead run took but never recorded, kept
    live: int = 0
    problem: str | None = None  # a deployment-wide reason runs will not start (no runner polling)


def _minutes(age: timedelta) -> str:
    seconds = int(age.total_seconds())
    return f"{seconds // 60} min" if seconds >= 120 else f"{seconds} s"


def _verdict(
    review: ReviewRun, snapshot: RunSnapshot | None, heartbeat: datetime | None, now: datetime, limits: Thresholds
) -> tuple[str, str | None]:
    """Return (live | replace | stale | retire | stuck, why) for the run a review keeps."""
    if snapshot is None:
        return "replace", "Prefect has no such run"
    age = now - snapshot.state_since if snapshot.state_since else timedelta(0)
    if snapshot.state_type in FINAL_STATES:
        return "replace", f"its run ended {snapshot.state_type} while the review is open"
    if snapshot.state_type == "RUNNING":
        if heartbeat is not None and now - max(heartbeat, snapshot.state_since or heartbeat) > limits.silent_after:
            return "stale", f"its run sent no heartbeat for {_minutes(now - heartbeat)}: its process is gone"
        if heartbeat is None and age > (limits.silent_after if limits.heartbeats_on else limits.pending_after):
            return "stale", f"its run has been RUNNING for {_minutes(age)} with no heartbeat"
    if snapshot.state_type == "PENDING" and age > limits.pending_after:
        return "stale", f"its run has been PENDING for {_minutes(age)}"
    if snapshot.state_type == "SCHEDULED" and age > limits.pending_after:
        return "stuck", f"its run has been scheduled for {_minutes(age)}: no runner took it"
    if snapshot.state_type == "PAUSED" and snapshot.pause_key not in (None, review.wait_key):
        return "retire", f"its run waits at {snapshot.pause_key}; the record's open wait is {review.wait_key}"
    return "live", None


def _start(
    review: ReviewRun,
    start: StartRun,
    deployment: str,
    replaces: str | None,
    report: LivenessReport,
    gone: list[str] | None = None,
) -> str | None:
    """Start the review's run and record it; on failure note why. ``gone`` (shared by one pass's starts) holds the
    reason once a start found the deployment missing: the rest of the pass tries no more (at 100,000 reviews a
    missing deployment cost 90,000 failing lookups every clock pass)."""
    if gone:
        report.could_not_start[review.reference] = gone[0]
        return None
    try:
        new_id = start(
            review.reference,
            review.setting_urn,
            review.stage,
            deployment,
            idempotency_key=run_key(review.reference, review.cycle_number, replaces),
        )
    except Exception as exc:
        why = f"{type(exc).__name__}: {exc}"[:300]
        report.could_not_start[review.reference] = why
        if gone is not None and type(exc).__name__ == "ObjectNotFound":  # Prefect's; this layer imports no Prefect
            gone.append(f"not tried: an earlier start this pass found no deployment ({why})"[:300])
        return None
    with session_scope(session_factory()) as session:
        set_flow_run(session, review.reference, new_id, actor=settings().actor)
    return new_id


def _untold(done: int, total: int) -> None:
    """No one is watching this pass's progress."""


def start_threads() -> int:
    """How many runs to create at once: ``EHCP_START_THREADS``, else 8 on PostgreSQL and 1 on SQLite (a file that
    takes one writer at a time). A run created at its wait is a few API calls: threads keep Prefect busy."""
    configured = os.environ.get("EHCP_START_THREADS", "")
    if configured.isdigit() and int(configured) > 0:
        return int(configured)
    return 1 if settings().database_url.startswith("sqlite") else 8


def _start_all(
    missing: list[ReviewRun], start: StartRun, deployment: str, report: LivenessReport
) -> Iterator[tuple[ReviewRun, bool]]:
    """Start the runs of reviews that have none, a few at once; yield each review as its start is done.

    Each is recorded on its review as soon as it is made, under the review's idempotency key, so a pass stopped
    part-way starts nothing twice when it is run again."""
    threads = min(start_threads(), max(1, len(missing)))
    gone: list[str] = []
    if threads == 1:
        for review in missing:
            yield review, _start(review, start, deployment, None, report, gone) is not None
        return
    with ThreadPoolExecutor(max_workers=threads, thread_name_prefix="ehcp-start") as pool:
        futures = {pool.submit(_start, review, start, deployment, None, report, gone): review for review in missing}
        for future in as_completed(futures):
            yield futures[future], future.result() is not None


def _carry_over_input(review: ReviewRun, dead_run_id: str) -> bool:
    """If the dead run was given the input of the review's open wait, store it in the inbox for the replacement."""
    try:
        payload = read_wait_input(dead_run_id, review.wait_key)
    except Exception:  # Prefect has no such run any more, or cannot answer now: nothing to carry
        return False
    if payload is None:
        return False
    with session_scope(session_factory()) as session:
        found = review_by_reference(session, review.reference)
        if found.wait_number != review.wait_number:  # recorded meanwhile: the input was not lost
            return False
        return carry_over(session, found, payload, dead_run_id=dead_run_id, now=system_now(), actor=settings().actor)


def _default_start() -> StartRun:
    from services.runs import start_review_run

    return start_review_run


def _heartbeats(snapshots: dict[str, RunSnapshot], now: datetime) -> dict[str, datetime]:
    running = [run_id for run_id, snap in snapshots.items() if snap.state_type == "RUNNING"]
    since = min(now, system_now()) - HEARTBEAT_LOOKBACK  # heartbeats happen in real time, whatever ``now`` says
    return last_heartbeats(running, since=since) if running else {}


def ensure_live_runs(
    today: date,
    *,
    start: StartRun | None = None,
    deployment: str | None = None,
    limits: Thresholds | None = None,
    now: datetime | None = None,
    quick: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> LivenessReport:
    """Start the run of every review that needs one and has none, and replace the runs that died.

    ``quick`` reads only the runs that are working or ended (a waiting run is taken as live), for the
    frequent pass; the clock's full pass also finds runs Prefect lost and runs waiting at a stale wait.
    ``progress(done, total)`` is told after each review (``ehcp start --all-due`` shows it). Each run started is
    recorded on its review at once and created with the review's idempotency key, so a pass stopped half-way
    (Ctrl-C) is simply run again: nothing is started twice."""
    with session_scope(session_factory()) as session:
        due = reviews_needing_runs(session, today)
    start = start or _default_start()
    deployment = deployment or settings().review_deployment
    limits = limits or Thresholds.configured()
    now = now or system_now()
    report = LivenessReport()
    snapshots = read_runs([r.flow_run_id for r in due if r.flow_run_id], unsettled_only=quick)
    heartbeats = _heartbeats(snapshots, now)
    tell = progress or _untold
    tell(0, len(due))
    missing = [review for review in due if review.flow_run_id is None]
    for done, (review, started) in enumerate(_start_all(missing, start, deployment, report), start=1):
        if started:
            report.started.append(review.reference)
        tell(done, len(due))
    running = [(r, r.flow_run_id) for r in due if r.flow_run_id is not None]
    for done, (review, run_id) in enumerate(running, start=len(missing) + 1):
        tell(done, len(due))
        if quick and run_id not in snapshots:
            report.live += 1  # waiting (Paused or Scheduled): left to the full pass
            continue
        verdict, why = _verdict(review, snapshots.get(run_id), heartbeats.get(run_id), now, limits)
        if verdict == "live":
            report.live += 1
        elif verdict == "stuck":
            report.could_not_start[review.reference] = why or ""
        else:
            _replace(review, verdict, why or "", start, deployment, report)
    if report.could_not_start:
        report.problem = deployment_problem(deployment)
    return report


def _replace(
    review: ReviewRun, verdict: str, why: str, start: StartRun, deployment: str, report: LivenessReport
) -> None:
    dead = review.flow_run_id
    assert dead is not None
    if verdict == "stale":
        mark_crashed(dead, f"no sign of life: {why}; replaced by the liveness pass")
    elif verdict == "retire":
        mark_cancelled(dead, f"replaced: {why}")
    if _start(review, start, deployment, dead, report):
        report.replaced[review.reference] = why
        if verdict != "retire" and _carry_over_input(review, dead):
            report.carried_over.append(review.reference)
