"""Decision letters carry what STATUTORY.md sections 3 and 6 require, with dates from rules/."""

from __future__ import annotations

from datetime import date

import pytest
from notice_samples import decided

from notices.context import (
    ReviewContext,
    cease_notice_letter_context,
    decision_letter_context,
    family_late_letter_context,
    final_plan_letter_context,
    not_amending_letter_context,
)
from notices.errors import RenderError
from notices.kinds import MessageKind
from notices.render import RenderedMessage, render
from rules.calendar import IsWorkingDay
from rules.deadlines import Owner
from rules.escalations import LadderEvent
from rules.facts import Decision, Outcome, PhaseTransfer, ReviewFacts, TransferKind
from rules.ladder import Role
from rules.rule_set import ENGLAND_2014

SUPPORT = (
    "First-tier Tribunal (Special Educational Needs and Disability)",
    "Test SENDIASS",
    "SEND Information, Advice and Support Service",
    "disagreement resolution",
    "mediation adviser",
    "Test Mediation Service",
)


def letter(facts: ReviewFacts, review: ReviewContext, is_working_day: IsWorkingDay) -> RenderedMessage:
    return render(decision_letter_context(facts, review, rule_set=ENGLAND_2014, is_working_day=is_working_day))


@pytest.mark.parametrize(
    ("outcome", "letter_on", "appeal_by", "mediation_by"),
    [
        # 2 months on is Sat 15 Aug 2026: August moves to the first working day of September.
        (Outcome.MAINTAIN, date(2026, 6, 15), "Tuesday 1 September 2026", "Saturday 15 August 2026"),
        # 2 months on is Thu 31 Dec 2026: Christmas moves to the first working day after 1 Jan (Sat 2, Sun 3).
        (Outcome.CEASE, date(2026, 10, 31), "Monday 4 January 2027", "Thursday 31 December 2026"),
        # 2 months on is Sat 14 Mar 2026: a weekend moves to Monday.
        (Outcome.MAINTAIN, date(2026, 1, 14), "Monday 16 March 2026", "Saturday 14 March 2026"),
    ],
    ids=["maintain-Mon-2026-06-15", "cease-Sat-2026-10-31", "maintain-Wed-2026-01-14"],
)
def test_decision_letter_states_appeal_and_mediation_dates(
    outcome: Outcome,
    letter_on: date,
    appeal_by: str,
    mediation_by: str,
    review: ReviewContext,
    is_working_day: IsWorkingDay,
) -> None:
    message = letter(decided(outcome, letter_on), review, is_working_day)
    assert f"Your appeal must reach the Tribunal by {appeal_by}." in message.body_text
    assert f"You must do this by {mediation_by}" in message.body_text
    for needed in SUPPORT:
        assert needed in message.body_text
    assert appeal_by in message.summary


def test_cease_letter_says_plan_stays_in_force_until_appeal_ends_or_is_decided(
    review: ReviewContext, is_working_day: IsWorkingDay
) -> None:
    body = letter(decided(Outcome.CEASE, date(2026, 10, 31)), review, is_working_day).body_text
    assert "stays in force, and the support in it continues, until the time for appealing has ended" in body
    assert "(Monday 4 January 2027)" in body
    assert "If you appeal, the plan stays in force until the appeal has been decided." in body


def test_amend_letter_states_window_final_plan_date_and_amendments(
    review: ReviewContext, is_working_day: IsWorkingDay
) -> None:
    facts = decided(Outcome.AMEND, date(2026, 3, 2))  # Mon: 15 days starting with it end Mon 16 Mar
    context = decision_letter_context(
        facts,
        review,
        rule_set=ENGLAND_2014,
        is_working_day=is_working_day,
        proposed_amendments=("Section F: weekly speech and language therapy",),
    )
    message = render(context)
    assert message.kind is MessageKind.DECISION_AMEND
    assert "The last day is Monday 16 March 2026." in message.body_text
    assert "We will issue it by Monday 27 April 2026 at the latest." in message.body_text  # notice + 8 weeks
    assert "- Section F: weekly speech and language therapy" in message.body_text
    assert "Monday 16 March 2026" in message.subject
    for needed in SUPPORT:
        assert needed in message.body_text
    assert "Section F" not in message.subject + message.summary


def test_amend_letter_final_plan_date_capped_by_phase_transfer(
    review: ReviewContext, is_working_day: IsWorkingDay
) -> None:
    transfer = PhaseTransfer(TransferKind.SCHOOL, year=2027)
    facts = decided(Outcome.AMEND, date(2027, 1, 11), phase_transfer=transfer, meeting_held_on=date(2026, 12, 14))
    body = letter(facts, review, is_working_day).body_text
    assert "We will issue it by Sunday 14 February 2027 at the latest." in body  # Reg 18 cap, before 8 weeks


def test_final_plan_letter_states_appeal_date_from_its_own_date(
    review: ReviewContext, is_working_day: IsWorkingDay
) -> None:
    facts = decided(Outcome.AMEND, date(2026, 3, 2), final_plan_issued_on=date(2026, 4, 27))
    context = final_plan_letter_context(facts, review, rule_set=ENGLAND_2014, is_working_day=is_working_day)
    body = render(context).body_text
    assert "Your appeal must reach the Tribunal by Monday 29 June 2026." in body  # Sat 27 Jun -> Mon
    assert "You must do this by Saturday 27 June 2026" in body
    for needed in SUPPORT:
        assert needed in body


def test_decision_letter_needs_a_decision(review: ReviewContext, is_working_day: IsWorkingDay) -> None:
    with pytest.raises(RenderError, match="no decision"):
        letter(ReviewFacts(date(2025, 7, 1)), review, is_working_day)


def test_amend_letter_without_a_notice_encloses_nothing_and_says_the_changes_follow(
    review: ReviewContext, is_working_day: IsWorkingDay
) -> None:
    """N4: an amend decision recorded Mon 2 Mar 2026 without its amendment notice (meeting Mon 2 Feb): the letter
    does not claim the proposed plan is enclosed, gives no 15-day window, and says when the notice is due."""
    amend = ReviewFacts(
        date(2025, 7, 1), meeting_held_on=date(2026, 2, 2), decision=Decision(Outcome.AMEND, date(2026, 3, 2))
    )
    message = letter(amend, review, is_working_day)
    body = message.body_text
    assert "you will find a copy of the plan" not in body and "enclosed" not in body
    assert "You have 15 days" not in body and "separate notice" in body
    assert "Date of this letter: Monday 2 March 2026" in body
    assert "The law asks us to send it by Monday 2 March 2026" in body  # 4 weeks after the meeting
    assert "proposed changes will follow" in message.subject


def test_cease_proposal_before_consultation_gives_no_appeal_date(
    review: ReviewContext, is_working_day: IsWorkingDay
) -> None:
    """Cease proposed Sun 1 Mar 2026, no cease notice yet: consultation, the plan stays, no appeal date (Reg 31)."""
    facts = decided(Outcome.CEASE, date(2026, 3, 1), cease_notice_sent_on=None)
    message = letter(facts, review, is_working_day)
    assert "considering stopping" in message.body_text and "This is a proposal, not our decision" in message.body_text
    assert "Please tell us what you think by Monday 16 March 2026" in message.body_text  # day 15 is a Sunday
    assert "Your appeal must reach the Tribunal" not in message.body_text
    assert "appeal by" not in message.summary


def test_cease_notice_after_consultation_states_the_appeal_date_from_itself(
    review: ReviewContext, is_working_day: IsWorkingDay
) -> None:
    """Cease proposed Sun 1 Mar 2026, cease notice Wed 15 Apr: appeal by Mon 15 Jun 2026, not Fri 1 May."""
    facts = decided(Outcome.CEASE, date(2026, 3, 1), cease_notice_sent_on=date(2026, 4, 15))
    context = cease_notice_letter_context(facts, review, rule_set=ENGLAND_2014, is_working_day=is_working_day)
    message = render(context)
    assert message.kind is MessageKind.CEASE_NOTICE
    assert "Your appeal must reach the Tribunal by Monday 15 June 2026." in message.body_text
    assert "You must do this by Monday 15 June 2026" in message.body_text  # mediation: 2 months, not moved
    assert "Friday 1 May 2026" not in message.body_text
    for needed in SUPPORT:
        assert needed in message.body_text


def test_not_amending_notice_states_reasons_and_the_appeal_date_from_itself(
    review: ReviewContext, is_working_day: IsWorkingDay
) -> None:
    """Reg 22(4) notice Tue 14 Apr 2026: appeal by Mon 15 Jun (Sun 14 Jun moves); reasons in the body only."""
    facts = decided(Outcome.AMEND, date(2026, 3, 2), amendments_withdrawn_on=date(2026, 4, 14))
    context = not_amending_letter_context(
        facts,
        review,
        reasons="Synthetic reasons for not amending.",
        rule_set=ENGLAND_2014,
        is_working_day=is_working_day,
    )
    message = render(context)
    assert "Your appeal must reach the Tribunal by Monday 15 June 2026." in message.body_text
    assert "Synthetic reasons for not amending." in message.body_text
    assert "Synthetic reasons" not in message.subject + message.summary
    assert "not to amend the EHC plan" in message.body_text
    with pytest.raises(RenderError, match="reasons"):
        not_amending_letter_context(facts, review, reasons=" ", rule_set=ENGLAND_2014, is_working_day=is_working_day)


def test_maintain_letter_counts_a_mediation_certificate(review: ReviewContext, is_working_day: IsWorkingDay) -> None:
    """Maintain Fri 20 Mar 2026, certificate Mon 11 May: the later end is Thu 11 Jun 2026 (1 month from it)."""
    facts = decided(Outcome.MAINTAIN, date(2026, 3, 20), mediation_certificate_on=date(2026, 5, 11))
    body = letter(facts, review, is_working_day).body_text
    assert "Your appeal must reach the Tribunal by Thursday 11 June 2026." in body
    assert "mediation certificate dated Monday 11 May 2026" in body


def test_family_late_letter_states_the_lawful_date(review: ReviewContext) -> None:
    """The stored event says Fri 13 Mar (capped under the old rule); the records now give Wed 29 Apr (M + 28)."""
    event = LadderEvent(
        "decision_due", date(2026, 3, 13), "family-late-letter", date(2026, 3, 10), Owner.LA, (Role.FAMILY,), False
    )
    context = family_late_letter_context(event, review, expected_on=date(2026, 5, 13), lawful_due_on=date(2026, 4, 29))
    body = render(context).body_text
    assert "Wednesday 29 April 2026" in body and "Friday 13 March 2026" not in body


def test_family_late_letter_never_expects_a_plan_inside_the_window(review: ReviewContext) -> None:
    """Final plan capped Sat 14 Feb 2026, window to Thu 19 Feb: expected no earlier than Fri 20 Feb."""
    event = LadderEvent(
        "final_plan_due", date(2026, 2, 14), "family-late-letter", date(2026, 2, 11), Owner.LA, (Role.FAMILY,), False
    )
    context = family_late_letter_context(
        event, review, expected_on=date(2026, 2, 16), earliest_lawful_on=date(2026, 2, 20)
    )
    assert context.expected_on == date(2026, 2, 20)
