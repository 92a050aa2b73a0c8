"""The statutory clock's and the liveness flow's tasks: each step of a pass as a task run an operator can read.

Thin wrappers over ``services``: record what fell due (once, one transaction), queue the termly lists,
queue the advice reminders due, sweep the outbox (a row failed for good is announced as
``ehcp.notification.failed``), keep review runs alive, hand over the inputs waiting in the inbox, refresh
the runs' tags and timelines, and publish the "caseload" table. The escalations are ``tasks.escalation``.
Logs carry references, counts and reasons only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import fields
from datetime import date
from typing import Any

from prefect import get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from prefect.events import emit_event

from records.business_dates import finish_clock_run, start_clock_run
from records.clock_events import ClockRecord, record_due_events
from records.session import session_scope
from services.advice import queue_advice_reminders
from services.delivery import DeliveryOutcome
from services.inbox import sweep
from services.liveness import ensure_live_runs
from services.outbox import sweep_outbox
from services.runs import PrefectBridge
from services.setup import rule_set, session_factory, settings, working_days
from services.termly import caseload_rows, queue_termly_lists
from services.timeline import refresh_review_runs
from tasks.policies import records_task

__all__ = [
    "deliver_outbox",
    "ensure_review_runs",
    "hand_over_inputs",
    "publish_caseload",
    "record_clock_events",
    "refresh_reviews",
    "send_advice_reminders",
    "send_termly_lists",
]


@records_task("record due events")
def record_clock_events(today: date) -> ClockRecord:
    """Record every ladder event and ended wait due on or before ``today``, each once, and the clock run itself
    (its business date is what later inputs are judged on: ``services.setup``)."""
    with session_scope(session_factory()) as session:
        run_id = start_clock_run(session, today)
        recorded = record_due_events(session, today, rule_set().ladder, working_days())
        finish_clock_run(session, run_id, new_events=recorded.new_events)
    get_run_logger().info(
        "Clock %s: %d new events, %d new escalations; %d reviews with events to act on",
        today,
        recorded.new_events,
        recorded.new_escalations,
        len(recorded.reviews_with_pending),
    )
    return recorded


@task(name="queue termly lists", cache_policy=NO_CACHE, persist_result=False)
def send_termly_lists(today: date) -> dict[str, str]:
    """Queue each setting's list for every term that starts soon (at least 2 weeks ahead), once; the
    outbox sweep sends it (rendered from the records then) and retries it like any other message."""
    outcomes = queue_termly_lists(today)
    for key, outcome in outcomes.items():
        get_run_logger().info("Termly list %s: %s", key, outcome)
    return outcomes


@task(name="queue advice reminders", cache_policy=NO_CACHE, persist_result=False)
def send_advice_reminders(today: date) -> int:
    """Queue the advice reminders due by ``today`` (14 and 3 days before needed-by, once each, none to a
    professional who has replied); the outbox sweep sends them. Logs the count only."""
    with session_scope(session_factory()) as session:
        queued = queue_advice_reminders(session, today)
    get_run_logger().info("Advice reminders %s: %d queued", today, queued)
    return queued


@task(name="publish caseload", cache_policy=NO_CACHE, persist_result=False)
def publish_caseload(today: date) -> int:
    """Refresh the "caseload" table artifact: per setting, open reviews, due this term, overdue by stage."""
    rows = caseload_rows(today)
    create_table_artifact(
        table=rows, key="caseload", description=f"The authority's caseload on {today:%a %d %b %Y}, per setting"
    )
    return len(rows)


@task(name="deliver outbox", cache_policy=NO_CACHE, persist_result=False)
def deliver_outbox(limit: int | None = None) -> dict[str, int]:
    """Sweep the outbox: send what is queued and due, back off what failed for a passing reason.

    Each row failed for good is announced as an ``ehcp.notification.failed`` event (the operators'
    automation in ``deployments/automations/notification-failed.yaml`` keys on it): ids, kind, role and
    channel only, never an address or a name."""
    summary = sweep_outbox(limit=limit, on_failed=announce_failed)
    get_run_logger().info(
        "Outbox: %d sent, %d to retry later, %d failed for good (operators told), %d already sent",
        summary.sent,
        summary.retrying,
        summary.failed,
        summary.already_sent,
    )
    return {f.name: getattr(summary, f.name) for f in fields(summary)}


def announce_failed(outcome: DeliveryOutcome) -> None:
    """Emit the event operators' automations attach to when a message could not be delivered for good."""
    resource = {"prefect.resource.id": f"ehcp.notification.{outcome.notification_id}"}
    if outcome.review_ref:
        resource["ehcp.review"] = outcome.review_ref
    payload = {
        "review": outcome.review_ref,
        "kind": outcome.kind,
        "role": outcome.role,
        "channel": outcome.channel,
        "attempts": outcome.attempts,
    }
    emit_event(event="ehcp.notification.failed", resource=resource, payload=payload)


@task(name="keep review runs alive", cache_policy=NO_CACHE, persist_result=False)
def ensure_review_runs(today: date, quick: bool = False) -> dict[str, Any]:
    """Start the run of every review that needs one and has none; replace dead runs (``quick``: working or ended)."""
    logger = get_run_logger()
    try:
        report = ensure_live_runs(today, quick=quick)
    except Exception as exc:
        logger.warning("Review runs not checked this run: %s: %s", type(exc).__name__, exc)
        return {
            "live": 0, "started": [], "replaced": {}, "carried_over": [], "could_not_start": {},
            "problem": type(exc).__name__,
        }  # fmt: skip
    logger.info(
        "Review runs: %d live, %d started, %d replaced, %d could not start",
        report.live,
        len(report.started),
        len(report.replaced),
        len(report.could_not_start),
    )
    for reference, why in report.replaced.items():
        logger.info("Review %s: run replaced (%s)", reference, why)
    for reference in report.carried_over:
        logger.info("Review %s: the input its dead run took is kept in its inbox for the new run", reference)
    for reference, why in report.could_not_start.items():
        logger.warning("Review %s: no run started: %s", reference, why)
    if report.problem:
        logger.warning("Review runs: %s", report.problem)
    return {
        "live": report.live,
        "started": report.started,
        "replaced": report.replaced,
        "carried_over": report.carried_over,
        "could_not_start": report.could_not_start,
        "problem": report.problem,
    }


@task(name="hand over received inputs", cache_policy=NO_CACHE, persist_result=False)
def hand_over_inputs() -> dict[str, Any]:
    """Give every input still waiting in a review's inbox to its run; tell the operators of one waiting too long."""
    logger = get_run_logger()
    result = sweep(session_factory(), PrefectBridge(), actor=settings().actor)
    if result.handed_over:
        logger.info("Inbox: %s", ", ".join(f"{count} {what}" for what, count in sorted(result.handed_over.items())))
    if result.unavailable:
        logger.warning("Inbox: Prefect did not answer; the waiting inputs are handed over on the next pass")
    for reference in result.reported:
        logger.warning("Review %s: an input not recorded within 30 minutes; the operators are told", reference)
    return {"handed_over": result.handed_over, "reported": result.reported, "unavailable": result.unavailable}


@task(name="refresh review runs", cache_policy=NO_CACHE, persist_result=False)
def refresh_reviews(references: Sequence[str], today: date) -> int:
    """Re-tag each review's run and re-publish its timeline artifact; a Prefect hiccup is logged, not raised."""
    try:
        count = refresh_review_runs(references, today)
    except Exception as exc:
        get_run_logger().warning("Review runs not refreshed this run: %s", type(exc).__name__)
        return 0
    get_run_logger().info("Review runs: %d re-tagged and timelines re-published", count)
    return count


