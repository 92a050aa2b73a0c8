"""From every decision the records hold for year Y to SEN2's ``review_completed``: one count, reconciled.

Pure: plan histories and the census in, a reconciliation out. Compliance counts each decision (by the day it fell
due); SEN2 counts each plan in force at the census once, by its ``LastReview``. For calendar year Y, every decision
notified in Y that the records hold (stored reviews and imported previous reviews, one per plan and day) is exactly
one of:

* ``sen2_completed``: the one SEN2 counts for its plan (``review_completed``: in force, expected, LastReview in Y);
* ``more_than_one``: a second or later decision in Y of a plan SEN2 counts (an early review, a review after a late
  one): SEN2 counts the plan once;
* ``not_in_force``: a decision of a plan that ceased before the census;
* ``not_expected``: a decision of a plan started in Y (DfE expects no review of it);
* ``after_year``: a decision of a plan whose LastReview is a later one, in January before the census (it counts
  as "not completed" for Y).

So ``decisions_in_year`` = the sum of the five, and ``holds`` says so.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from reports.sen2_items import PlanHistory, item_at

__all__ = ["Reconciliation", "reconcile"]


@dataclass(frozen=True, slots=True)
class Reconciliation:
    """Decisions notified in ``year`` held in the records, split by why SEN2 does or does not count each."""

    year: int
    decisions_in_year: int
    sen2_completed: int
    more_than_one: int
    not_in_force: int
    not_expected: int
    after_year: int

    @property
    def holds(self) -> bool:
        parts = (self.sen2_completed, self.more_than_one, self.not_in_force, self.not_expected, self.after_year)
        return self.decisions_in_year == sum(parts)

    def rows(self) -> list[tuple[str, int]]:
        """Return the reconciliation as labelled figures, the total first."""
        return [
            (f"Decisions notified in {self.year} held in the records (stored and imported)", self.decisions_in_year),
            ("of which counted by SEN2 as completed (one per plan in force at the census)", self.sen2_completed),
            ("a second or later decision of the same plan in the year", self.more_than_one),
            ("plans that ceased before the census", self.not_in_force),
            (f"plans started in {self.year} (no review expected)", self.not_expected),
            ("plans whose latest decision came in January, before the census", self.after_year),
        ]


def _decided_in(plan: PlanHistory, year: int) -> int:
    return len({review.decided_on for review in plan.reviews if review.decided_on and review.decided_on.year == year})


def reconcile(plans: Iterable[PlanHistory], census_on: date, year: int) -> Reconciliation:
    """Return how the decisions of ``year`` in the records become SEN2's completed reviews at ``census_on``."""
    counts = {"completed": 0, "more": 0, "gone": 0, "new": 0, "after": 0}
    total = 0
    for plan in plans:
        decided = _decided_in(plan, year)
        if not decided:
            continue
        total += decided
        item = item_at(plan, census_on)
        if item is None or not item.in_force_at_census:
            counts["gone"] += decided
        elif item.start_on >= date(year, 1, 1):
            counts["new"] += decided
        elif item.last_review is not None and item.last_review.year == year:
            counts["completed"] += 1
            counts["more"] += decided - 1
        else:
            counts["after"] += decided
    return Reconciliation(year, total, counts["completed"], counts["more"], counts["gone"], counts["new"],
                          counts["after"])
