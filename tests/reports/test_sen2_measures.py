"""SEN2 items and measures, pure: hand-built plans with known answers, and random caseloads where identities hold."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from reports.sen2_census import census_day, latest_measures_year, measures_census_day
from reports.sen2_items import OUTCOME_CODES, PlanHistory, ReviewHistory, Sen2Item, is_in_force, item_at, items_at
from reports.sen2_measures import IDENTITIES, MEASURE_NAMES, identities, measures_for, plans_counted
from reports.sen2_reconcile import reconcile

CENSUS = date(2026, 1, 15)


def _plan(*reviews: ReviewHistory, start: date = date(2020, 1, 10), until: date | None = None) -> PlanHistory:
    return PlanHistory("R1", "P1", "Q1", start, until, reviews)


def test_stored_review_wins_a_tie_with_the_imported_one() -> None:
    stored = ReviewHistory(date(2025, 3, 1), "amend", date(2025, 3, 20))
    imported = ReviewHistory(date(2025, 3, 1), "maintain", date(2025, 3, 10), imported=True)
    assert item_at(_plan(imported, stored), CENSUS) == item_at(_plan(stored, imported), CENSUS)
    item = item_at(_plan(imported, stored), CENSUS)
    assert item is not None and (item.review_outcome, item.last_review) == ("A", date(2025, 3, 20))


def test_decision_draft_and_final_after_the_census_are_left_blank() -> None:
    review = ReviewHistory(date(2025, 12, 1), "amend", date(2026, 1, 16), date(2026, 1, 16), date(2026, 3, 1),
                           transfer_due_on=date(2026, 2, 14))
    item = item_at(_plan(review), CENSUS)
    assert item is not None
    assert item.values() == ("", date(2025, 12, 1), "", None, date(2026, 2, 14), None, None)


def test_a_transfer_more_than_12_months_after_the_meeting_is_not_this_review_s() -> None:
    review = ReviewHistory(date(2024, 10, 1), "maintain", date(2024, 10, 20), transfer_due_on=date(2026, 2, 14))
    item = item_at(_plan(review), CENSUS)
    assert item is not None and item.phase_transfer_due is None


@pytest.mark.parametrize(
    ("until", "ceased_on"),
    [(None, None), (date(2026, 1, 15), None), (date(2026, 1, 14), date(2026, 1, 15)),
     (date(2025, 1, 1), date(2025, 1, 2))],
    ids=["active", "appeal-ends-on-census-day", "appeal-ended-the-day-before", "ceased-on-the-first-day"],
)
def test_a_plan_in_force_during_the_collection_year_is_reported(until: date | None, ceased_on: date | None) -> None:
    item = item_at(_plan(until=until), CENSUS)
    assert item is not None and item.ceased_on == ceased_on
    assert item.in_force_at_census is (ceased_on is None)


@pytest.mark.parametrize(
    "until", [date(2024, 12, 31), date.min], ids=["ceased-before-the-collection-year", "ceased-date-unknown"]
)
def test_a_plan_not_in_force_in_the_collection_year_is_not_reported(until: date) -> None:
    assert item_at(_plan(until=until), CENSUS) is None


def test_measures_count_only_plans_in_force_at_the_census() -> None:
    items = items_at([_plan(), _plan(until=date(2025, 6, 30))], CENSUS)
    assert len(items) == 2
    assert measures_for(items, 2025, CENSUS).counts["total_ehc_plans"] == 1
    assert plans_counted(items, "total_ehc_plans", 2025) == [items[0]]


def test_a_plan_first_issued_after_the_census_is_not_reported() -> None:
    assert items_at([_plan(start=date(2026, 1, 16)), _plan(start=CENSUS)], CENSUS) == [
        Sen2Item("R1", "P1", "Q1", CENSUS)
    ]


def test_items_refuse_a_decision_without_its_meeting() -> None:
    with pytest.raises(ValueError, match="LastReview needs a ReviewMeeting"):
        Sen2Item("R1", None, None, date(2020, 1, 1), last_review=date(2025, 1, 1))
    with pytest.raises(ValueError, match="ReviewOutcome"):
        Sen2Item("R1", None, None, date(2020, 1, 1), review_outcome="X")


def test_last_review_is_the_latest_decision_of_any_review_while_the_latest_is_pending() -> None:
    """Supplier's item 5.6: the most recent decision on or before the census among all the person's reviews."""
    earlier = ReviewHistory(date(2024, 11, 5), "maintain", date(2024, 11, 25), imported=True)
    pending = ReviewHistory(date(2025, 11, 10))
    after = ReviewHistory(date(2025, 12, 1), "amend", date(2026, 1, 20))  # decided after the census
    item = item_at(_plan(earlier, pending), CENSUS)
    assert item is not None
    assert (item.review_meeting, item.review_outcome, item.last_review) == (date(2025, 11, 10), "", date(2024, 11, 25))
    late = item_at(_plan(earlier, after), CENSUS)
    assert late is not None and (late.review_outcome, late.last_review) == ("", date(2024, 11, 25))
    assert measures_for([item], 2025, CENSUS).counts["review_completed_prior"] == 1  # its 2024 decision


def test_a_completed_plan_whose_decision_precedes_its_latest_meeting_is_shown() -> None:
    item = Sen2Item("R1", None, None, date(2020, 1, 10), date(2025, 11, 10), "", last_review=date(2025, 2, 1))
    counts = measures_for([item], 2025, CENSUS).counts
    assert (counts["review_completed"], counts["no_outcome_recorded"], counts["decision_4_weeks"]) == (1, 1, 1)
    assert counts["decision_before_meeting"] == 1


def _item(ref: str, start: str, meeting: str = "", outcome: str = "", decided: str = "", **dates: str) -> Sen2Item:
    def day(text: str) -> date | None:
        return date.fromisoformat(text) if text else None
    return Sen2Item(ref, None, None, date.fromisoformat(start), day(meeting), outcome,
                    day(dates.get("draft", "")), day(dates.get("due", "")), day(dates.get("final", "")), day(decided))


HAND_BUILT = [
    _item("within", "2020-01-10", "2025-03-03", "M", "2025-03-31"),  # 28 days: within 4 weeks
    _item("over", "2020-01-10", "2025-03-03", "A", "2025-04-01", draft="2025-04-01"),  # 29 days
    _item("no-outcome", "2020-01-10", "2025-06-02", "", "2025-06-20"),
    _item("ceased", "2024-12-31", "2025-11-03", "C", "2025-12-01"),  # started the last day before 2025
    _item("january", "2020-01-10", "2025-12-15", "M", "2026-01-09"),
    _item("prior", "2018-01-10", "2024-10-01", "A", "2024-10-25", due="2025-02-14", final="2025-02-10"),
    _item("pending", "2020-01-10", "2025-11-10"),
    _item("new", "2025-01-01"),
    _item("new-reviewed", "2025-02-01", "2025-08-01", "M", "2025-08-20"),
    _item("transfer", "2019-09-01", "2025-10-06", "A", "2025-10-27", due="2026-02-14", final="2026-01-12"),
]
EXPECTED = {
    "total_ehc_plans": 10, "review_expected": 8, "review_not_expected": 2, "review_completed": 5,
    "review_completed_prior": 1, "review_not_completed": 2, "outcome_amended": 2, "outcome_ceased": 1,
    "outcome_maintained": 1, "no_outcome_recorded": 1, "decision_4_weeks": 4, "decision_over_4_weeks": 1,
    "phase_transfer_due": 1, "phase_transfer_due_next_year": 1, "phase_transfer_final": 1,
    "phase_transfer_final_next_year": 1, "decision_before_meeting": 0,
}


def test_hand_built_items_give_every_measure() -> None:
    measures = measures_for(HAND_BUILT, 2025, CENSUS)
    assert measures.counts == EXPECTED
    assert all(holds for _, holds in identities(measures))
    assert measures.percentages["pc_decision_4_weeks"] == 80.0
    assert measures.as_json()["census_date"] == "2026-01-15"


def test_explain_names_the_plans_behind_a_figure() -> None:
    assert [i.child_ref for i in plans_counted(HAND_BUILT, "review_not_completed", 2025)] == ["january", "pending"]
    assert [i.child_ref for i in plans_counted(HAND_BUILT, "decision_over_4_weeks", 2025)] == ["over"]
    with pytest.raises(KeyError):
        plans_counted(HAND_BUILT, "reviews_expected", 2025)


def test_an_identity_that_does_not_hold_is_reported() -> None:
    measures = measures_for(HAND_BUILT, 2025, CENSUS)
    measures.counts["outcome_ceased"] += 1  # as if a plan were counted twice
    assert [holds for _, holds in identities(measures)] == [True, True, False, True]


def test_census_days_published_and_assumed() -> None:
    assert census_day(2026) == date(2026, 1, 15) and measures_census_day(2026) == date(2027, 1, 21)
    assert census_day(2028) == date(2028, 1, 20)  # assumed: third Thursday of January
    assert census_day(2028).weekday() == 3
    assert (latest_measures_year(date(2026, 1, 14)), latest_measures_year(CENSUS)) == (2024, 2025)


# --- random caseloads -------------------------------------------------------------------------------------

DAYS = st.dates(min_value=date(2016, 1, 1), max_value=date(2027, 12, 31))
OFFSETS = st.integers(min_value=0, max_value=120).map(lambda days: timedelta(days=days))
OPTIONAL_OFFSET = st.none() | OFFSETS


@st.composite
def review_histories(draw: st.DrawFn) -> ReviewHistory:
    meeting = draw(DAYS)
    decided_after = draw(OPTIONAL_OFFSET)
    decided = meeting + decided_after if decided_after is not None else None
    outcome = draw(st.sampled_from([None, *OUTCOME_CODES])) if decided is not None else None
    draft = decided + draw(OFFSETS) if decided is not None and outcome == "amend" and draw(st.booleans()) else None
    final = draft + draw(OFFSETS) if draft is not None and draw(st.booleans()) else None
    due = meeting + draw(OFFSETS) * 3 if draw(st.booleans()) else None
    return ReviewHistory(meeting, outcome, decided, draft, final, due, imported=draw(st.booleans()))


@st.composite
def plan_histories(draw: st.DrawFn) -> PlanHistory:
    start = draw(DAYS)
    until = draw(st.none() | st.just(date.min) | DAYS)
    reviews = draw(st.lists(review_histories(), max_size=4))
    return PlanHistory("R", draw(st.none() | st.just("P")), None, start, until, tuple(reviews))


@settings(max_examples=300, deadline=None)
@given(plans=st.lists(plan_histories(), max_size=40), year=st.integers(min_value=2018, max_value=2026))
def test_for_random_caseloads_every_identity_holds(plans: list[PlanHistory], year: int) -> None:
    census_on = measures_census_day(year)
    items = items_at(plans, census_on)
    measures = measures_for(items, year, census_on)
    assert all(holds for _, holds in identities(measures)), [i.text(measures.counts) for i in IDENTITIES]
    assert len(items) == sum(1 for plan in plans if item_at(plan, census_on) is not None)
    assert measures.counts["total_ehc_plans"] == sum(1 for plan in plans if is_in_force(plan, census_on))
    for name in MEASURE_NAMES:
        assert len(plans_counted(items, name, year)) == measures.counts[name]
    reconciled = reconcile(plans, census_on, year)  # every decision of the year is accounted for, once
    assert reconciled.holds and reconciled.sen2_completed == measures.counts["review_completed"]
    for item in items:
        assert item.last_review is None or item.last_review <= census_on
        assert item.review_meeting is None or item.review_meeting <= census_on
