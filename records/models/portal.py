"""The front door's records: staff accounts, API tokens, meeting records, feedback and attempt counts.

The meeting record is special-category personal data (the child's and family's views): it lives here
and nowhere else; a review's Prefect run is told only its id.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, ForeignKey, Integer, LargeBinary, String, Text, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column, relationship

from records.models.base import Base


class StaffUser(Base):
    """A person who signs in to the front door; ``staff_id`` is the pseudonym the audit log and Prefect see."""

    __tablename__ = "staff_users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(254), unique=True)
    staff_id: Mapped[str] = mapped_column(String(40), unique=True)
    role: Mapped[str] = mapped_column(String(12))
    """``setting``, ``caseworker``, ``manager`` or ``admin`` (portal.accounts.Role)."""
    password_hash: Mapped[str | None] = mapped_column(String(200))
    """argon2id hash; NULL for accounts that sign in only through OpenID Connect."""
    oidc_subject: Mapped[str | None] = mapped_column(String(254), unique=True)
    disabled: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())

    setting_links: Mapped[list[StaffSetting]] = relationship(cascade="all, delete-orphan", lazy="selectin")

    @property
    def setting_urns(self) -> tuple[str, ...]:
        return tuple(sorted(link.setting_urn for link in self.setting_links))


class StaffSetting(Base):
    """One setting (by URN) a ``setting`` account may see."""

    __tablename__ = "staff_settings"

    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), primary_key=True)
    setting_urn: Mapped[str] = mapped_column(String(12), primary_key=True)


class ApiToken(Base):
    """A bearer token for the JSON API, stored only as its SHA-256 digest."""

    __tablename__ = "api_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("staff_users.id", ondelete="CASCADE"), index=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    label: Mapped[str] = mapped_column(String(100))
    revoked: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class MeetingRecord(Base):
    """A review's record of its preparation, meeting and report (the council's template); personal data."""

    __tablename__ = "meeting_records"
    __table_args__ = (UniqueConstraint("review_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    content: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    """Sections ``preparation``, ``meeting`` and ``record`` as the forms left them."""
    status: Mapped[str] = mapped_column(String(12), default="draft")
    """``draft`` until the setting sends the report, then ``submitted``."""
    updated_by: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
    submitted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class RecordAttachment(Base):
    """A file attached to a meeting record (advice or a report received): PDF or DOCX, checked by its content.

    Kept here and nowhere else (never in Prefect); served only to the setting's own staff and the council. The
    file name is the uploader's, reduced to its last path part (``services.attachments``)."""

    __tablename__ = "record_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_record_id: Mapped[int] = mapped_column(ForeignKey("meeting_records.id", ondelete="CASCADE"), index=True)
    file_name: Mapped[str] = mapped_column(String(120))
    media_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    content: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by: Mapped[str] = mapped_column(String(40))
    uploaded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class Feedback(Base):
    """Feedback on a page or on the paperwork, from a signed-in person (by staff ID) or anyone."""

    __tablename__ = "feedback"

    id: Mapped[int] = mapped_column(primary_key=True)
    page: Mapped[str] = mapped_column(String(300))
    text: Mapped[str] = mapped_column(Text)
    staff_id: Mapped[str | None] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class AttemptCount(Base):
    """Recent attempts per throttle key (a sign-in account, a client address, anonymous feedback from an address).

    ``key`` is a SHA-256 digest of what was counted, never the email or address itself. ``portal.security`` decides
    from ``attempts`` and ``last_at`` how long the next attempt must wait; ``records.attempts`` counts atomically.
    """

    __tablename__ = "attempt_counts"

    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
