"""What the statutory clock has done: each deadline event and escalation recorded once (issue 5 acts on them).

The unique key (review, deadline key, ladder step) is what makes the clock catch-up safe: a retried
or restarted run finds the row already there and does not fire twice.
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


class ClockEvent(Base):
    """One tick of the clock for a review: a ladder step of a deadline that fell due."""

    __tablename__ = "clock_events"
    __table_args__ = (
        UniqueConstraint("review_id", "deadline_key", "ladder_step"),
        Index("ix_clock_events_status_due_on", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    deadline_key: Mapped[str] = mapped_column(String(32))
    ladder_step: Mapped[str] = mapped_column(String(32))
    due_on: Mapped[date] = mapped_column(Date)
    fired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(12), default=EventStatus.PENDING.value)


class Escalation(Base):
    """An escalation raised to named roles because a deadline reached a step of the ladder."""

    __tablename__ = "escalations"
    __table_args__ = (
        UniqueConstraint("review_id", "deadline_key", "ladder_step"),
        Index("ix_escalations_status_due_on", "status", "due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    deadline_key: Mapped[str] = mapped_column(String(32))
    ladder_step: Mapped[str] = mapped_column(String(32))
    recipient_roles: Mapped[str] = mapped_column(String(200))
    due_on: Mapped[date] = mapped_column(Date)
    fired_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    status: Mapped[str] = mapped_column(String(12), default=EventStatus.PENDING.value)
