"""The statutory clock: a scheduled flow that fires every deadline event that fell due, once.

It is the only flow that decides the business date (``as_of``, else today in
London). Each run records the due ladder events and ended waits (an indexed
query; a unique key per review, deadline and step), then wakes each review that
has events with a clock tick, so the review's own run raises the escalation.
After an outage the next run catches up: every event that fell due is recorded
once and acted on oldest first. Each run also sends the termly lists that are due
(once per setting and term) and refreshes the "caseload" table artifact.
``ehcp clock --as-of DATE`` runs it for any date.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import flow, get_run_logger

from flows.clock import today_in_london
from tasks.authority_tasks import publish_caseload, send_termly_lists
from tasks.clock_tasks import record_clock_events, wake_review


def _run_name() -> str:
    from prefect.runtime import flow_run

    as_of = flow_run.parameters.get("as_of")
    return f"clock-{as_of}" if as_of else "clock"


@flow(name="statutory-clock", flow_run_name=_run_name, persist_result=False)
def statutory_clock(as_of: date | None = None) -> dict[str, Any]:
    """Record what fell due by the business date and wake the reviews it concerns."""
    today = as_of or today_in_london()
    recorded = record_clock_events(today)
    results = [wake_review(reference, today) for reference in recorded.reviews_with_pending]
    termly = send_termly_lists(today)
    publish_caseload(today)
    by_outcome = {name: [r.reference for r in results if r.outcome == name] for name in ("woken", "started", "busy")}
    get_run_logger().info(
        "Clock %s: woke %d, started %d, %d busy (retried next run)",
        today,
        len(by_outcome["woken"]),
        len(by_outcome["started"]),
        len(by_outcome["busy"]),
    )
    return {
        "business_date": today.isoformat(),
        "new_events": recorded.new_events,
        "new_escalations": recorded.new_escalations,
        **by_outcome,
        "waits_answered": {r.flow_run_id: r.waited_at for r in results if r.outcome == "woken"},
        "termly_lists": termly,
    }
