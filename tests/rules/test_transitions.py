"""Stage inputs applied to the record, or refused with every reason (rules.transitions)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from rules.calendar import IsWorkingDay
from rules.facts import Decision, Outcome, ReviewFacts
from rules.rule_set import ENGLAND_2014
from rules.stages import Stage, current_stage
from rules.transitions import (
    DecisionTaken,
    MeetingHeld,
    PlanIssued,
    PreparationDone,
    ReportReceived,
    StageInput,
    apply_stage_input,
    recorded_notes,
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
    notice = d("Mon 2026-03-02") if outcome is Outcome.AMEND else None
    facts = walk(PREPARED, HELD, REPORTED, DecisionTaken(outcome, d("Mon 2026-03-02"), notice))
    if plan is not None:
        assert current_stage(facts) is Stage.PLAN
        facts = walk(plan, facts=facts)
    assert current_stage(facts) is None


def test_amend_decision_with_its_notice_records_the_notice() -> None:
    given = DecisionTaken(Outcome.AMEND, d("Mon 2026-03-02"), amendment_notice_sent_on=d("Mon 2026-03-02"))
    facts = walk(PREPARED, HELD, REPORTED, given)
    assert facts.amendment_notice_sent_on == d("Mon 2026-03-02")


def test_amend_decision_without_a_notice_invents_none_and_the_notice_is_recorded_later() -> None:
    """N4: an amend decision without a notice date leaves the notice unrecorded (STATUTORY.md s3 "Never invent a
    notice date"); the notice sent later is recorded as a stage 5 document, and only then may the final plan follow."""
    facts = walk(PREPARED, HELD, REPORTED, DecisionTaken(Outcome.AMEND, d("Mon 2026-03-02")))
    assert facts.amendment_notice_sent_on is None and current_stage(facts) is Stage.PLAN
    assert "amendment-notice" in refusal(facts, PlanIssued("final-plan", d("Mon 2026-04-20")))["document"]
    facts = walk(PlanIssued("amendment-notice", d("Mon 2026-03-16")), facts=facts)
    assert facts.amendment_notice_sent_on == d("Mon 2026-03-16") and current_stage(facts) is Stage.PLAN
    assert "final-plan" in refusal(facts, PlanIssued("amendment-notice", d("Tue 2026-03-17")))["document"]
    facts = walk(PlanIssued("final-plan", d("Mon 2026-04-20")), facts=facts)
    assert current_stage(facts) is None


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
    facts = walk(PREPARED, HELD, REPORTED, DecisionTaken(Outcome.AMEND, d("Mon 2026-03-02"), d("Mon 2026-03-02")))
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


DECIDED_AMEND = (PREPARED, HELD, REPORTED, DecisionTaken(Outcome.AMEND, d("Mon 2026-03-02"), d("Mon 2026-03-02")))


def test_not_amending_after_all_closes_stage_five() -> None:
    """Reg 22(4): after an amend decision the LA may issue a reasoned notice instead of the final plan."""
    facts = walk(*DECIDED_AMEND, PlanIssued("not-amending", d("Tue 2026-04-14")))
    assert facts.amendments_withdrawn_on == d("Tue 2026-04-14") and facts.final_plan_issued_on is None
    assert current_stage(facts) is None


def test_not_amending_is_refused_after_a_cease_decision() -> None:
    facts = walk(PREPARED, HELD, REPORTED, DecisionTaken(Outcome.CEASE, d("Mon 2026-03-02")))
    assert "cease-notice" in refusal(facts, PlanIssued("not-amending", d("Tue 2026-04-14")))["document"]


def test_cease_notice_after_consultation_is_recorded() -> None:
    facts = walk(PREPARED, HELD, REPORTED, DecisionTaken(Outcome.CEASE, d("Mon 2026-03-02")))
    assert current_stage(facts) is Stage.PLAN  # consultation: the plan stays in force, no appeal date yet
    facts = walk(PlanIssued("cease-notice", d("Wed 2026-04-15")), facts=facts)
    assert facts.cease_notice_sent_on == d("Wed 2026-04-15") and current_stage(facts) is None


def test_report_sent_date_is_recorded() -> None:
    facts = walk(PREPARED, HELD, ReportReceived(d("Thu 2026-02-26"), Outcome.AMEND, report_sent_on=d("Tue 2026-02-24")))
    assert (facts.report_sent_on, facts.report_received_on) == (d("Tue 2026-02-24"), d("Thu 2026-02-26"))


def test_report_received_before_it_was_sent_is_refused() -> None:
    facts = walk(PREPARED, HELD)
    given = ReportReceived(d("Mon 2026-02-23"), Outcome.AMEND, report_sent_on=d("Tue 2026-02-24"))
    assert "sent" in refusal(facts, given)["report_received_on"]


def test_final_plan_inside_the_window_is_recorded_as_a_breach_and_said(is_working_day: IsWorkingDay) -> None:
    """Notice Mon 2 Mar 2026 with the decision, final plan Mon 16 Mar (day 15 of 15): kept, a breach, and said."""
    before = walk(*DECIDED_AMEND)
    result = apply_stage_input(before, PlanIssued("final-plan", d("Mon 2026-03-16")), today=TODAY)
    assert result.accepted
    notes = {
        n.field: n.message for n in recorded_notes(before, result.facts, ENGLAND_2014, is_working_day=is_working_day)
    }
    assert "breach" in notes["final_plan_due"] and "2026-03-17" in notes["final_plan_due"]
    assert "Reg 22(2)(c)" in notes["final_plan_due"]


def test_invitations_six_days_before_the_meeting_are_recorded_met_late_and_said(is_working_day: IsWorkingDay) -> None:
    """Meeting Tue 10 Feb 2026, invitations Wed 4 Feb: due Tue 27 Jan (2 weeks, Reg 20(3)): 8 days late."""
    late = PreparationDone(d("Tue 2026-02-10"), d("Wed 2026-02-04"), d("Tue 2026-01-27"))
    result = apply_stage_input(START, late, today=TODAY)
    assert result.accepted and result.facts.invitations_sent_on == d("Wed 2026-02-04")
    notes = {
        n.field: n.message for n in recorded_notes(START, result.facts, ENGLAND_2014, is_working_day=is_working_day)
    }
    assert set(notes) == {"invitations_due"}
    message = notes["invitations_due"]
    assert "met late" in message and "Tue 27 Jan 2026" in message and "8 days late" in message
    assert "2 weeks" in message and "20(3)" in message
