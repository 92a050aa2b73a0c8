"""Stage inputs applied to the record, or refused with every reason (rules.transitions)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from rules.facts import Decision, Outcome, ReviewFacts
from rules.stages import Stage, current_stage
from rules.transitions import (
    DecisionTaken,
    MeetingHeld,
    PlanIssued,
    PreparationDone,
    ReportReceived,
    StageInput,
    apply_stage_input,
)
from tests.support import d

START = ReviewFacts(d("Fri 2025-03-14"))
TODAY = d("Mon 2026-06-01")
PREPARED = PreparationDone(d("Tue 2026-02-10"), d("Mon 2026-01-19"), d("Tue 2026-01-27"))
HELD = MeetingHeld(d("Tue 2026-02-10"))
REPORTED = ReportReceived(d("Mon 2026-02-23"), Outcome.AMEND)


def walk(*inputs: StageInput, facts: ReviewFacts = START) -> ReviewFacts:
    for given in inputs:
        result = apply_stage_input(facts, given, today=TODAY)
        assert result.accepted, result.problems
        facts = result.facts
    return facts


@pytest.mark.parametrize(
    ("outcome", "plan"),
    [
        (Outcome.MAINTAIN, None),
        (Outcome.AMEND, PlanIssued("final-plan", d("Mon 2026-04-20"))),
        (Outcome.CEASE, PlanIssued("cease-notice", d("Mon 2026-03-09"))),
    ],
)
def test_every_outcome_walks_to_completion(outcome: Outcome, plan: PlanIssued | None) -> None:
    facts = walk(PREPARED, HELD, REPORTED, DecisionTaken(outcome, d("Mon 2026-03-02")))
    if plan is not None:
        assert current_stage(facts) is Stage.PLAN
        facts = walk(plan, facts=facts)
    assert current_stage(facts) is None


def test_amend_decision_serves_the_amendment_notice_with_it() -> None:
    facts = walk(PREPARED, HELD, REPORTED, DecisionTaken(Outcome.AMEND, d("Mon 2026-03-02")))
    assert facts.amendment_notice_sent_on == d("Mon 2026-03-02")


def refusal(facts: ReviewFacts, given: StageInput, year_group: int | None = None) -> dict[str, str]:
    result = apply_stage_input(facts, given, today=TODAY, year_group=year_group)
    assert not result.accepted and result.facts == facts
    return {p.field: p.message for p in result.problems}


def test_decision_dated_before_the_meeting_is_refused() -> None:
    facts = walk(PREPARED, HELD, REPORTED)
    assert (
        "before the meeting"
        in refusal(facts, DecisionTaken(Outcome.MAINTAIN, d("Mon 2026-02-09")))["decision.notified_on"]
    )


def test_second_decision_is_refused() -> None:
    facts = walk(PREPARED, HELD, REPORTED, DecisionTaken(Outcome.AMEND, d("Mon 2026-03-02")))
    assert "not LA decision" in refusal(facts, DecisionTaken(Outcome.CEASE, d("Tue 2026-03-03")))["stage"]


def test_stage_out_of_order_is_refused() -> None:
    assert "stage 1" in refusal(START, REPORTED)["stage"]


def test_complete_review_takes_nothing_more() -> None:
    facts = walk(PREPARED, HELD, REPORTED, DecisionTaken(Outcome.MAINTAIN, d("Mon 2026-03-02")))
    assert "complete" in refusal(facts, HELD)["stage"]


def test_wrong_stage_5_document_is_refused() -> None:
    facts = walk(PREPARED, HELD, REPORTED, DecisionTaken(Outcome.AMEND, d("Mon 2026-03-02")))
    assert "final-plan" in refusal(facts, PlanIssued("cease-notice", d("Mon 2026-03-09")))["document"]


def test_events_in_the_future_are_refused_but_a_planned_meeting_may_lie_ahead() -> None:
    future = PreparationDone(d("Wed 2026-07-01"), d("Tue 2026-06-02"), d("Mon 2026-06-01"))
    assert set(refusal(START, future)) == {"invitations_sent_on"}


def test_year_9_meeting_must_consider_preparing_for_adulthood() -> None:
    facts = walk(PREPARED)
    assert "Reg 20(6)" in refusal(facts, HELD, year_group=9)["preparing_for_adulthood_discussed"]
    accepted = apply_stage_input(
        facts, replace(HELD, preparing_for_adulthood_discussed=True), today=TODAY, year_group=9
    )
    assert accepted.accepted
    assert apply_stage_input(facts, HELD, today=TODAY, year_group=8).accepted


def test_amendment_notice_only_with_amend() -> None:
    facts = walk(PREPARED, HELD, REPORTED)
    given = DecisionTaken(Outcome.MAINTAIN, d("Mon 2026-03-02"), amendment_notice_sent_on=d("Mon 2026-03-02"))
    assert "amend" in refusal(facts, given)["amendment_notice_sent_on"]


def test_cease_notice_order_is_checked() -> None:
    bad = replace(
        START,
        meeting_held_on=d("Tue 2026-02-10"),
        decision=Decision(Outcome.CEASE, d("Mon 2026-03-02")),
        cease_notice_sent_on=d("Sun 2026-03-01"),
    )
    from rules.consistency import order_problems

    assert [p.field for p in order_problems(bad)] == ["cease_notice_sent_on"]
