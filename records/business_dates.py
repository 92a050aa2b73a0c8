"""The clock's runs as the records keep them: the business date each ran for, the latest one first.

Persistence only: the resolver that combines this with the wall clock is ``services.setup``.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from records.models import ClockRun
from records.system_time import system_now


def latest_business_date(session: Session) -> date | None:
    """Return the latest business date any clock run was for, or None before the first run."""
    return session.scalar(select(func.max(ClockRun.business_date)))


def start_clock_run(session: Session, business_date: date) -> int:
    """Record that a clock run for ``business_date`` began; return its id."""
    row = ClockRun(business_date=business_date, started_at=system_now())
    session.add(row)
    session.flush()
    return row.id


def finish_clock_run(session: Session, run_id: int, *, new_events: int) -> None:
    """Record that the clock run finished, with how many events it recorded."""
    row = session.get_one(ClockRun, run_id)
    row.finished_at = system_now()
    row.new_events = new_events
