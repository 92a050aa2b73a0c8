"""Whether the records can answer a census: plans lacking history, and a census still to come (issue 23 item 2).

Pure: plan histories in, a verdict out. A plan **lacks history** at a census when it was in force
on it, its first review's last day had passed by then (the 12 months starting with its first issue,
CFA s44(1)), no review meeting held on or before the census is in the records, and the records show
the plan had reviews before the earliest one they hold (that review's cycle is 2 or more). Such a
plan's items are blank for want of data, not for want of a review: the audit found 943 of them behind
a "11.7 % completed" on a caseload imported with one previous review per plan. A plan never reviewed
at all (its earliest cycle is 1) is real "no meeting", not missing history.

A census after the business date is a **forecast**: its items and measures are the records as they stand today.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from reports.sen2_items import PlanHistory, first_review_due, is_in_force

__all__ = ["Completeness", "completeness", "lacks_history"]


def lacks_history(plan: PlanHistory, census_on: date) -> bool:
    """Return whether the records cannot give the plan's review items at the census (see the module's docstring)."""
    if not is_in_force(plan, census_on) or first_review_due(plan.start_on) >= census_on:
        return False
    if any(review.meeting_on <= census_on for review in plan.reviews):
        return False
    return plan.earliest_cycle >= 2


@dataclass(frozen=True, slots=True)
class Completeness:
    """What the records can say about one census, as of the business date."""

    census_on: date
    as_of: date
    plans_at_census: int
    lacking: tuple[str, ...]
    """The child references of the plans lacking history, in the order given."""

    @property
    def forecast(self) -> bool:
        return self.census_on > self.as_of

    @property
    def complete(self) -> bool:
        return not self.lacking

    def warnings(self) -> list[str]:
        """Return plain sentences for the figures' reader: what is missing, and whether this is a forecast."""
        found = []
        if self.lacking:
            found.append(
                f"The records lack history for {len(self.lacking)} of the {self.plans_at_census} plans at the census "
                f"of {self.census_on}: they were past their first review, but no review meeting held on or before "
                f"the census is recorded (only later reviews were imported). Their items are blank for want of "
                f"data, so the review figures for this census are not DfE's. Import the earlier reviews, or take "
                f"the figures from the return made at the time."
            )
        if self.forecast:
            found.append(
                f"Forecast: the census of {self.census_on} is after {self.as_of}. These are the records as they "
                f"stand on {self.as_of}; decisions still to come will change them."
            )
        return found

    def as_json(self) -> dict[str, object]:
        return {"census_date": self.census_on.isoformat(), "as_of": self.as_of.isoformat(),
                "forecast": self.forecast, "plans_lacking_history": len(self.lacking), "warnings": self.warnings()}


def completeness(plans: Iterable[PlanHistory], census_on: date, as_of: date) -> Completeness:
    """Return what the records can say about the census on ``as_of``."""
    at_census = [plan for plan in plans if is_in_force(plan, census_on)]
    lacking = tuple(plan.child_ref for plan in at_census if lacks_history(plan, census_on))
    return Completeness(census_on, as_of, len(at_census), lacking)
