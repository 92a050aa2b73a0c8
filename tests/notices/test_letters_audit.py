"""Issue 18's findings in the letters, tested by rendering each letter and reading its text (audit of 2026-12-04).

Every date carries its weekday in the assertion, as the letter prints it.
"""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest
from notice_samples import decided

from notices.context import (
    LetterCopy,
    ReviewContext,
    amendment_notice_context,
    cease_notice_letter_context,
    decision_letter_context,
    event_context,
    family_late_letter_context,
    final_plan_letter_context,
    not_amending_letter_context,
)
from notices.kinds import MessageKind
from notices.recipients import LaDirectory, SettingContacts, recipients_for
from notices.render import RenderedMessage, render
from notices.stage_letters import LetterReach, letters_for_stage_input, recipients_of
from rules.calendar import IsWorkingDay
from rules.deadlines import Owner
from rules.escalations import LadderEvent
from rules.facts import Outcome, PhaseTransfer, TransferKind
from rules.ladder import Role
from rules.rule_set import ENGLAND_2014
from rules.transitions import DecisionTaken, PlanIssued

RULES = ENGLAND_2014
# AR-2026-00007's shape: meeting Mon 14 Sep 2026, amend decision and its notice on Fri 4 Dec 2026 (late):
# the family's 15 days run to Fri 18 Dec; the statutory final plan date is M + 84 = Mon 7 Dec.
LATE_NOTICE = decided(Outcome.AMEND, date(2026, 12, 4), meeting_held_on=date(2026, 9, 14))
# AR-2027-00012's shape: a Year 6 transfer in 2027 (plan naming the school due Sun 14 Feb 2027); meeting Mon 14
# Dec 2026, decision and notice Mon 8 Feb 2027: the 15 days run to Mon 22 Feb.
TRANSFER = decided(
    Outcome.AMEND,
    date(2027, 2, 8),
    meeting_held_on=date(2026, 12, 14),
    phase_transfer=PhaseTransfer(TransferKind.SCHOOL, year=2027),
)


def _decision(facts, review: ReviewContext, is_working_day: IsWorkingDay, **more) -> RenderedMessage:  # type: ignore[no-untyped-def]
    return render(decision_letter_context(facts, review, rule_set=RULES, is_working_day=is_working_day, **more))


def test_n1_a_late_notice_never_promises_a_final_plan_inside_the_familys_15_days(
    review: ReviewContext, is_working_day: IsWorkingDay
) -> None:
    message = _decision(LATE_NOTICE, review, is_working_day)
    body = message.body_text
    assert "The last day is Friday 18 December 2026." in body
    assert "We will issue it by Monday 7 December 2026" not in body
    assert (
        "The law sets Monday 7 December 2026 as the last day for issuing it (12 weeks after the review meeting)" in body
    )
    assert "we can no longer meet it lawfully" in body
    assert "We will not issue the final plan before Saturday 19 December 2026" in body
    assert "final plan by Saturday 19 December 2026" in message.summary


def test_n1_a_phase_transfer_cap_inside_the_window_is_told_as_it_is(
    review: ReviewContext, is_working_day: IsWorkingDay
) -> None:
    body = _decision(TRANSFER, review, is_working_day).body_text
    assert "We will issue it by Sunday 14 February 2027" not in body
    assert "The law sets Sunday 14 February 2027 as the last day for issuing it, because of the move" in body
    assert "We will not issue the final plan before Tuesday 23 February 2027" in body
    assert (
        "requires the amended plan to name the next school or college, or its type, by Sunday 14 February 2027" in body
    )


def test_n1_the_same_holds_for_a_notice_sent_after_the_decision(
    review: ReviewContext, is_working_day: IsWorkingDay
) -> None:
    facts = replace(LATE_NOTICE, decision=replace(LATE_NOTICE.decision, notified_on=date(2026, 10, 9)))
    body = render(amendment_notice_context(facts, review, rule_set=RULES, is_working_day=is_working_day)).body_text
    assert "On Friday 9 October 2026 we told you that we had decided to amend" in body
    assert "We will not issue the final plan before Saturday 19 December 2026" in body


def test_n11_staff_are_never_asked_for_a_plan_the_law_forbids_yet(review: ReviewContext) -> None:
    """la-missed for the final plan on Tue 8 Dec 2026 (window to Fri 18 Dec): no "complete it as a priority"."""
    event = LadderEvent(
        "final_plan_due",
        date(2026, 12, 7),
        "missed",
        date(2026, 12, 8),
        Owner.LA,
        (Role.CASEWORKER, Role.SEN_TEAM_MANAGER),
        False,
    )
    body = render(event_context(event, review, earliest_lawful_on=date(2026, 12, 19))).body_text
    assert "as a priority" not in body
    assert "Do not issue the final plan before Saturday 19 December 2026" in body
    escalated = replace(
        event, step="escalation-5-working-days", due_on=date(2026, 12, 15), audience=(Role.HEAD_OF_SERVICE,)
    )
    body = render(event_context(escalated, review, earliest_lawful_on=date(2026, 12, 19))).body_text
    assert "as a priority" not in body and "Do not issue the final plan before Saturday 19 December 2026" in body


@pytest.mark.parametrize(("key", "law"), [("invitations_due", "Reg 20(3)"), ("advice_due", "Reg 20(4)")])
def test_n11_a_late_invitation_tells_the_setting_to_move_the_meeting(review: ReviewContext, key: str, law: str) -> None:
    """Meeting Mon 14 Dec 2026: invitations and advice were due Mon 30 Nov; on Tue 1 Dec the meeting must move."""
    event = LadderEvent(
        key,
        date(2026, 11, 30),
        "missed",
        date(2026, 12, 1),
        Owner.SETTING,
        (Role.SENCO, Role.HEAD_TEACHER, Role.CASEWORKER),
        False,
    )
    message = render(event_context(event, review, meeting_on=date(2026, 12, 14)))
    assert "as soon as you can" not in message.body_text
    assert "A meeting on Monday 14 December 2026 would now" in message.body_text and law in message.body_text
    assert "move the meeting to a date at least 2 weeks after" in message.body_text
    assert "copied to the EHC coordinator (caseworker) at the council" in message.body_text
    assert ("invitations" if key == "invitations_due" else "advice") in message.subject


def test_n11_a_reminder_of_a_deadline_with_no_family_letter_does_not_promise_one(review: ReviewContext) -> None:
    event = LadderEvent(
        "phase_transfer_due",
        date(2027, 2, 14),
        "reminder-14-days",
        date(2027, 1, 31),
        Owner.LA,
        (Role.CASEWORKER,),
        False,
    )
    assert "the family will be told" not in render(event_context(event, review)).body_text


def test_n4_a_decision_without_its_notice_and_the_notice_after_it(
    review: ReviewContext, is_working_day: IsWorkingDay
) -> None:
    """The amend decision went on Fri 9 Oct 2026 without its amendments; the notice followed on Fri 4 Dec."""
    decision_only = replace(
        LATE_NOTICE,
        amendment_notice_sent_on=None,
        decision=replace(LATE_NOTICE.decision, notified_on=date(2026, 10, 9)),
    )
    body = _decision(decision_only, review, is_working_day).body_text
    assert "With this notice you will find" not in body and "separate notice" in body
    assert "The law asks us to send it by Monday 12 October 2026" in body  # M + 28
    later = replace(decision_only, amendment_notice_sent_on=date(2026, 12, 4))
    kept = _decision(later, review, is_working_day, notice_with_decision=False).body_text
    assert "With this notice you will find" not in kept  # the decision letter never becomes the notice
    assert [
        (letter.kind, letter.recipient_role)
        for letter in letters_for_stage_input("R", PlanIssued("amendment-notice", date(2026, 12, 4)))
    ] == [(MessageKind.AMENDMENT_NOTICE, Role.FAMILY), (MessageKind.AMENDMENT_NOTICE, Role.SENCO)]


def test_n5_the_cease_proposal_says_so_gives_a_reply_date_and_consults_the_head_teacher(
    review: ReviewContext, is_working_day: IsWorkingDay
) -> None:
    """Cease proposed Fri 4 Dec 2026: views by Fri 18 Dec (15 days); the head teacher is consulted (Reg 31(1)(c))."""
    facts = decided(Outcome.CEASE, date(2026, 12, 4), cease_notice_sent_on=None)
    family = _decision(facts, review, is_working_day)
    assert "our decision" not in family.subject and "propose to stop" in family.subject
    assert "your views by Friday 18 December 2026" in family.subject
    assert "Please tell us what you think by Friday 18 December 2026" in family.body_text
    assert "formal notice" not in family.subject
    head = _decision(facts, review, is_working_day, copy=LetterCopy(Role.HEAD_TEACHER)).body_text
    assert head.startswith("To the head teacher or principal, Holly & Ivy Primary School")
    assert "Reg 31(1)(c)" in head and "Please send us your views by Friday 18 December 2026" in head
    cease = DecisionTaken(Outcome.CEASE, date(2026, 12, 4))
    roles = [letter.recipient_role for letter in letters_for_stage_input("R", cease)]
    assert roles == [Role.FAMILY, Role.SENCO, Role.HEAD_TEACHER]


def test_n6_a_cease_notice_on_the_decisions_day_claims_no_consultation(
    review: ReviewContext, is_working_day: IsWorkingDay
) -> None:
    same_day = decided(Outcome.CEASE, date(2026, 12, 4))  # the notice on the decision's day
    body = render(
        cease_notice_letter_context(same_day, review, rule_set=RULES, is_working_day=is_working_day)
    ).body_text
    for claim in ("consulted", "we were considering", "your views", "We have considered what you told us"):
        assert claim not in body
    assert "This is our formal notice" in body
    later = decided(Outcome.CEASE, date(2026, 12, 4), cease_notice_sent_on=date(2027, 1, 11))
    body = render(cease_notice_letter_context(later, review, rule_set=RULES, is_working_day=is_working_day)).body_text
    assert "On Friday 4 December 2026 we wrote to tell you that we were considering stopping" in body
    assert "by Friday 18 December 2026. We have considered the views we received." in body


def test_n6_a_same_day_notice_rides_on_each_unsent_decision_letter_so_the_family_gets_one() -> None:
    letters = letters_for_stage_input(
        "R", PlanIssued("cease-notice", date(2026, 12, 4)), reach=LetterReach(), decided_on=date(2026, 12, 4)
    )
    by_role = {letter.recipient_role: letter.unless_unsent for letter in letters}
    assert by_role[Role.FAMILY] == "R/letter/decision-cease/family"
    assert by_role[Role.COMMISSIONING_BODY] is None  # it had no decision letter: it always gets the notice
    later = letters_for_stage_input("R", PlanIssued("cease-notice", date(2027, 1, 11)), decided_on=date(2026, 12, 4))
    assert all(letter.unless_unsent is None for letter in later)


@pytest.mark.parametrize(
    "kind",
    [
        MessageKind.DECISION_MAINTAIN,
        MessageKind.CEASE_NOTICE,
        MessageKind.FINAL_PLAN_ISSUED,
        MessageKind.NOT_AMENDING_NOTICE,
    ],
)
def test_n7_every_appealable_letter_says_to_tell_the_council_about_mediation_and_whom(
    kind: MessageKind, review: ReviewContext, is_working_day: IsWorkingDay
) -> None:
    facts = {
        MessageKind.DECISION_MAINTAIN: decided(Outcome.MAINTAIN, date(2026, 12, 4)),
        MessageKind.CEASE_NOTICE: decided(Outcome.CEASE, date(2026, 12, 4)),
        MessageKind.FINAL_PLAN_ISSUED: decided(Outcome.AMEND, date(2026, 12, 4), final_plan_issued_on=date(2027, 1, 8)),
        MessageKind.NOT_AMENDING_NOTICE: decided(
            Outcome.AMEND, date(2026, 12, 4), amendments_withdrawn_on=date(2027, 1, 8)
        ),
    }[kind]
    build = {
        MessageKind.DECISION_MAINTAIN: decision_letter_context,
        MessageKind.CEASE_NOTICE: cease_notice_letter_context,
        MessageKind.FINAL_PLAN_ISSUED: final_plan_letter_context,
    }
    if kind is MessageKind.NOT_AMENDING_NOTICE:
        context = not_amending_letter_context(
            facts, review, reasons="Synthetic.", rule_set=RULES, is_working_day=is_working_day
        )
    else:
        context = build[kind](facts, review, rule_set=RULES, is_working_day=is_working_day)
    body = render(context).body_text
    assert (
        "If you want mediation, you must tell us so, and tell us what you disagree with (the mediation issues)" in body
    )
    assert "tell us which health care provision you want the plan to include" in body
    assert "Contact us about mediation: SEN annual reviews team, 01603 000 000, annual-reviews@example.org" in body
    assert "the type of school or institution, or that the plan names none" in body


def test_n8_the_draft_plan_says_where_to_find_schools_and_colleges(
    review: ReviewContext, is_working_day: IsWorkingDay
) -> None:
    body = _decision(decided(Outcome.AMEND, date(2026, 12, 4)), review, is_working_day).body_text
    assert "information about the schools and colleges available" in body
    assert "the Test SEND Local Offer, https://local-offer.example.org" in body


def test_n9_the_final_plan_and_the_cease_notice_reach_the_named_school_and_the_commissioning_body(
    review: ReviewContext, is_working_day: IsWorkingDay, la_directory: LaDirectory
) -> None:
    reach = LetterReach(has_setting=True, named_institution=True)
    assert recipients_of(MessageKind.FINAL_PLAN_ISSUED, reach) == (
        Role.FAMILY,
        Role.SENCO,
        Role.NAMED_INSTITUTION,
        Role.COMMISSIONING_BODY,
    )
    assert Role.COMMISSIONING_BODY in recipients_of(MessageKind.CEASE_NOTICE, LetterReach())
    facts = decided(Outcome.AMEND, date(2026, 12, 4), final_plan_issued_on=date(2027, 1, 8))
    copy = LetterCopy(Role.COMMISSIONING_BODY, ("Holly & Ivy Primary School", "Rowan High", "the ICB"))
    body = render(
        final_plan_letter_context(facts, review, rule_set=RULES, is_working_day=is_working_day, copy=copy)
    ).body_text
    assert body.startswith("To the health commissioning body (integrated care board)")
    assert "Reg 22(3)(c)" in body
    assert "A copy of this letter has been sent to Holly & Ivy Primary School, Rowan High and the ICB." in body
    named = SettingContacts("senco@rowan.example", "head@rowan.example")
    (addressee,) = recipients_for(
        (Role.NAMED_INSTITUTION,),
        Owner.LA,
        setting=SettingContacts(None, None),
        la=la_directory,
        named_institution=named,
    )
    assert addressee.recipient.email == "head@rowan.example"
    (icb,) = recipients_for((Role.COMMISSIONING_BODY,), Owner.LA, setting=SettingContacts(None, None), la=la_directory)
    assert icb.recipient.email == "icb-send@example.org"


LATE = LadderEvent(
    "final_plan_due", date(2026, 12, 7), "family-late-letter", date(2026, 12, 4), Owner.LA, (Role.FAMILY,), False
)


def test_n12_the_late_letter_names_the_late_duty_and_promises_only_the_follow_up_the_ladder_sends(
    review: ReviewContext,
) -> None:
    first = render(family_late_letter_context(LATE, review, expected_on=date(2026, 12, 21)))
    assert first.subject.endswith("the final amended EHC plan will be late, and when to expect it")
    assert (
        "We now expect to do this by Monday 21 December 2026. "
        "If we have not done it by then, we will write to you again." in first.body_text
    )
    follow_up = replace(LATE, step="family-follow-up", due_on=date(2026, 12, 22))
    second = render(
        family_late_letter_context(
            follow_up,
            review,
            expected_on=date(2027, 1, 5),
            kind=MessageKind.FAMILY_OVERDUE_LETTER,
            promised_on=date(2026, 12, 21),
            as_of=date(2026, 12, 22),
        )
    )
    assert second.subject.endswith("the final amended EHC plan is late, and when to expect it")
    assert "we expected to do it by Monday 21 December 2026. That date has passed" in second.body_text
    assert "we will write to you again" not in second.body_text
    assert "If you have not heard from us by then, please contact" in second.body_text


def test_n12_the_decision_letter_subject_says_decision_and_no_other_duty_does(review: ReviewContext) -> None:
    decision = replace(LATE, deadline_key="decision_due")
    assert (
        "our decision will be late"
        in render(family_late_letter_context(decision, review, expected_on=date(2026, 12, 21))).subject
    )
    notice = replace(LATE, deadline_key="amendment_notice_due")
    assert (
        "notice of proposed changes"
        in render(family_late_letter_context(notice, review, expected_on=date(2026, 12, 21))).subject
    )


def test_n19_a_not_amending_notice_inside_the_window_claims_only_what_was_heard_so_far(
    review: ReviewContext, is_working_day: IsWorkingDay
) -> None:
    """Notice Fri 4 Dec 2026, not amending after all on Thu 10 Dec (day 7 of 15): status as STATUTORY.md has it
    (N19 is disputed), but the words true."""
    facts = decided(Outcome.AMEND, date(2026, 12, 4), amendments_withdrawn_on=date(2026, 12, 10))
    body = render(
        not_amending_letter_context(facts, review, reasons="Synthetic.", rule_set=RULES, is_working_day=is_working_day)
    ).body_text
    assert "everything you told us" not in body and "what you have told us so far" in body


@pytest.mark.parametrize(
    ("key", "words"),
    [
        ("transfer_decision_by", "target date for deciding and sending the proposed amendments early enough"),
        ("interim_review_due", "target date for holding an interim review of the plan of a child under 5"),
    ],
)
def test_n20_advisory_dates_read_as_sentences(review: ReviewContext, key: str, words: str) -> None:
    event = LadderEvent(
        key, date(2027, 1, 30), "missed", date(2027, 1, 31), Owner.LA, (Role.CASEWORKER, Role.SEN_TEAM_MANAGER), True
    )
    message = render(event_context(event, review))
    assert words in message.body_text and "guidance rather than a legal duty" in message.body_text
    assert "deadline for transfer decision by" not in message.body_text and "target date" in message.subject


def test_n21_a_review_the_council_leads_names_no_setting(review: ReviewContext, is_working_day: IsWorkingDay) -> None:
    no_setting = replace(review, setting_name="")
    for facts in (
        decided(Outcome.MAINTAIN, date(2026, 12, 4)),
        decided(Outcome.CEASE, date(2026, 12, 4), cease_notice_sent_on=None),
    ):
        body = _decision(facts, no_setting, is_working_day).body_text
        assert "A copy of this letter has been sent to" not in body and "head teacher" not in body
    letters = letters_for_stage_input(
        "R", DecisionTaken(Outcome.MAINTAIN, date(2026, 12, 4)), reach=LetterReach(has_setting=False)
    )
    assert [letter.recipient_role for letter in letters] == [Role.FAMILY]
