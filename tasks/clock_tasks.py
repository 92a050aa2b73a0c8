"""The statutory clock's and the liveness flow's tasks: record what fell due (once), keep review runs alive,
hand over the inputs waiting in the inbox, refresh the runs' view.

``record_clock_events`` is one transaction: the indexed selection and the ON CONFLICT DO NOTHING
inserts (``records.clock_events``). ``ensure_review_runs`` starts the due runs and replaces dead
ones (``tasks.liveness``); ``hand_over_inputs`` is the inbox's backstop (``tasks.inbox.sweep``);
``refresh_reviews`` re-tags review runs and re-publishes their timelines (``tasks.review_refresh``).
The clock never resumes a review run with an input of its own: it only hands over what people gave.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from prefect import get_run_logger, task
from prefect.cache_policies import NO_CACHE

from records.business_dates import finish_clock_run, start_clock_run
from records.clock_events import ClockRecord, record_due_events
from records.session import session_scope
from tasks.db import rule_set, session_factory, settings, working_days
from tasks.liveness import ensure_live_runs
from tasks.review_refresh import refresh_review_runs
from tasks.review_tasks import DB_RETRIES, retry_if_transient

__all__ = ["ensure_review_runs", "hand_over_inputs", "record_clock_events", "refresh_reviews"]


@task(
    name="record due events",
    cache_policy=NO_CACHE,
    persist_result=False,
    retries=DB_RETRIES,
    retry_condition_fn=retry_if_transient,
)
def record_clock_events(today: date) -> ClockRecord:
    """Record every ladder event and ended wait due on or before ``today``, each once, and the clock run itself
    (its business date is what later inputs are judged on: ``tasks.business_date``)."""
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
    from tasks.inbox import sweep
    from tasks.run_bridge import PrefectBridge

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


