"""Area SEND inspection (Ofsted/CQC), annex A list 1: the columns the engine holds, one row per plan in force.

The inspection asks the local area for lists of children and young people; list 1 is those with an EHC plan. Its
column names and day-first dates follow the Data to Insight annex A validator (``data-to-insight/annex-a-sen-
validator-be``, ``sen_validator/config.py``: list 1; rules 105b-106b read the dates day-first). Of its columns the
engine holds these; the rest (UPN, ULN, sex, ethnicity, need, exclusions, absence, social care) come from the
council's case-management system, joined on ``Unique ID``:

* ``Unique ID``: the council's person id (``la_person_id``), or the engine's ``child_ref`` when none was imported;
* ``Date of birth``: personal data, so the list goes only to the signed-in manager roles (or ``ehcp``);
* ``Date initial EHC plan issued``: the first final plan (for a plan transferred in, the old council's date);
* ``Date updated EHC plan issued``: the latest final amended plan issued on or before the date, blank if none;
* ``Date EHC plan last reviewed``: the latest review decision notified on or before the date (as SEN2's
  ``LastReview``), blank if none;
* ``Main education establishment – URN`` and ``– phase``: the setting the plan names now (blank for a child who
  attends no school or college); the phase is the engine's setting phase, not an Ofsted code list.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from records.models import Child, Plan, Setting
from records.models.caseload import NO_SETTING_URN
from reports.csv_safety import csv_text
from reports.sen2 import plan_histories
from reports.sen2_breakdowns import PHASE_NAMES, Person
from reports.sen2_items import PlanHistory, is_in_force

__all__ = ["ANNEX_A_COLUMNS", "AnnexARow", "annex_a_csv", "annex_a_rows", "day_first", "people_of"]

ANNEX_A_COLUMNS: Final = (
    "Unique ID",
    "Date of birth",
    "Date initial EHC plan issued",
    "Date updated EHC plan issued",
    "Date EHC plan last reviewed",
    "Main education establishment – URN",
    "Main education establishment – phase",
)


def day_first(day: date | None) -> str:
    """Return ``DD/MM/YYYY`` (annex A's day-first dates), or blank."""
    return day.strftime("%d/%m/%Y") if day is not None else ""


@dataclass(frozen=True, slots=True)
class AnnexARow:
    """One plan's annex A list 1 columns (the engine's own)."""

    unique_id: str
    date_of_birth: date
    initial_issued: date
    updated_issued: date | None
    last_reviewed: date | None
    setting_urn: str
    setting_phase: str

    def cells(self) -> tuple[str, ...]:
        return (self.unique_id, day_first(self.date_of_birth), day_first(self.initial_issued),
                day_first(self.updated_issued), day_first(self.last_reviewed), self.setting_urn, self.setting_phase)


def _latest(days: Sequence[date | None], on: date) -> date | None:
    return max((day for day in days if day is not None and day <= on), default=None)


def _row(plan: PlanHistory, dob: date, urn: str, phase: str, on: date) -> AnnexARow:
    updated = _latest([review.final_on for review in plan.reviews], on)
    reviewed = _latest([review.decided_on for review in plan.reviews], on)
    setting = "" if urn == NO_SETTING_URN else urn
    return AnnexARow(plan.la_person_id or plan.child_ref, dob, plan.start_on, updated, reviewed, setting,
                     PHASE_NAMES.get(phase, phase))


def _people(session: Session) -> dict[str, tuple[date, str, str]]:
    query = (select(Child.child_ref, Child.date_of_birth, Setting.urn, Setting.phase)
             .join(Plan, Plan.child_id == Child.id).join(Setting, Setting.id == Plan.setting_id))
    return {row.child_ref: (row.date_of_birth, row.urn, row.phase) for row in session.execute(query)}


def people_of(session: Session) -> dict[str, Person]:
    """Return each plan's child's date of birth and setting phase, by child reference (for the breakdowns)."""
    return {ref: Person(born, phase) for ref, (born, _, phase) in _people(session).items()}


def annex_a_rows(session: Session, on: date) -> list[AnnexARow]:
    """Return annex A list 1's engine columns for every plan in force on ``on``, by child reference."""
    people = _people(session)
    return [_row(plan, *people[plan.child_ref], on) for plan in plan_histories(session, on) if is_in_force(plan, on)]


def annex_a_csv(rows: Sequence[AnnexARow]) -> str:
    """Return the list as CSV under annex A's column names (cells escaped, ``reports.csv_safety``)."""
    return csv_text(ANNEX_A_COLUMNS, (row.cells() for row in rows))
