"""The family of each plan: parents or carers, the young person and a representative, kept in the records only.

One row per person per plan (``slot``: ``parent1``, ``parent2``, ``young_person``, ``representative``). Names,
postal addresses, emails and phone numbers are personal data: they never leave the records database except in
the body of a letter to that person (never a log line, a subject, an event or Prefect). A young person's name
is the child's own (``children``); their row holds how to reach them. ``letter_copies`` keeps what each letter
sent for a review said, so a caseworker can download it.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Final

from sqlalchemy import Boolean, DateTime, ForeignKey, LargeBinary, String, Text, UniqueConstraint, false, func
from sqlalchemy.orm import Mapped, mapped_column

from records.models.base import Base

ADDRESS_LINE_SEPARATOR: Final = "\n"


class ContactSlot(StrEnum):
    """The place of a contact in a plan's family (at most one person per slot)."""

    PARENT1 = "parent1"
    PARENT2 = "parent2"
    YOUNG_PERSON = "young_person"
    REPRESENTATIVE = "representative"


class FamilyContact(Base):
    """One person the council writes to about a plan, and how they want its letters."""

    __tablename__ = "family_contacts"
    __table_args__ = (UniqueConstraint("plan_id", "slot"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="CASCADE"), index=True)
    slot: Mapped[str] = mapped_column(String(20))
    role: Mapped[str] = mapped_column(String(20))
    """``rules.addressees.ContactRole``: parent, carer, young_person or representative."""
    given_name: Mapped[str | None] = mapped_column(String(100))
    family_name: Mapped[str | None] = mapped_column(String(100))
    address: Mapped[str | None] = mapped_column(Text)
    """Postal address lines (no postcode), one per line."""
    postcode: Mapped[str | None] = mapped_column(String(10))
    email: Mapped[str | None] = mapped_column(String(254))
    phone: Mapped[str | None] = mapped_column(String(30))
    channel: Mapped[str] = mapped_column(String(8))
    """``rules.addressees.PreferredChannel``: email, post or both."""
    large_print: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    easy_read: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    language: Mapped[str | None] = mapped_column(String(40))
    """Another language the person needs the letters in (the caseworker arranges a translation)."""
    representative_acts: Mapped[bool | None] = mapped_column(Boolean)
    """The young person's row only: a representative acts for them (SEND Regs 2014 reg 64, Schedule 3)."""
    parents_copied: Mapped[bool | None] = mapped_column(Boolean)
    """The young person's row only: they agree that their parents are copied into the letters."""
    updated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), server_default=func.now())
    """System time of the last change (not business time)."""

    def address_lines(self) -> list[str]:
        """Return the postal address lines, without the postcode."""
        return [line for line in (self.address or "").split(ADDRESS_LINE_SEPARATOR) if line.strip()]

    def full_name(self) -> str:
        """Return the person's name as a letter gives it ("" when none is recorded)."""
        return " ".join(part for part in (self.given_name, self.family_name) if part)


class LetterCopy(Base):
    """What one sent letter said (its PDF, or the text of its email), kept so the caseworker can download it."""

    __tablename__ = "letter_copies"

    notification_id: Mapped[int] = mapped_column(
        ForeignKey("notifications.id", ondelete="CASCADE"), primary_key=True
    )
    media_type: Mapped[str] = mapped_column(String(40))
    file_name: Mapped[str] = mapped_column(String(120))
    """A name without personal data: the review reference, the kind and the outbox row's id."""
    content: Mapped[bytes] = mapped_column(LargeBinary)
    stored_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), server_default=func.now())
