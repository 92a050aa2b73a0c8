"""Stage 1 through the product: who is invited to a review's meeting, and the links sent to people without accounts.

An invitee is a person the setting (or the council, for an LA-led review) invites to the review meeting (Reg
20(2)-(4), Reg 21): the family and the young person from the records, the setting's staff, and professionals
(educational psychologist, health, social care, others), each with a name and a work email. Names and emails are
personal data: they stay in the records database and reach nobody but the person, in their own invitation.

A review link is a single-use, unguessable address given to a person without an account (a professional asked for
advice; the family or the young person asked for their views). Only the SHA-256 digest of its token is stored
(``records.links``), so a copy of the database opens no link.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, String, Text, false, func
from sqlalchemy.orm import Mapped, mapped_column

from records.models.base import Base


class InviteeKind(StrEnum):
    """Who an invitee is to the review (CoP 9.168: the child's parent or the young person, the setting, the LA's SEN,
    health and social care officers)."""

    FAMILY = "family"
    """A parent or carer, or the young person's representative (a ``family_contacts`` row)."""
    YOUNG_PERSON = "young_person"
    """The child or young person (a ``family_contacts`` row when they have one)."""
    SETTING = "setting"
    """A member of the setting's staff (a teacher, the SENCO, the head teacher)."""
    PROFESSIONAL = "professional"
    """An educational psychologist, a health or social care professional, or another adviser."""


class LinkPurpose(StrEnum):
    """What a review link opens: one form, for one person."""

    ADVICE = "advice"
    """A professional's advice for the meeting (Reg 20(3)(a)), typed or uploaded."""
    FAMILY_VIEWS = "family_views"
    """The family's views, wishes and feelings (s.19, Reg 20(2))."""
    YOUNG_PERSON_VIEWS = "young_person_views"
    """The child's or young person's own views (s.19)."""


class Invitee(Base):
    """One person invited to a review's meeting, how to reach them, and what the product sent them when."""

    __tablename__ = "review_invitees"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    """``InviteeKind``."""
    role: Mapped[str] = mapped_column(String(60))
    """Their role in words ("Educational psychologist", "Parent", "Class teacher")."""
    name: Mapped[str] = mapped_column(String(120))
    email: Mapped[str | None] = mapped_column(String(254))
    family_contact_id: Mapped[int | None] = mapped_column(ForeignKey("family_contacts.id", ondelete="SET NULL"))
    """The family's or young person's row, whose channel (email, post or both) the invitation follows."""
    advice_requested: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Asked for written advice before the meeting (Reg 20(3)(a)); a request with a link goes with the invitation."""
    invited_on: Mapped[date | None] = mapped_column(Date)
    """When the product sent (queued) their invitation; NULL until it did."""
    removed: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Taken off the list after being invited (kept, so the record of what was sent stays whole)."""
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class ReviewLink(Base):
    """A single-use link to one form of one review for one person, stored only as its token's digest."""

    __tablename__ = "review_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    token_digest: Mapped[str] = mapped_column(String(64), unique=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    purpose: Mapped[str] = mapped_column(String(24))
    """``LinkPurpose``."""
    invitee_id: Mapped[int | None] = mapped_column(ForeignKey("review_invitees.id", ondelete="CASCADE"), index=True)
    expires_on: Mapped[date] = mapped_column(Date)
    """The last day the link opens (the day after the meeting, unless the issuer chose otherwise)."""
    used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    """When its form was sent; a used link opens nothing again."""
    revoked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Replaced by a newer link (the meeting moved, a link was sent again) or withdrawn."""
    created_by: Mapped[str] = mapped_column(String(40))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class MeetingArrangement(Base):
    """When and where a review's meeting will be, as the invitations say (before stage 1 records the date).

    Stage 1's ``Review.meeting_planned_on`` is the date the review's run records; until then this is the date the
    product invited people to, and links and advice count from it (``records.meeting_arrangements``)."""

    __tablename__ = "review_meetings"

    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), primary_key=True)
    meeting_on: Mapped[date] = mapped_column(Date)
    starts_at: Mapped[str] = mapped_column(String(5))
    """The meeting's start time, ``HH:MM`` (24-hour, UK time)."""
    place: Mapped[str | None] = mapped_column(Text)
    """Where the meeting is held (a room and address), or None when it is online only."""
    online_link: Mapped[str | None] = mapped_column(String(500))
    """The address to join online, if any."""
    updated_by: Mapped[str] = mapped_column(String(40))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now(),
                                                 onupdate=func.now())


class ViewsReply(Base):
    """What the family or the child or young person wrote through their views link (personal data: the records and
    the meeting record only)."""

    __tablename__ = "review_views"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    link_id: Mapped[int] = mapped_column(ForeignKey("review_links.id", ondelete="CASCADE"), unique=True)
    invitee_id: Mapped[int | None] = mapped_column(ForeignKey("review_invitees.id", ondelete="SET NULL"))
    purpose: Mapped[str] = mapped_column(String(24))
    """``LinkPurpose.FAMILY_VIEWS`` or ``YOUNG_PERSON_VIEWS``."""
    answers: Mapped[dict[str, Any]] = mapped_column(JSON)
    """``views``, ``going_well``, ``hard``, ``hopes``: each the words given, or empty."""
    easy_read: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    received_on: Mapped[date] = mapped_column(Date)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
