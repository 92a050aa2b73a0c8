"""The append-only audit log: who did what, when, on which review.

Rows are only ever inserted. ``records.audit`` refuses ORM updates and deletes of them, and the
first migration adds database triggers that refuse them too.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, String, func
from sqlalchemy.orm import Mapped, mapped_column

from records.models.base import Base


class AuditEntry(Base):
    """One recorded action. ``detail`` holds ids, counts and field names, never a child's personal data."""

    __tablename__ = "audit_log"
    __table_args__ = (Index("uq_audit_log_idempotency_key", "idempotency_key", unique=True),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(60))
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id", ondelete="RESTRICT"), index=True)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    idempotency_key: Mapped[str | None] = mapped_column(String(200))
    """Set for actions a replayed flow may attempt again (flow run / wait key): unique, so recorded once."""
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    """System time of the write (not business time)."""
