"""DfE's published annual-review measures for calendar year Y, reproduced from the SEN2 items alone.

Pure: items in (those at the census of January Y+1), counts out. Each measure is a test on one
item, so every figure can list the plans it counts (``plans_counted``). Only plans in force at the
census are counted (the items also list plans that ceased during the collection year). Definitions (README
"Reports"; STATUTORY.md s7; DfE's methodology text was not at hand, see the README's assumptions):

* ``total_ehc_plans``: plans in force at the census.
* ``review_expected``: plans that started (NamedPlan StartDate) before 1 January Y, so their 12-month
  review fell due in Y or earlier; ``review_not_expected``: plans started in Y or after (to the census).
* Of the expected: ``review_completed`` = LastReview in Y; ``review_completed_prior`` = LastReview
  before Y; ``review_not_completed`` = the rest (no LastReview, or one after 31 December Y: a January
  decision before the census counts for Y+1, not Y).
* Over ``review_completed``: ``outcome_amended`` / ``_ceased`` / ``_maintained`` by ReviewOutcome,
  ``no_outcome_recorded`` where it is blank; ``decision_4_weeks`` = LastReview no later than
  ReviewMeeting + 28 days (``decision_due``, STATUTORY.md s3), ``decision_over_4_weeks`` = later.
* Phase transfers (all plans at the census): PhaseTransferDueDate in Y / in Y+1 and
  PhaseTransferFinalDate in Y / in Y+1 (DfE's ``due_YY`` and ``final_YY``).
* Not DfE's, to show what the supplier's ``LastReview`` does to the 4-week split:
  ``decision_before_meeting`` = completed in Y with LastReview before ReviewMeeting (the latest meeting's
  decision is pending and LastReview is an earlier review's); by the arithmetic they are within 4 weeks.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Final

from reports.sen2_items import OUTCOME_CODES, Sen2Item

__all__ = [
    "DECISION_WEEKS_DAYS",
    "MEASURE_LABELS",
    "MEASURE_NAMES",
    "NOT_DFE",
    "Identity",
    "Sen2Measures",
    "identities",
    "measures_for",
    "plans_counted",
]

DECISION_WEEKS_DAYS: Final = 28
"""Reg 20(10): the decision within 4 weeks of the meeting, meeting + 28 days (STATUTORY.md s1, s3)."""

Test = Callable[[Sen2Item, int], bool]


def _in(day: date | None, year: int) -> bool:
    return day is not None and day.year == year


def _expected(item: Sen2Item, year: int) -> bool:
    return item.start_on < date(year, 1, 1)


def _completed(item: Sen2Item, year: int) -> bool:
    return _expected(item, year) and _in(item.last_review, year)


def _prior(item: Sen2Item, year: int) -> bool:
    return _expected(item, year) and item.last_review is not None and item.last_review.year < year


def _outcome(code: str) -> Test:
    return lambda item, year: _completed(item, year) and item.review_outcome == code


def _before_meeting(item: Sen2Item) -> bool:
    return item.last_review is not None and item.review_meeting is not None and item.last_review < item.review_meeting


def _within_4_weeks(item: Sen2Item, year: int) -> bool:
    meeting, decided = item.review_meeting, item.last_review
    return _completed(item, year) and meeting is not None and decided is not None and (
        decided <= meeting + timedelta(days=DECISION_WEEKS_DAYS)
    )


TESTS: Final[dict[str, Test]] = {
    "total_ehc_plans": lambda item, year: True,
    "review_expected": _expected,
    "review_not_expected": lambda item, year: not _expected(item, year),
    "review_completed": _completed,
    "review_completed_prior": _prior,
    "review_not_completed": lambda item, year: _expected(item, year) and not (
        _completed(item, year) or _prior(item, year)
    ),
    "outcome_amended": _outcome(OUTCOME_CODES["amend"]),
    "outcome_ceased": _outcome(OUTCOME_CODES["cease"]),
    "outcome_maintained": _outcome(OUTCOME_CODES["maintain"]),
    "no_outcome_recorded": lambda item, year: _completed(item, year) and not item.review_outcome,
    "decision_4_weeks": _within_4_weeks,
    "decision_over_4_weeks": lambda item, year: _completed(item, year) and not _within_4_weeks(item, year),
    "phase_transfer_due": lambda item, year: _in(item.phase_transfer_due, year),
    "phase_transfer_due_next_year": lambda item, year: _in(item.phase_transfer_due, year + 1),
    "phase_transfer_final": lambda item, year: _in(item.phase_transfer_final, year),
    "phase_transfer_final_next_year": lambda item, year: _in(item.phase_transfer_final, year + 1),
    "decision_before_meeting": lambda item, year: _completed(item, year) and _before_meeting(item),
}
MEASURE_NAMES: Final = tuple(TESTS)
MEASURE_LABELS: Final = {
    "total_ehc_plans": "EHC plans at the census",
    "review_expected": "Review expected in the year",
    "review_not_expected": "Review not expected (plan started in the year or later)",
    "review_completed": "Review completed in the year",
    "review_completed_prior": "Latest review completed before the year",
    "review_not_completed": "Review not completed",
    "outcome_amended": "Outcome: amend",
    "outcome_ceased": "Outcome: cease",
    "outcome_maintained": "Outcome: maintain",
    "no_outcome_recorded": "No outcome recorded",
    "decision_4_weeks": "Decision within 4 weeks of the meeting",
    "decision_over_4_weeks": "Decision over 4 weeks after the meeting",
    "phase_transfer_due": "Phase transfer: amended plan due in the year",
    "phase_transfer_due_next_year": "Phase transfer: amended plan due the next year",
    "phase_transfer_final": "Phase transfer: final plan issued in the year",
    "phase_transfer_final_next_year": "Phase transfer: final plan issued the next year (to the census)",
    "decision_before_meeting": "Not a DfE measure: completed, LastReview before ReviewMeeting (within 4 weeks)",
}
NOT_DFE: Final = frozenset({"decision_before_meeting"})
"""Measures the engine adds to explain DfE's; pages that show DfE's figures leave them out."""

PERCENT_OF: Final = {
    "review_expected": "total_ehc_plans",
    "review_not_expected": "total_ehc_plans",
    "review_completed": "review_expected",
    "review_completed_prior": "review_expected",
    "review_not_completed": "review_expected",
    "outcome_amended": "review_completed",
    "outcome_ceased": "review_completed",
    "outcome_maintained": "review_completed",
    "no_outcome_recorded": "review_completed",
    "decision_4_weeks": "review_completed",
    "decision_over_4_weeks": "review_completed",
}
"""Each percentage's denominator: ``pc_<measure>`` = 100 x measure / denominator, one decimal place."""


@dataclass(frozen=True, slots=True)
class Identity:
    """A sum that must hold between the measures: ``total`` = the sum of ``parts``."""

    total: str
    parts: tuple[str, ...]

    def holds(self, counts: dict[str, int]) -> bool:
        return counts[self.total] == sum(counts[part] for part in self.parts)

    def text(self, counts: dict[str, int]) -> str:
        """Return the identity with its figures, e.g. ``total_ehc_plans 10 = review_expected 8 + ...``."""
        parts = " + ".join(f"{part} {counts[part]}" for part in self.parts)
        return f"{self.total} {counts[self.total]} = {parts}"


IDENTITIES: Final = (
    Identity("total_ehc_plans", ("review_expected", "review_not_expected")),
    Identity("review_expected", ("review_completed", "review_completed_prior", "review_not_completed")),
    Identity("review_completed", ("outcome_amended", "outcome_ceased", "outcome_maintained", "no_outcome_recorded")),
    Identity("review_completed", ("decision_4_weeks", "decision_over_4_weeks")),
)


@dataclass(frozen=True, slots=True)
class Sen2Measures:
    """The year's measures as computed from the items at ``census_on``."""

    year: int
    census_on: date
    counts: dict[str, int]

    @property
    def percentages(self) -> dict[str, float | None]:
        """Return ``pc_<measure>`` for each measure with a denominator (None when it is 0)."""
        found: dict[str, float | None] = {}
        for name, of in PERCENT_OF.items():
            total = self.counts[of]
            found[f"pc_{name}"] = round(100 * self.counts[name] / total, 1) if total else None
        return found

    def as_json(self) -> dict[str, object]:
        """Return ``{"year": Y, "census_date": D, "measures": {...}}`` with counts and percentages."""
        return {"year": self.year, "census_date": self.census_on.isoformat(),
                "measures": {**self.counts, **self.percentages}}


def _at_census(items: Iterable[Sen2Item]) -> list[Sen2Item]:
    return [item for item in items if item.in_force_at_census]


def measures_for(items: Iterable[Sen2Item], year: int, census_on: date) -> Sen2Measures:
    """Return the measures for calendar year ``year`` from the items at ``census_on``."""
    counts = dict.fromkeys(MEASURE_NAMES, 0)
    for item in _at_census(items):
        for name, test in TESTS.items():
            counts[name] += test(item, year)
    return Sen2Measures(year, census_on, counts)


def identities(measures: Sen2Measures) -> list[tuple[Identity, bool]]:
    """Return each identity with whether it holds for these measures."""
    return [(identity, identity.holds(measures.counts)) for identity in IDENTITIES]


def plans_counted(items: Sequence[Sen2Item], measure: str, year: int) -> list[Sen2Item]:
    """Return the items a measure counts for ``year``; raise KeyError for an unknown measure."""
    test = TESTS[measure]
    return [item for item in _at_census(items) if test(item, year)]
