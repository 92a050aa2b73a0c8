"""Who is on the caseload: settings (schools, colleges, early-years providers), children and their plans.

A child's name, date of birth and year group are kept here and nowhere else; everything
outside the records database names a child only by the pseudonymous ``child_ref``.
"""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import TYPE_CHECKING, Final

from sqlalchemy import Date, ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from records.models.base import Base

if TYPE_CHECKING:
    from records.models.reviews import Review


class Phase(StrEnum):
    """The phase a setting serves (drives which phase transfers its children make)."""

    EARLY_YEARS = "early_years"
    INFANT = "infant"
    JUNIOR = "junior"
    PRIMARY = "primary"
    MIDDLE = "middle"
    SECONDARY = "secondary"
    ALL_THROUGH = "all_through"
    SPECIAL = "special"
    POST16 = "post16"
    ALTERNATIVE_PROVISION = "alternative_provision"
    NONE = "none"  # the placeholder for a review the LA leads because the child attends no school (Reg 21)


NO_SETTING_URN: Final = "NONE"
"""The URN of the one placeholder setting of plans whose child attends no school or college (Reg 21): a real URN
is 5-8 digits (optionally after a letter prefix), so it can never clash. Letters name no setting for it."""
NO_SETTING_NAME: Final = "No school or college (the council leads the review, Reg 21)"


class PlanStatus(StrEnum):
    ACTIVE = "active"
    CEASED = "ceased"


class Setting(Base):
    """A school, college or early-years provider, known by its URN."""

    __tablename__ = "settings"

    id: Mapped[int] = mapped_column(primary_key=True)
    urn: Mapped[str] = mapped_column(String(12), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    phase: Mapped[str] = mapped_column(String(24))
    senco_name: Mapped[str | None] = mapped_column(String(200))
    senco_email: Mapped[str | None] = mapped_column(String(254))
    head_teacher_name: Mapped[str | None] = mapped_column(String(200))
    head_teacher_email: Mapped[str | None] = mapped_column(String(254))


class Child(Base):
    """A child or young person with a plan; ``child_ref`` is the only identifier that leaves this table."""

    __tablename__ = "children"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_ref: Mapped[str] = mapped_column(String(32), unique=True)
    given_name: Mapped[str] = mapped_column(String(100))
    family_name: Mapped[str] = mapped_column(String(100))
    date_of_birth: Mapped[date] = mapped_column(Date)
    year_group: Mapped[str | None] = mapped_column(String(4))
    la_person_id: Mapped[str | None] = mapped_column(String(50))
    """The council's own identifier of the person (its SEN2 Person record); kept here, never shown in Prefect."""

    plan: Mapped[Plan | None] = relationship(back_populates="child")


class Plan(Base):
    """A child's EHC plan: when it was first issued, the setting it names and its next phase transfer."""

    __tablename__ = "plans"

    id: Mapped[int] = mapped_column(primary_key=True)
    child_id: Mapped[int] = mapped_column(ForeignKey("children.id", ondelete="RESTRICT"), unique=True)
    setting_id: Mapped[int] = mapped_column(ForeignKey("settings.id", ondelete="RESTRICT"), index=True)
    first_issued_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(12), default=PlanStatus.ACTIVE.value)
    transfer_kind: Mapped[str | None] = mapped_column(String(24))
    transfer_year: Mapped[int | None] = mapped_column(Integer)
    transfer_on: Mapped[date | None] = mapped_column(Date)
    la_request_id: Mapped[str | None] = mapped_column(String(50))
    """The council's own identifier of the request the plan answers (its SEN2 Requests record)."""
    ceased_on: Mapped[date | None] = mapped_column(Date)
    """A ceased plan: the first day it was no longer maintained (CFA s45: the appeal period over, or the Tribunal's
    decision). NULL while in force, or when the records do not hold the date."""
    transferred_in_on: Mapped[date | None] = mapped_column(Date)
    """The day the plan was transferred to this council from another (SEND Regs 2014 reg 15)."""
    transferred_from_la: Mapped[str | None] = mapped_column(String(3))
    """The three-digit LA number of the council the plan came from (SEN2's ``TransferLA``)."""

    child: Mapped[Child] = relationship(back_populates="plan")
    setting: Mapped[Setting] = relationship()
    reviews: Mapped[list[Review]] = relationship(back_populates="plan", order_by="Review.cycle_number")
