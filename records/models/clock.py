"""What the statutory clock has done: each ladder event (and the escalation it raises) recorded once.

One table: a row per (review, deadline key, ladder step). ``recipient_roles`` names the roles the
escalation reaches (NULL for an ended wait, which tells nobody). The unique key is what makes the
clock catch-up safe: a retried, restarted or concurrent run finds the row already there.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from records.models.base import Base


class EventStatus(StrEnum):
    PENDING = "pending"
    FIRED = "fired"
    CANCELLED = "cancelled"
    SUPERSEDED = "superseded"  # caught up: a higher step of the same deadline told every role instead


class ClockEvent(Base):
    """A ladder step of one review's deadline that fell due (or a wait that ended), and what became of it."""

    __tablename__ = "clock_events"
    __table_args__ = (
        UniqueConstraint("review_id", "deadline_key", "ladder_step"),
        Index("ix_clock_events_status_due_on", "status", "due_on"),
        Index("ix_clock_events_review_id_status", "review_id", "status"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    deadline_key: Mapped[str] = mapped_column(String(32))
    ladder_step: Mapped[str] = mapped_column(String(32))
    due_on: Mapped[date] = mapped_column(Date)
    recipient_roles: Mapped[str | None] = mapped_column(String(200))
    """The roles the escalation reaches, comma-separated; NULL for an ended wait."""
    fired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(12), default=EventStatus.PENDING.value)
