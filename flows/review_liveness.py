"""The liveness flow: every minute, no person's input waits unheard and no review is without a live run.

Scheduled every ``EHCP_LIVENESS_EVERY_SECONDS`` (60 s), in its own run, beside the statutory clock's
15-minute full pass. Each run, on the business date (``services.setup``: the later of today in
London and the clock's latest date):

1. keeps review runs alive, quickly: starts the run of every review that needs one and has none, and
   replaces the runs that ended or whose process died (their heartbeats stopped), carrying over an
   input the dead run had taken (``services.liveness``, reading only the runs that are working or ended);
2. hands over every input still waiting in a review's inbox, and tells the operators once about one
   not recorded within 30 minutes (``services.inbox.sweep``).

So a worker killed mid-stage costs its review a few minutes, not the clock's next pass.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import flow, task
from prefect.cache_policies import NO_CACHE

from records.session import session_scope
from services.setup import business_date, session_factory
from tasks.clock import ensure_review_runs, hand_over_inputs


@task(name="business date", cache_policy=NO_CACHE, persist_result=False)
def read_business_date() -> date:
    """The day the authority stands on (the later of today in London and the clock's latest date)."""
    with session_scope(session_factory()) as session:
        return business_date(session)


@flow(name="review-liveness", flow_run_name="liveness", persist_result=False)
def review_liveness() -> dict[str, Any]:
    """Start missing review runs, replace dead ones, and hand over the inputs waiting in the inbox."""
    today = read_business_date()
    runs = ensure_review_runs(today, quick=True)
    inbox = hand_over_inputs()
    return {"business_date": today.isoformat(), "runs": runs, "inbox": inbox}
