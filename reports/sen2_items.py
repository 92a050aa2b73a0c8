"""The annual-review items of SEN2's Active plans module, per plan active in the collection year (STATUTORY.md s7).

Pure: plan histories in, items out; no database, no clock. ``reports.sen2`` reads the histories from
the records. The interpretations, also in README "Reports":

* A plan is reported when it was first issued on or before the census date and was in force on some
  day of the collection year (1 January of the year before the census, up to the census): the
  supplier's reading of the Active plans module ("active EHC plan on census day; active EHC plan at
  any time during the collection year", README "Reports"). A ceased plan is in force until its cease
  takes effect (CFA s45; STATUTORY.md s6: the appeal period over, or the cease notice not yet sent
  keeps it in force). A plan that ceased before the census carries ``ceased_on``, the first day it was
  no longer in force; the measures count only plans in force at the census.
* The reported review is the one whose meeting is the latest held on or before the census date,
  among the stored reviews and the imported previous review (a stored review wins a tie).
* ``ReviewMeeting``: that meeting. ``ReviewOutcome``: that review's decision (``OUTCOME_CODES``), only
  when notified on or before the census date. ``LastReview``: the most recent decision date on or before
  the census among all the plan's reviews, so an earlier review's decision is given while the latest
  meeting's decision is pending (the supplier's reading of items 5.4-5.6; DfE's 2026/27 text was not
  found, README "Reports"). ``ReviewDraft``: the date the draft amended plan (the Reg 22 amendment
  notice) of the latest meeting's review was issued, on or before the census date.
* ``TransferLA`` ("EHC plan transferred in from another LA during calendar year"): the old council's
  three-digit number when the plan was transferred in (SEND Regs 2014 reg 15) during the calendar year
  before the census; blank otherwise. DfE's value format was not at hand (README "Reports").
* ``PhaseTransferDueDate``: when that review is a phase-transfer review (the transfer's Reg 18 date
  falls within the 12 months starting with the meeting), the last day for the amended plan (section 4),
  which may lie after the census. ``PhaseTransferFinalDate``: the date that review's final plan was
  issued, on or before the census date.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

__all__ = [
    "ITEM_NAMES",
    "OUTCOME_CODES",
    "PlanHistory",
    "ReviewHistory",
    "Sen2Item",
    "collection_year_starts",
    "first_review_due",
    "is_reported",
    "item_at",
    "items_at",
]

ITEM_NAMES: Final = (
    "TransferLA",
    "ReviewMeeting",
    "ReviewOutcome",
    "ReviewDraft",
    "PhaseTransferDueDate",
    "PhaseTransferFinalDate",
    "LastReview",
)
"""The Active plans annual-review items in the order of DfE's specification (as quoted by SEN2 tooling)."""

OUTCOME_CODES: Final = {"amend": "A", "cease": "C", "maintain": "M"}
"""The engine's decision (``rules.facts.Outcome``) to the ReviewOutcome code: the one place codes are set.
DfE's code set was not at hand (README "Reports"); change the codes here only."""


@dataclass(frozen=True, slots=True)
class ReviewHistory:
    """What is known of one review of a plan: a stored review, or the previous review imported with it."""

    meeting_on: date
    outcome: str | None = None
    decided_on: date | None = None
    draft_on: date | None = None
    final_on: date | None = None
    transfer_due_on: date | None = None
    imported: bool = False


@dataclass(frozen=True, slots=True)
class PlanHistory:
    """A plan as SEN2 sees it: the council's identifiers, when it started and ended, and its reviews' facts.

    ``in_force_until`` is the last day the plan was in force (None: still in force); ``date.min`` for a
    plan recorded as ceased at a date the records do not hold.
    """

    child_ref: str
    la_person_id: str | None
    la_request_id: str | None
    start_on: date
    in_force_until: date | None
    reviews: tuple[ReviewHistory, ...] = ()
    transferred_in_on: date | None = None
    transferred_from_la: str | None = None
    """When the plan was transferred in from another council (SEND Regs 2014 reg 15), and that council's number."""
    earliest_cycle: int = 1
    """The earliest review cycle the records hold anything of (1: the plan's first review, or none is held)."""


@dataclass(frozen=True, slots=True)
class Sen2Item:
    """One plan's row at the census: identifiers, start date (NamedPlan StartDate), when it ceased, and the items."""

    child_ref: str
    la_person_id: str | None
    la_request_id: str | None
    start_on: date
    review_meeting: date | None = None
    review_outcome: str = ""
    review_draft: date | None = None
    phase_transfer_due: date | None = None
    phase_transfer_final: date | None = None
    last_review: date | None = None
    ceased_on: date | None = None
    """The first day the plan was no longer in force, when that is on or before the census (else None)."""
    transfer_la: str = ""
    """TransferLA: the old council's number when the plan was transferred in during the calendar year."""

    def __post_init__(self) -> None:
        if self.review_outcome and self.review_outcome not in OUTCOME_CODES.values():
            raise ValueError(f"ReviewOutcome {self.review_outcome!r} is not one of {sorted(OUTCOME_CODES.values())}")
        if self.last_review is not None and self.review_meeting is None:
            raise ValueError("LastReview needs a ReviewMeeting (a decision follows a meeting)")
        if self.review_outcome and self.last_review is None:
            raise ValueError("ReviewOutcome needs the LastReview date it was notified on")

    @property
    def in_force_at_census(self) -> bool:
        """Whether the plan was in force on the census date (a plan that ceased in the collection year was not)."""
        return self.ceased_on is None

    def values(self) -> tuple[date | str | None, ...]:
        """Return the items in ``ITEM_NAMES`` order."""
        return (self.transfer_la, self.review_meeting, self.review_outcome, self.review_draft, self.phase_transfer_due,
                self.phase_transfer_final, self.last_review)


def _by(day: date | None, census_on: date) -> date | None:
    return day if day is not None and day <= census_on else None


def _year_on(day: date) -> date:
    """Return the day 12 months on (29 February to 28 February)."""
    try:
        return day.replace(year=day.year + 1)
    except ValueError:
        return date(day.year + 1, 2, 28)


def first_review_due(start_on: date) -> date:
    """Return the last day of the 12 months starting with the plan's first issue (CFA s44(1))."""
    return _year_on(start_on) - timedelta(days=1)


def is_transfer_review(review: ReviewHistory) -> bool:
    """Return whether the review is its plan's phase-transfer review: the Reg 18 date is within 12 months of it."""
    due = review.transfer_due_on
    return due is not None and review.meeting_on <= due < _year_on(review.meeting_on)


def is_in_force(plan: PlanHistory, census_on: date) -> bool:
    """Return whether the plan was in force on the census date."""
    return plan.start_on <= census_on and (plan.in_force_until is None or plan.in_force_until >= census_on)


def collection_year_starts(census_on: date) -> date:
    """Return the first day of the collection year the census closes: 1 January of the year before it."""
    return date(census_on.year - 1, 1, 1)


def is_reported(plan: PlanHistory, census_on: date) -> bool:
    """Return whether the plan was in force on any day from the collection year's start to the census."""
    ended = plan.in_force_until
    return plan.start_on <= census_on and (ended is None or ended >= collection_year_starts(census_on))


def _transfer_la(plan: PlanHistory, census_on: date) -> str:
    """The old council's number when the plan came in during the calendar year before the census, else blank."""
    moved = plan.transferred_in_on
    return plan.transferred_from_la or "" if moved is not None and moved.year == census_on.year - 1 else ""


def _ceased_on(plan: PlanHistory, census_on: date) -> date | None:
    ended = plan.in_force_until
    return ended + timedelta(days=1) if ended is not None and ended < census_on else None


def _latest(reviews: Iterable[ReviewHistory], census_on: date) -> ReviewHistory | None:
    held = [review for review in reviews if review.meeting_on <= census_on]
    return max(held, key=lambda review: (review.meeting_on, not review.imported), default=None)


def item_at(plan: PlanHistory, census_on: date) -> Sen2Item | None:
    """Return the plan's items at the census date, or None when the plan was not in force in the collection year."""
    if not is_reported(plan, census_on):
        return None
    review = _latest(plan.reviews, census_on)
    ids = (plan.child_ref, plan.la_person_id, plan.la_request_id, plan.start_on)
    ceased_on, transfer_la = _ceased_on(plan, census_on), _transfer_la(plan, census_on)
    if review is None:
        return Sen2Item(*ids, ceased_on=ceased_on, transfer_la=transfer_la)
    decided = _by(review.decided_on, census_on)
    last_review = max((day for each in plan.reviews if (day := _by(each.decided_on, census_on))), default=None)
    transfer = is_transfer_review(review)
    return Sen2Item(
        *ids,
        review_meeting=review.meeting_on,
        review_outcome=OUTCOME_CODES.get(review.outcome or "", "") if decided is not None else "",
        review_draft=_by(review.draft_on, census_on),
        phase_transfer_due=review.transfer_due_on if transfer else None,
        phase_transfer_final=_by(review.final_on, census_on) if transfer else None,
        last_review=last_review,
        ceased_on=ceased_on,
        transfer_la=transfer_la,
    )


def items_at(plans: Iterable[PlanHistory], census_on: date) -> list[Sen2Item]:
    """Return the items of every plan in force at the census date, in the order given."""
    found = (item_at(plan, census_on) for plan in plans)
    return [item for item in found if item is not None]
