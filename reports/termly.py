"""Termly lists: per setting, the reviews falling due in a term, flagging phase transfers and Year 9+ (CoP 9.172).

A review is on a term's list when its plan is active, the review is not complete, and its *meeting
due* date (the setting's deadline, four weeks before the review is due) falls in the term's list
window (reports.terms: from the term's first day to the day before the next term starts). It is
flagged a *phase transfer* when its plan's Reg 18 amendment deadline falls within 365 days of the
term's first day, and *Year 9+* when the child's recorded year group is 9 or above. A phase-transfer review
carries the meeting date worked back from the Reg 18 date (STATUTORY.md s4) when it is earlier than the
ordinary one, and a meeting already held says so. The placeholder setting of children who attend no school
(Reg 21) has no list.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from sqlalchemy import and_, select
from sqlalchemy.orm import Session, aliased

from records.models import Child, DeadlineRecord, Plan, Review, Setting
from records.models.caseload import NO_SETTING_URN
from reports.terms import Term

__all__ = ["SettingList", "TermlyItem", "termly_list", "year_number"]

TRANSFER_HORIZON_DAYS: Final = 365
PREPARING_FOR_ADULTHOOD_YEAR: Final = 9


@dataclass(frozen=True, slots=True)
class TermlyItem:
    """One review on a setting's termly list (pseudonymous: reference and child_ref, never a name)."""

    reference: str
    child_ref: str
    year_group: str | None
    stage: int
    meeting_due_on: date
    review_due_on: date | None
    phase_transfer_due_on: date | None
    is_phase_transfer: bool
    is_year_9_plus: bool
    meeting_by_on: date | None = None
    """The latest meeting that still lets the amended plan name the next school by the Reg 18 date (worked back:
    the decision 15 days before it, the meeting 4 weeks before that), when earlier than ``meeting_due_on``."""
    meeting_held_on: date | None = None


@dataclass(frozen=True, slots=True)
class SettingList:
    """A setting's termly list."""

    setting_id: int
    setting_urn: str
    setting_name: str
    term_id: str
    items: tuple[TermlyItem, ...]


def year_number(year_group: str | None) -> int | None:
    """Return a school year group as a number (``9`` -> 9); None for nursery, reception or unknown."""
    return int(year_group) if year_group is not None and year_group.isdigit() else None


def _is_transfer(cap: date | None, term: Term) -> bool:
    return cap is not None and term.starts_on <= cap <= term.starts_on + timedelta(days=TRANSFER_HORIZON_DAYS)


def termly_list(session: Session, term: Term, *, setting_id: int | None = None) -> list[SettingList]:
    """Return each setting's list of reviews falling due in ``term`` (settings with none are left out)."""
    meeting, review_due, transfer, safe = (aliased(DeadlineRecord) for _ in range(4))
    query = (
        select(Setting.id, Setting.urn, Setting.name, Review.reference, Child.child_ref, Child.year_group,
               Review.stage, meeting.due_on, review_due.due_on, transfer.due_on, safe.due_on, Review.meeting_held_on)
        .select_from(meeting)
        .join(Review, Review.id == meeting.review_id)
        .join(Plan, Plan.id == Review.plan_id)
        .join(Child, Child.id == Plan.child_id)
        .join(Setting, Setting.id == Plan.setting_id)
        .outerjoin(review_due, and_(review_due.review_id == Review.id, review_due.key == "review_due"))
        .outerjoin(transfer, and_(transfer.review_id == Review.id, transfer.key == "phase_transfer_due"))
        .outerjoin(safe, and_(safe.review_id == Review.id, safe.key == "transfer_meeting_by"))
        .where(meeting.key == "meeting_due", meeting.due_on >= term.starts_on, meeting.due_on <= term.window_ends_on,
               Review.stage.is_not(None), Plan.status == "active", Setting.urn != NO_SETTING_URN)
        .order_by(Setting.urn, meeting.due_on, Review.reference)
    )
    if setting_id is not None:
        query = query.where(Setting.id == setting_id)
    lists: dict[int, tuple[str, str, list[TermlyItem]]] = {}
    for (sid, urn, name, reference, child_ref, year_group, stage, meeting_on, due_on, cap, safe_on,
         held_on) in session.execute(query):
        year = year_number(year_group)
        is_year_9_plus = year is not None and year >= PREPARING_FOR_ADULTHOOD_YEAR
        earlier = safe_on if safe_on is not None and safe_on < meeting_on else None
        item = TermlyItem(reference, child_ref, year_group, int(stage or 0), meeting_on, due_on, cap,
                          _is_transfer(cap, term), is_year_9_plus, earlier, held_on)
        lists.setdefault(sid, (urn, name, []))[2].append(item)
    return [SettingList(sid, urn, name, term.id, tuple(items)) for sid, (urn, name, items) in lists.items()]
