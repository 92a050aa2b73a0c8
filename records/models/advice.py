"""Advice for a review's meeting received through the product, and its circulation (Reg 20(3)(a), 20(4)).

A professional asked for advice (an ``Invitee`` with ``advice_requested``) answers once, through their single-use
link: typed text, one PDF or DOCX file, or both (``AdviceReply``). The file is kept here and nowhere else (never in
Prefect). ``AdviceMessage`` ties an outbox row (the request, a reminder, the circulated advice) to the invitee it is
for, so the outbox row itself holds no name or address. ``AdviceCirculation`` is the product's record of the day
the advice received was sent to every invitee: stage 1's ``advice_circulated_on``.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, Integer, LargeBinary, String, Text, func
from sqlalchemy.orm import Mapped, mapped_column

from records.models.base import Base


class AdviceReply(Base):
    """One invitee's advice for the meeting (personal data: the records database only)."""

    __tablename__ = "advice_replies"

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), index=True)
    invitee_id: Mapped[int] = mapped_column(ForeignKey("review_invitees.id", ondelete="CASCADE"), unique=True)
    """One reply per invitee: their link is single use."""
    link_id: Mapped[int | None] = mapped_column(ForeignKey("review_links.id", ondelete="SET NULL"))
    advice_text: Mapped[str | None] = mapped_column(Text)
    file_name: Mapped[str | None] = mapped_column(String(120))
    media_type: Mapped[str | None] = mapped_column(String(100))
    size: Mapped[int | None] = mapped_column(Integer)
    content: Mapped[bytes | None] = mapped_column(LargeBinary)
    received_on: Mapped[date] = mapped_column(Date)
    """The business date it was received (late when after the needed-by date)."""
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())


class AdviceMessage(Base):
    """The invitee an advice message in the outbox is for (request, reminder or the circulated advice)."""

    __tablename__ = "advice_messages"

    notification_id: Mapped[int] = mapped_column(ForeignKey("notifications.id", ondelete="CASCADE"),
                                                 primary_key=True)
    invitee_id: Mapped[int] = mapped_column(ForeignKey("review_invitees.id", ondelete="CASCADE"), index=True)


class AdviceCirculation(Base):
    """When a review's advice received was circulated to every invitee, and by whom (a staff pseudonym)."""

    __tablename__ = "advice_circulations"

    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"), primary_key=True)
    circulated_on: Mapped[date] = mapped_column(Date)
    circulated_by: Mapped[str] = mapped_column(String(40))
    replies: Mapped[int] = mapped_column(Integer)
    """How many replies went out with it."""
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), server_default=func.now())
