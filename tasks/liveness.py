"""Every open review whose preparation has opened has one live run: start the missing, replace the dead.

Plain module (no Prefect decorators): the clock calls it each run, and ``ehcp start --all-due``
calls it by hand. A run is live while it waits (Paused) or works (Scheduled, Pending, Running).
It is dead when it ended (Completed, Failed, Cancelled, Crashed) while its review is still open,
when Prefect no longer knows it, or when it has been Running or Pending for longer than
``EHCP_RUN_STALE_AFTER_MINUTES`` (its process was killed: stages take seconds); a stale one is
first forced to Crashed. A fresh run carries on from the records; an input the dead run had
taken at the review's open wait but not recorded is kept for it (``tasks.kept_submissions``). Each start uses an
idempotency key per review, cycle and replaced run, so two clocks starting at once make one run.
A run that stays Scheduled past the threshold is reported (no runner is polling), not replaced.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from typing import Final

from records.review_progress import review_by_reference
from records.review_runs import ReviewRun, reviews_needing_runs, set_flow_run
from records.session import session_scope
from records.system_time import system_now
from tasks.db import session_factory, settings
from tasks.prefect_runs import RunSnapshot, deployment_problem, mark_crashed, read_runs, read_wait_input

__all__ = ["LivenessReport", "StartRun", "ensure_live_runs", "idempotency_key"]

ENDED: Final = frozenset({"COMPLETED", "FAILED", "CANCELLED", "CRASHED"})
WORKING: Final = frozenset({"RUNNING", "PENDING"})
WAITING_TO_START: Final = frozenset({"SCHEDULED"})

StartRun = Callable[..., str]
"""``tasks.run_control.start_review_run(review_ref, setting_urn, stage, deployment, *, idempotency_key)``."""


@dataclass(slots=True)
class LivenessReport:
    """What ``ensure_live_runs`` did, by review reference (no personal data)."""

    started: list[str] = field(default_factory=list)
    replaced: dict[str, str] = field(default_factory=dict)  # reference -> why the old run was replaced
    could_not_start: dict[str, str] = field(default_factory=dict)  # reference -> reason
    carried_over: list[str] = field(default_factory=list)  # inputs a dead run took but never recorded, kept
    live: int = 0
    problem: str | None = None  # a deployment-wide reason runs will not start (no runner polling)


def idempotency_key(review: ReviewRun, replaces: str | None) -> str:
    """Return the start key: one run per review and cycle, and one replacement per dead run."""
    from tasks.run_control import run_key

    return run_key(review.reference, review.cycle_number, replaces)


def _verdict(snapshot: RunSnapshot | None, now: datetime, stale_after: timedelta) -> tuple[str, str | None]:
    """Return (live | start | replace | stale | stuck, why) for the run a review keeps."""
    if snapshot is None:
        return "replace", "Prefect has no such run"
    age = now - snapshot.state_since if snapshot.state_since else timedelta(0)
    if snapshot.state_type in ENDED:
        return "replace", f"its run ended {snapshot.state_type} while the review is open"
    if snapshot.state_type in WORKING and age > stale_after:
        return "stale", f"its run has been {snapshot.state_type} for {int(age.total_seconds() // 60)} min"
    if snapshot.state_type in WAITING_TO_START and age > stale_after:
        return "stuck", f"its run has been scheduled for {int(age.total_seconds() // 60)} min: no runner took it"
    return "live", None


def _start(
    review: ReviewRun, start: StartRun, deployment: str, replaces: str | None, report: LivenessReport
) -> str | None:
    try:
        new_id = start(
            review.reference,
            review.setting_urn,
            review.stage,
            deployment,
            idempotency_key=idempotency_key(review, replaces),
        )
    except Exception as exc:
        report.could_not_start[review.reference] = f"{type(exc).__name__}: {exc}"[:300]
        return None
    with session_scope(session_factory()) as session:
        set_flow_run(session, review.reference, new_id, actor=settings().actor)
    return new_id


def _carry_over_input(review: ReviewRun, dead_run_id: str) -> bool:
    """If the dead run was given the input of the review's open wait, keep it for the replacement run."""
    from tasks.kept_submissions import keep_input_of_dead_run

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
        return keep_input_of_dead_run(session, found, payload, dead_run_id=dead_run_id, actor=settings().actor)


def _default_start() -> StartRun:
    from tasks.run_control import start_review_run

    return start_review_run


def ensure_live_runs(
    today: date,
    *,
    start: StartRun | None = None,
    deployment: str | None = None,
    stale_after: timedelta | None = None,
    now: datetime | None = None,
) -> LivenessReport:
    """Start the run of every due review without one, and replace the runs that died; report what happened."""
    with session_scope(session_factory()) as session:
        due = reviews_needing_runs(session, today)
    start = start or _default_start()
    deployment = deployment or settings().review_deployment
    stale_after = stale_after or timedelta(minutes=settings().run_stale_after_minutes)
    now = now or system_now()
    report = LivenessReport()
    snapshots = read_runs([r.flow_run_id for r in due if r.flow_run_id])
    for review in due:
        if review.flow_run_id is None:
            if _start(review, start, deployment, None, report):
                report.started.append(review.reference)
            continue
        verdict, why = _verdict(snapshots.get(review.flow_run_id), now, stale_after)
        if verdict == "live":
            report.live += 1
        elif verdict == "stuck":
            report.could_not_start[review.reference] = why or ""
        else:
            if verdict == "stale":
                mark_crashed(review.flow_run_id, f"no sign of life: {why}; replaced by the statutory clock")
            if _start(review, start, deployment, review.flow_run_id, report):
                report.replaced[review.reference] = why or ""
                if _carry_over_input(review, review.flow_run_id):
                    report.carried_over.append(review.reference)
    if report.could_not_start:
        report.problem = deployment_problem(deployment)
    return report
