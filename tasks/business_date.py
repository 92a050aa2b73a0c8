"""The one resolver of the business date: the day the authority stands on, for code given no date.

Everything below the composition roots (the CLI, the clock flow, the stage tasks) takes the
business date as an argument; tests pass it explicitly and never freeze time. The business date
is the later of today in London and the latest date a clock run was for, so a demo that travels
forward with ``ehcp clock --as-of`` stays there for every later input (a decision dated on the
travelled-to day is not "in the future"). No Prefect here: the CLI imports it.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy.orm import Session

from records.business_dates import latest_business_date
from tasks.wall_clock import today_in_london

__all__ = ["business_date", "today_in_london"]


def business_date(session: Session) -> date:
    """Return the business date: today in London, or the clock's later date after time travel."""
    today = today_in_london()
    travelled = latest_business_date(session)
    return max(today, travelled) if travelled is not None else today
