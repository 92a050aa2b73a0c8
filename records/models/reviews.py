"""Annual reviews and their deadlines: every stage date, the decision, and the deadlines rules/ computed.

``deadlines`` rows are derived from a review's facts by ``rules/`` (never typed in); the review keeps a
pointer to its next open deadline so the caseload list is one indexed query.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Final

from sqlalchemy import Boolean, Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from records.models.base import Base

DATES_BEFORE_DECISION: Final = (
    "meeting_planned_on",
    "invitations_sent_on",
    "advice_circulated_on",
    "meeting_held_on",
    "report_sent_on",
    "report_received_on",
)
DATES_FROM_DECISION: Final = (
    "decision_notified_on",
    "amendment_notice_sent_on",
    "final_plan_issued_on",
    "amendments_withdrawn_on",
    "cease_notice_sent_on",
    "mediation_certificate_on",
)
REVIEW_DATES: Final = (*DATES_BEFORE_DECISION, *DATES_FROM_DECISION)
"""Every date a review's stages record, in the order they happen: the one list the import, the writes and the
view use."""


def wait_key(stage: int, wait_number: int) -> str:
    """The pause key of a review's one open wait: the run suspends at it and people's input resumes it."""
    return f"stage-{stage}-{wait_number}"


def wait_number_of(key: str) -> int:
    """The wait number of a pause key made by ``wait_key`` (``stage-4-7`` -> 7)."""
    return int(key.rsplit("-", 1)[1])


def stage_of_wait(key: str) -> int | None:
    """The stage of a pause key made by ``wait_key`` (``stage-4-7`` -> 4), None for any other key."""
    parts = key.split("-")
    return int(parts[1]) if len(parts) == 3 and parts[0] == "stage" and parts[1].isdigit() else None


if TYPE_CHECKING:
    from records.models.caseload import Plan, Setting


class Review(Base):
    """One annual review (one cycle) of a plan, named outside the records only by ``reference``."""

    __tablename__ = "reviews"
    __table_args__ = (
        UniqueConstraint("plan_id", "cycle_number"),
        Index("ix_reviews_next_due_on", "next_due_on"),
        Index("ix_reviews_stage_next_due_on", "stage", "next_due_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    plan_id: Mapped[int] = mapped_column(ForeignKey("plans.id", ondelete="RESTRICT"))
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    cycle_number: Mapped[int] = mapped_column(Integer)
    stage: Mapped[int | None] = mapped_column(Integer)
    """Current stage 1-5 (rules.stages.Stage); NULL once the review is complete."""
    previous_meeting_on: Mapped[date | None] = mapped_column(Date)
    previous_decision_on: Mapped[date | None] = mapped_column(Date)
    previous_outcome: Mapped[str | None] = mapped_column(String(12))
    """The previous review's decision (``rules.facts.Outcome``), imported so SEN2 history counts from day one."""
    previous_amendment_notice_sent_on: Mapped[date | None] = mapped_column(Date)
    previous_final_plan_issued_on: Mapped[date | None] = mapped_column(Date)
    previous_transfer_due_on: Mapped[date | None] = mapped_column(Date)
    """When the previous review was a phase-transfer review: the date its amended plan was due (Reg 18)."""
    invitations_sent_on: Mapped[date | None] = mapped_column(Date)
    advice_circulated_on: Mapped[date | None] = mapped_column(Date)
    meeting_planned_on: Mapped[date | None] = mapped_column(Date)
    meeting_held_on: Mapped[date | None] = mapped_column(Date)
    report_sent_on: Mapped[date | None] = mapped_column(Date)
    """When the report was sent (the duty, Reg 20(7)-(8)); ``report_received_on`` is when the LA had it."""
    report_received_on: Mapped[date | None] = mapped_column(Date)
    decision_outcome: Mapped[str | None] = mapped_column(String(12))
    decision_notified_on: Mapped[date | None] = mapped_column(Date)
    amendment_notice_sent_on: Mapped[date | None] = mapped_column(Date)
    final_plan_issued_on: Mapped[date | None] = mapped_column(Date)
    cease_notice_sent_on: Mapped[date | None] = mapped_column(Date)
    amendments_withdrawn_on: Mapped[date | None] = mapped_column(Date)
    """Amend only: the Reg 22(4) notice that the LA will not amend after all (closes stage 5)."""
    amendments_withdrawn_reasons: Mapped[str | None] = mapped_column(Text)
    """The reasons that notice gives (Reg 22(4)): held here for the letter, never sent to Prefect."""
    mediation_certificate_on: Mapped[date | None] = mapped_column(Date)
    """When a mediation certificate was issued (HESC r20(1)(c)(ii)); recorded by ``records.review_acts``."""
    interim_review_held_on: Mapped[date | None] = mapped_column(Date)
    """A child under 5: an interim review held between annual reviews (CoP 9.178, guidance)."""
    named_setting_id: Mapped[int | None] = mapped_column(ForeignKey("settings.id", ondelete="RESTRICT"))
    """The school or college the amended plan names when it is not the current setting (a phase transfer):
    the final plan and a cease notice go to it too (Regs 22(3)(b), 31(2))."""
    led_by: Mapped[str] = mapped_column(String(12), default="setting", server_default="setting")
    """``setting`` (Reg 20) or ``la``: the child attends no school or college, the LA owes stages 1-3 (Reg 21)."""
    rule_set_name: Mapped[str] = mapped_column(String(40))
    rule_set_version: Mapped[str] = mapped_column(String(20))
    cycle_anchor: Mapped[str] = mapped_column(String(12))
    next_deadline_key: Mapped[str | None] = mapped_column(String(32))
    next_due_on: Mapped[date | None] = mapped_column(Date)
    next_owner: Mapped[str | None] = mapped_column(String(12))
    flow_run_id: Mapped[str | None] = mapped_column(String(36))
    """The Prefect flow run that orchestrates this review; NULL until one is started."""
    wait_number: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    """How many inputs the review has taken (accepted or refused), plus one: the run waits at
    ``stage-<stage>-<wait_number>``, so a replayed or replacement run goes straight to the one open wait."""

    plan: Mapped[Plan] = relationship(back_populates="reviews")
    named_setting: Mapped[Setting | None] = relationship()
    deadlines: Mapped[list[DeadlineRecord]] = relationship(
        back_populates="review", cascade="all, delete-orphan", order_by="DeadlineRecord.due_on"
    )


class DeadlineRecord(Base):
    """One computed deadline of a review: its last compliant day, who owes it, and when it was met."""

    __tablename__ = "deadlines"
    __table_args__ = (
        UniqueConstraint("review_id", "key"),
        # The clock's "what falls due" query: open deadlines by date, nothing else in the index.
        Index("ix_deadlines_open_due_on", "due_on", sqlite_where=text("is_open"), postgresql_where=text("is_open")),
        Index("ix_deadlines_key_due_on", "key", "due_on"),
        # The clock's work list: open deadlines whose next ladder step has come (a few percent a day).
        Index(
            "ix_deadlines_open_next_step_on",
            "next_step_on",
            sqlite_where=text("is_open"),
            postgresql_where=text("is_open"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    review_id: Mapped[int] = mapped_column(ForeignKey("reviews.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(32))
    due_on: Mapped[date] = mapped_column(Date)
    owner: Mapped[str] = mapped_column(String(12))
    stage: Mapped[int | None] = mapped_column(Integer)
    advisory: Mapped[bool] = mapped_column(Boolean, default=False)
    met_on: Mapped[date | None] = mapped_column(Date)
    is_open: Mapped[bool] = mapped_column(Boolean)
    """Owed by someone, not met and its stage not over: what the clock and the caseload list watch."""
    breach: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    """Met unlawfully (a final plan inside the representation window): kept as history, never counted met."""
    earliest_lawful_on: Mapped[date | None] = mapped_column(Date)
    """Set when the deadline cannot be met lawfully: the first day its document may be issued."""
    next_step_on: Mapped[date | None] = mapped_column(Date)
    """When the next escalation-ladder step of this open deadline falls due (None: none left, or not owed)."""

    review: Mapped[Review] = relationship(back_populates="deadlines")
