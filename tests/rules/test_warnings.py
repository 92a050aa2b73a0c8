"""Warnings before an input is sent (rules.warnings): a final plan inside the family's 15 days with the earliest
lawful date (Reg 22(2)(c); STATUTORY.md: notice Mon 2 Mar 2026, window closes Mon 16 Mar, plan from Tue 17 Mar),
and a meeting planned after the date it is due by or after the review's legal deadline (CFA 2014 s44(1))."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules.bank_holidays import england_and_wales_working_days
from rules.deadlines import deadlines_for
from rules.facts import Outcome, ReviewFacts
from rules.rule_set import ENGLAND_2014
from rules.transitions import (
    DecisionTaken,
    MeetingHeld,
    PlanIssued,
    PreparationDone,
    ReportReceived,
    StageInput,
    apply_stage_input,
)
from rules.warnings import input_warnings, long_date
from tests.support import d

DAYS = england_and_wales_working_days()
START = ReviewFacts(d("Fri 2025-03-14"))
TODAY = d("Mon 2026-06-01")
NOTICE = d("Mon 2026-03-02")


def _walk(*inputs: StageInput) -> ReviewFacts:
    facts = START
    for step in inputs:
        result = apply_stage_input(facts, step, today=TODAY)
        assert result.accepted, result.problems
        facts = result.facts
    return facts


AMENDING = _walk(
    PreparationDone(d("Tue 2026-02-10"), d("Mon 2026-01-19"), d("Tue 2026-01-27")),
    MeetingHeld(d("Tue 2026-02-10")),
    ReportReceived(d("Mon 2026-02-23"), Outcome.AMEND),
    DecisionTaken(Outcome.AMEND, NOTICE, NOTICE),
)


def _warned(facts: ReviewFacts, step: StageInput) -> tuple[str, ...]:
    return tuple(p.message for p in input_warnings(facts, step, ENGLAND_2014, is_working_day=DAYS))


def test_a_final_plan_on_the_last_day_of_the_window_is_warned_with_the_earliest_lawful_date() -> None:
    [message] = _warned(AMENDING, PlanIssued("final-plan", d("Mon 2026-03-16")))
    assert "Monday 16 March 2026 is inside the family's 15 days" in message and "Reg 22(2)(c)" in message
    assert "The earliest lawful date to issue the final plan is Tuesday 17 March 2026" in message
    assert "recorded as issued on the date you give, as a breach of the law" in message


def test_a_final_plan_from_the_day_after_the_window_and_other_documents_are_not_warned() -> None:
    assert _warned(AMENDING, PlanIssued("final-plan", d("Tue 2026-03-17"))) == ()
    assert _warned(AMENDING, PlanIssued("not-amending", d("Mon 2026-03-02"))) == ()


@given(st.integers(min_value=0, max_value=60))
def test_a_final_plan_is_warned_exactly_when_it_is_before_the_earliest_lawful_day(offset: int) -> None:
    issued = NOTICE + timedelta(days=offset)
    assert bool(_warned(AMENDING, PlanIssued("final-plan", issued))) is (issued < d("Tue 2026-03-17"))


def _due(key: str) -> date:
    return {x.key: x.due_on for x in deadlines_for(START, ENGLAND_2014, is_working_day=DAYS)}[key]


def _planned(day: date) -> PreparationDone:
    return PreparationDone(day, day - timedelta(weeks=3), day - timedelta(weeks=3))


def test_a_meeting_planned_by_the_date_it_is_due_is_not_warned() -> None:
    assert _warned(START, _planned(_due("meeting_due"))) == ()


def test_a_meeting_planned_after_it_is_due_is_warned_with_the_date_and_the_rule() -> None:
    due = _due("meeting_due")
    [message] = _warned(START, _planned(due + timedelta(days=1)))
    assert f"after the date it is due by, {long_date(due)}" in message
    assert "Reg 20(10)" in message and "s44(1)" in message


@pytest.mark.parametrize("late", [1, 30])
def test_a_meeting_planned_after_the_legal_deadline_is_warned_twice(late: int) -> None:
    review_due = _due("review_due")
    first, second = _warned(START, _planned(review_due + timedelta(days=late)))
    assert "after the date it is due by" in first
    assert f"after the review's legal deadline, {long_date(review_due)}" in second and "s44(1)" in second


def test_other_stages_carry_no_warnings() -> None:
    assert _warned(START, MeetingHeld(d("Tue 2026-02-10"))) == ()
