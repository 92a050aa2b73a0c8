"""The notifications outbox: a row is written before any send, so a retry never sends twice.

A row holds what is needed to render the message later (kind, the ladder event's deadline, step
and dates) but no personal data: the child's name and the addresses are read from the records at
send time. ``recipient_address`` records where the message went once it is sent (an operator needs
to see it); it is an address, so it never leaves the records database.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Boolean, Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from records.models.base import Base


class NotificationStatus(StrEnum):
    QUEUED = "queued"
    SENT = "sent"
    FAILED = "failed"


class Notification(Base):
    """One message to one role about one review, keyed by ``idempotency_key`` (e.g. review/deadline/step/role)."""

    __tablename__ = "notifications"
    __table_args__ = (
        Index("ix_notifications_status_id", "status", "id"),
        Index("ix_notifications_review_id_deadline_key_ladder_step", "review_id", "deadline_key", "ladder_step"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    idempotency_key: Mapped[str] = mapped_column(String(200), unique=True)
    review_id: Mapped[int | None] = mapped_column(ForeignKey("reviews.id", ondelete="RESTRICT"), index=True)
    channel: Mapped[str] = mapped_column(String(20))
    """``email`` (SMTP or GOV.UK Notify, as the deployment's settings choose), ``post`` (a printed letter) or
    ``webhook``."""
    recipient_role: Mapped[str] = mapped_column(String(40))
    template: Mapped[str] = mapped_column(String(80))
    """The message kind (``notices.kinds.MessageKind`` value), which names the template."""
    status: Mapped[str] = mapped_column(String(12), default=NotificationStatus.QUEUED.value)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """System time the channel accepted the message (not business time)."""
    deadline_key: Mapped[str | None] = mapped_column(String(32))
    ladder_step: Mapped[str | None] = mapped_column(String(32))
    deadline_due_on: Mapped[date | None] = mapped_column(Date)
    """The deadline's last compliant day, as it stood when the ladder event fired."""
    due_on: Mapped[date | None] = mapped_column(Date)
    """The business date the ladder step fell due."""
    owner: Mapped[str | None] = mapped_column(String(12))
    audience: Mapped[str | None] = mapped_column(String(200))
    """Every role the ladder step told (comma-separated), so each message can say who else heard."""
    advisory: Mapped[bool | None] = mapped_column(Boolean)
    expected_on: Mapped[date | None] = mapped_column(Date)
    """For the family's late letter: the date the council now expects to act."""
    recipient_address: Mapped[str | None] = mapped_column(String(254))
    """Where the message went (email address; ``webhook`` for a chat post), resolved at send time."""
    provider_id: Mapped[str | None] = mapped_column(String(200))
    """The channel's id for the accepted message (SMTP Message-ID, Notify notification id)."""
    as_of: Mapped[date | None] = mapped_column(Date)
    """The business date the message speaks for (its lateness is stated as of this date)."""
    queued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """System time the row was queued: the sweep gives up on a transient failure after a maximum age."""
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """System time before which the sweep does not try again (back-off); NULL means at once."""
    setting_id: Mapped[int | None] = mapped_column(ForeignKey("settings.id", ondelete="RESTRICT"))
    """For a message about a setting rather than a review (a termly list)."""
    term_id: Mapped[str | None] = mapped_column(String(20))
    """For a termly list: the term's id (``reports.terms.Term.id``)."""
    family_contact_id: Mapped[int | None] = mapped_column(Integer)
    """A family letter's addressee (``family_contacts.id``), chosen when it was queued; no foreign key, so the
    row outlives a contact removed later (it then fails, saying so). NULL: no family contact was on record."""
    family_copy: Mapped[bool | None] = mapped_column(Boolean)
    """The addressee has the letter as a copy (a young person's parents, copied by the young person's choice)."""
    letter_on: Mapped[date | None] = mapped_column(Date)
    """The business date the letter was sent and bears: an appeal date counts from it (HESC rule 20)."""
    batched_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """A posted letter: system time its PDF went into the day's print batch (or to GOV.UK Notify)."""
    posted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """A posted letter: system time the post room (or GOV.UK Notify) confirmed it was posted."""
