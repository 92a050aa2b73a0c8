"""Termly lists sent to settings: one row per (setting, term), so a list is sent once however often the clock runs.

The clock inserts the row before it sends (insert-then-send, STYLE.md section 4); a second insert for the
same setting and term fails on the unique key and the list is not sent again.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from records.models.base import Base


class TermlyListSent(Base):
    """A setting's list of reviews falling due in a term, recorded as sent on a business date."""

    __tablename__ = "termly_lists_sent"
    __table_args__ = (UniqueConstraint("setting_id", "term"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    setting_id: Mapped[int] = mapped_column(ForeignKey("settings.id", ondelete="RESTRICT"))
    term: Mapped[str] = mapped_column(String(20))
    """The term's id, e.g. ``autumn-2026`` (reports.terms.Term.id)."""
    sent_on: Mapped[date] = mapped_column(Date)
    """Business date the list was sent (London), passed in by the clock."""
    review_count: Mapped[int] = mapped_column(Integer)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    """System time of the write (not business time)."""
