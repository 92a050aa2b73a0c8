"""The statutory clock: a scheduled flow that records every deadline event that fell due, once, and acts on it.

It is the only flow that decides the business date (``as_of``, else today in London). Each run,
in its own run and never by resuming a review run:

1. records the due ladder events and ended waits (an indexed query; a unique key per review,
   deadline and step);
2. raises the reviews' escalations in task runs of 20 reviews each, named by their references,
   catch-up safe (``rules.catch_up``: no stale reminder, one step per deadline and role, true
   lateness) and concurrency safe (a lost race is a skip);
3. queues the termly lists that are due (once per setting and term) and the advice reminders due (14 and 3
   days before the advice is needed, once each, ``services.advice``);
4. sweeps the outbox (retries with back-off; failures marked on the row, never raised);
5. starts the run of every review that needs one (preparation opened, past stage 1, or an input
   waiting in its inbox) and replaces dead runs, saying which it could not start, then hands over
   the inputs still waiting in the inbox (the backstop of the liveness flow, which does both every
   few minutes);
6. refreshes the review runs' tags and timelines and the "caseload" artifact.

``ehcp clock --as-of DATE`` runs it for any date.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from typing import Any, TypeVar

from prefect import flow, get_run_logger

from services.wall_clock import today_in_london
from tasks.clock import (
    deliver_outbox,
    ensure_review_runs,
    hand_over_inputs,
    publish_caseload,
    record_clock_events,
    refresh_reviews,
    send_advice_reminders,
    send_termly_lists,
)
from tasks.escalation import escalate_reviews

_T = TypeVar("_T")


def _run_name() -> str:
    from prefect.runtime import flow_run

    as_of = flow_run.parameters.get("as_of")
    return f"clock-{as_of}" if as_of else "clock"


@flow(name="statutory-clock", flow_run_name=_run_name, persist_result=False)
def statutory_clock(as_of: date | None = None) -> dict[str, Any]:
    """Record what fell due by the business date, escalate it, deliver, and keep review runs alive."""
    today = as_of or today_in_london()
    phases = _Phases()
    recorded = phases.timed("record", record_clock_events, today)
    escalated = phases.timed("escalate", escalate_reviews, today)
    termly = phases.timed("termly", send_termly_lists, today)
    advice = phases.timed("advice", send_advice_reminders, today)
    delivered = phases.timed("deliver", deliver_outbox)
    runs = phases.timed("runs", ensure_review_runs, today)
    inbox = phases.timed("inbox", hand_over_inputs)
    phases.timed("refresh", refresh_reviews, [*escalated.reviews, *runs["started"], *runs["replaced"]], today)
    phases.timed("caseload", publish_caseload, today)
    get_run_logger().info(
        "Clock %s: %d events raised (%d notifications queued), %d superseded, %d cancelled; outbox %s",
        today,
        escalated.raised,
        escalated.queued,
        escalated.settled["superseded"],
        escalated.settled["cancelled"],
        delivered,
    )
    return {
        "business_date": today.isoformat(),
        "new_events": recorded.new_events,
        "new_escalations": recorded.new_escalations,
        "raised": escalated.raised,
        "notifications_queued": escalated.queued,
        **escalated.settled,
        "outbox": delivered,
        "runs": runs,
        "inbox": inbox,
        "termly_lists": termly,
        "advice_reminders": advice,
        "seconds": phases.seconds,
    }


class _Phases:
    """Elapsed seconds per step of one clock run (a stopwatch, not a clock read: no business date)."""

    def __init__(self) -> None:
        self.seconds: dict[str, float] = {}

    def timed(self, name: str, step: Callable[..., _T], *args: Any) -> _T:
        started = time.perf_counter()
        try:
            return step(*args)
        finally:
            self.seconds[name] = round(time.perf_counter() - started, 3)
