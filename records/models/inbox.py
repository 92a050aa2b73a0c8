"""The review's inbox: every person's stage input, stored before anything talks to Prefect.

One row per wait of a review (``stage-<stage>-<wait number>``): the input that answers it, whoever
gave it and through which door, and what became of it. The row is written in the same transaction
that checks the input, so an input is never lost, whatever happens to Prefect or the review's run
afterwards; the run applies the row and marks it. ``form`` holds the non-personal form only (dates,
the outcome, the meeting record's number, the staff ID); the personal part stays in the records.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from records.models.base import Base
from records.models.reviews import wait_key


class InboxStatus(StrEnum):
    """What became of an input: received (being recorded), then applied, refused or superseded."""

    RECEIVED = "received"
    APPLIED = "applied"
    REFUSED = "refused"  # the run judged it and refused it (problems in ``outcome``)
    SUPERSEDED = "superseded"  # the review moved on without it (reason in ``last_error``)


class InboxEntry(Base):
    """One input answering one wait of one review."""

    __tablename__ = "review_inbox"
    __table_args__ = (
        UniqueConstraint("review_id", "wait_number"),  # one input per wait: a second is told at once
        Index(
            "ix_review_inbox_received",
            "received_at",
            sqlite_where=text("status = 'received'"),
            postgresql_where=text("status = 'received'"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    stage: Mapped[int] = mapped_column(Integer)
    wait_number: Mapped[int] = mapped_column(Integer)
    """The review's wait number when the input was received: it answers ``stage-<stage>-<wait_number>``."""
    form: Mapped[dict[str, Any]] = mapped_column(JSON)
    """The stage's form as the run takes it (non-personal fields only)."""
    submitted_by: Mapped[str] = mapped_column(String(100))
    """The staff ID or work email of the person (the audit log's actor)."""
    source: Mapped[str] = mapped_column(String(20))
    """The door it came through: ``portal``, ``api``, ``cli``, ``prefect-ui`` or ``carried-over``."""
    status: Mapped[str] = mapped_column(String(12), default=InboxStatus.RECEIVED.value)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    handed_over_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """When the review's run was last resumed or started with this input."""
    settled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """When it was applied, refused or superseded."""
    outcome: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    """The stage's verdict: the stage after it, the problems of a refusal, the notes of a late duty."""
    last_error: Mapped[str | None] = mapped_column(String(500))
    """Why it is not applied yet (Prefect unreachable, no runner), or why it was superseded."""
    reported_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """When the operators were told it had not been applied in time (once)."""

    @property
    def wait_key(self) -> str:
        """The pause key of the wait this input answers."""
        return wait_key(self.stage, self.wait_number)
