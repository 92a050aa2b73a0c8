"""Properties over plan dates from 2000 to 2099 (hypothesis).

The review-cycle invariant proved here, exactly: the 12 months starting with
the anchor A end on R = review_due, and the span A..R inclusive has 366 days
when it contains a 29 February and 365 days otherwise. So R - A is 365 days
across a leap day and 364 days otherwise.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from rules.advisories import advisory_deadlines
from rules.appeals import adjusted_appeal_day, appeal_due
from rules.bank_holidays import england_and_wales_working_days
from rules.calendar import shift_months
from rules.consistency import order_problems
from rules.cycle import review_due
from rules.deadlines import deadlines_for, due_dates
from rules.escalations import escalations_due
from rules.facts import Decision, Outcome, PhaseTransfer, PreviousReview, ReviewFacts, TransferKind
from rules.rule_set import ENGLAND_2014, CycleAnchor
from rules.stages import completed_stages

IS_WORKING_DAY = england_and_wales_working_days()
PLAN_DATES = st.dates(date(2000, 1, 1), date(2099, 12, 31))
RULE_SETS = st.sampled_from([ENGLAND_2014, ENGLAND_2014.with_settings(cycle_anchor=CycleAnchor.MEETING)])


def _contains_leap_day(start: date, end: date) -> bool:
    return any(
        date(year, 2, 29) >= start and date(year, 2, 29) <= end
        for year in range(start.year, end.year + 1)
        if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    )


@given(PLAN_DATES)
def test_review_due_spans_365_days_or_366_across_a_leap_day(anchor: date) -> None:
    due = review_due(anchor, ENGLAND_2014)
    span = (due - anchor).days + 1
    assert span == (366 if _contains_leap_day(anchor, due) else 365)


def _later(draw: st.DrawFn, start: date, max_days: int) -> date:
    return start + timedelta(days=draw(st.integers(0, max_days)))


@st.composite
def valid_facts(draw: st.DrawFn) -> ReviewFacts:
    """Facts in a possible order: each event on or after the one it follows."""
    first = draw(PLAN_DATES)
    previous = None
    if draw(st.booleans()):
        meeting = _later(draw, first, 400)
        previous = PreviousReview(meeting, _later(draw, meeting, 60))
    after = previous.decision_on if previous else first
    transfer = draw(
        st.one_of(
            st.none(),
            st.builds(
                PhaseTransfer,
                st.sampled_from([TransferKind.SCHOOL, TransferKind.SECONDARY_TO_POST16]),
                st.integers(first.year, first.year + 3),
            ),
            st.builds(lambda on: PhaseTransfer(TransferKind.POST16, transfer_on=on), st.just(_later(draw, first, 900))),
        )
    )
    held = _later(draw, after, 420) if draw(st.booleans()) else None
    decision = notice = final = None
    if held is not None and draw(st.booleans()):
        decision = Decision(draw(st.sampled_from(list(Outcome))), _later(draw, held, 90))
        if decision.outcome is Outcome.AMEND and draw(st.booleans()):
            notice = _later(draw, decision.notified_on, 10)
            final = _later(draw, notice, 120) if draw(st.booleans()) else None
    return ReviewFacts(
        first,
        previous_review=previous,
        date_of_birth=first - timedelta(days=draw(st.integers(0, 25 * 366))) if draw(st.booleans()) else None,
        phase_transfer=transfer,
        meeting_planned_on=_later(draw, after, 400) if held is None and draw(st.booleans()) else None,
        meeting_held_on=held,
        decision=decision,
        amendment_notice_sent_on=notice,
        final_plan_issued_on=final,
    )


@settings(max_examples=300)
@given(valid_facts(), RULE_SETS, PLAN_DATES)
def test_nothing_raises_for_valid_facts(facts: ReviewFacts, rule_set, today: date) -> None:  # type: ignore[no-untyped-def]
    assert order_problems(facts) == []
    deadlines = (*deadlines_for(facts, rule_set, is_working_day=IS_WORKING_DAY), *advisory_deadlines(facts, rule_set))
    events = escalations_due(deadlines, completed_stages(facts), today, rule_set.ladder, is_working_day=IS_WORKING_DAY)
    assert all(e.due_on <= today for e in events)
    assert [e.due_on for e in events] == sorted(e.due_on for e in events)


@settings(max_examples=300)
@given(valid_facts(), RULE_SETS)
def test_final_plan_never_after_the_phase_transfer_cap(facts: ReviewFacts, rule_set) -> None:  # type: ignore[no-untyped-def]
    got = due_dates(facts, rule_set, is_working_day=IS_WORKING_DAY)
    if got["final_plan_due"] is not None and got["phase_transfer_due"] is not None:
        assert got["final_plan_due"] <= got["phase_transfer_due"]
    if got["decision_due"] is not None:
        assert got["decision_due"] <= got["review_due"]  # type: ignore[operator]


def _is_closed_period(day: date) -> bool:
    return day.month == 8 or (day.month == 12 and day.day >= 25) or (day.month == 1 and day.day == 1)


@given(PLAN_DATES)
def test_appeal_date_is_a_working_day_outside_august_and_christmas(letter_on: date) -> None:
    due = appeal_due(letter_on, ENGLAND_2014, is_working_day=IS_WORKING_DAY)
    assert IS_WORKING_DAY(due)
    assert not _is_closed_period(due)
    assert due >= shift_months(letter_on, 2)


@given(PLAN_DATES)
def test_adjustment_never_moves_a_valid_day(day: date) -> None:
    adjusted = adjusted_appeal_day(day, is_working_day=IS_WORKING_DAY)
    if IS_WORKING_DAY(day) and not _is_closed_period(day):
        assert adjusted == day
    else:
        assert adjusted > day
