"""The business dates the statutory clock has run for: where "today" comes from when time is travelled.

One row per clock run. The latest ``business_date`` is the date the authority stands on (``ehcp clock
--as-of`` moves it forward in a demo); ``services.setup`` takes the later of it and today in London.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, Index, Integer, func
from sqlalchemy.orm import Mapped, mapped_column

from records.models.base import Base


class ClockRun(Base):
    """One run of the statutory clock: the business date it ran for and when (system time)."""

    __tablename__ = "clock_runs"
    __table_args__ = (Index("ix_clock_runs_business_date", "business_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    business_date: Mapped[date] = mapped_column(Date)
    started_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    new_events: Mapped[int | None] = mapped_column(Integer)
