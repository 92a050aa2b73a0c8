"""Which plans the records lack history for at a census, and the forecast label (pure)."""

from __future__ import annotations

from datetime import date

import pytest

from reports.sen2_completeness import completeness, lacks_history
from reports.sen2_items import PlanHistory, ReviewHistory

CENSUS = date(2026, 1, 15)


def _plan(start: str, *meetings: str, cycle: int = 1, until: date | None = None) -> PlanHistory:
    reviews = tuple(ReviewHistory(date.fromisoformat(m)) for m in meetings)
    return PlanHistory("R", None, None, date.fromisoformat(start), until, reviews, earliest_cycle=cycle)


@pytest.mark.parametrize(
    ("plan", "lacking"),
    [
        (_plan("2019-01-10", "2026-03-02", cycle=7), True),  # only a review after the census held
        (_plan("2019-01-10", cycle=8), True),  # a stored later cycle, no meeting at all held
        (_plan("2019-01-10", "2025-03-03", "2026-03-02", cycle=7), False),  # a meeting before the census
        (_plan("2024-03-01", cycle=1), False),  # never reviewed: real "no meeting"
        (_plan("2025-01-16", cycle=2), False),  # first review's last day is the census day itself: not passed
        (_plan("2025-01-15", cycle=2), True),  # first review due Wed 14 Jan 2026, before the census
        (_plan("2019-01-10", cycle=7, until=date(2025, 12, 31)), False),  # not in force at the census
    ],
    ids=["later-only", "stored-later-cycle", "held", "never-reviewed", "first-due-on-census", "first-due-before",
         "ceased"],
)
def test_lacks_history(plan: PlanHistory, lacking: bool) -> None:
    assert lacks_history(plan, CENSUS) is lacking


def test_completeness_counts_plans_at_the_census_and_says_forecast() -> None:
    plans = [_plan("2019-01-10", "2026-03-02", cycle=7), _plan("2024-03-01")]
    past = completeness(plans, CENSUS, date(2026, 12, 4))
    assert (past.plans_at_census, past.lacking, past.forecast, past.complete) == (2, ("R",), False, False)
    assert past.warnings()[0].startswith("The records lack history for 1 of the 2 plans at the census of 2026-01-15")
    future = completeness(plans[1:], date(2027, 1, 21), date(2026, 12, 4))
    assert future.complete and future.forecast and future.warnings()[0].startswith("Forecast: the census of 2027")
