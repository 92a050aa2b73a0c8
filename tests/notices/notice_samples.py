"""A representative synthetic context for every message kind."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from typing import Any

from notices.context import (
    MeetingRecordContext,
    NoticeContext,
    ReviewContext,
    amendment_notice_context,
    appeal_after_mediation_context,
    cease_notice_letter_context,
    decision_letter_context,
    event_context,
    family_late_letter_context,
    final_plan_letter_context,
    not_amending_letter_context,
)
from notices.kinds import MessageKind
from rules.calendar import IsWorkingDay
from rules.deadlines import Owner
from rules.escalations import LadderEvent
from rules.facts import Decision, Outcome, ReviewFacts
from rules.ladder import Role
from rules.rule_set import ENGLAND_2014

CHILD_NAME = "Zephyrine"  # distinctive synthetic first name: found anywhere public means a leak
FAMILY_ADDRESSEE = "Mx Quillfeather"
REFERENCE = "AR-2026-00123"
PLAN_FIRST_ISSUED_ON = date(2025, 7, 1)
MEETING_HELD_ON = date(2026, 6, 1)  # Mon
REASONS = "Synthetic reasons: Zephyrine's needs are met by the plan as it stands."

EVENTS = {
    MessageKind.SETTING_REMINDER: LadderEvent(
        "report_due", date(2026, 6, 15), "reminder-14-days", date(2026, 6, 1), Owner.SETTING, (Role.SENCO,), False
    ),
    MessageKind.SETTING_MISSED: LadderEvent(
        "report_due",
        date(2026, 6, 15),
        "missed",
        date(2026, 6, 16),
        Owner.SETTING,
        (Role.SENCO, Role.HEAD_TEACHER, Role.CASEWORKER),
        False,
    ),
    MessageKind.LA_REMINDER: LadderEvent(
        "decision_due", date(2026, 6, 29), "reminder-3-days", date(2026, 6, 26), Owner.LA, (Role.CASEWORKER,), False
    ),
    MessageKind.LA_MISSED: LadderEvent(
        "decision_due",
        date(2026, 6, 29),
        "missed",
        date(2026, 6, 30),
        Owner.LA,
        (Role.CASEWORKER, Role.SEN_TEAM_MANAGER),
        False,
    ),
    MessageKind.ESCALATION: LadderEvent(
        "decision_due",
        date(2026, 6, 29),
        "escalation-15-working-days",
        date(2026, 7, 21),
        Owner.LA,
        (Role.DIRECTOR,),
        False,
    ),
    MessageKind.FAMILY_LATE_LETTER: LadderEvent(
        "decision_due", date(2026, 6, 29), "family-late-letter", date(2026, 6, 26), Owner.LA, (Role.FAMILY,), False
    ),
}

OUTCOME_OF = {
    MessageKind.DECISION_MAINTAIN: Outcome.MAINTAIN,
    MessageKind.DECISION_AMEND: Outcome.AMEND,
    MessageKind.DECISION_CEASE: Outcome.CEASE,
}


def decided(outcome: Outcome, notified_on: date, **more: Any) -> ReviewFacts:
    """Return the facts of a review decided on ``notified_on`` (amend: notice sent the same day; cease: the
    decision letter is the cease notice)."""
    notice = notified_on if outcome is Outcome.AMEND else None
    facts = ReviewFacts(
        PLAN_FIRST_ISSUED_ON,
        meeting_held_on=MEETING_HELD_ON,
        decision=Decision(outcome, notified_on),
        amendment_notice_sent_on=notice,
        cease_notice_sent_on=notified_on if outcome is Outcome.CEASE else None,
    )
    return replace(facts, **more)


def sample_context(kind: MessageKind, review: ReviewContext, is_working_day: IsWorkingDay) -> NoticeContext:
    """Return a representative context of ``kind``."""
    if kind is MessageKind.FAMILY_LATE_LETTER:
        return family_late_letter_context(EVENTS[kind], review, expected_on=date(2026, 7, 10))
    if kind is MessageKind.FAMILY_OVERDUE_LETTER:  # caught up five weeks after the deadline
        late = EVENTS[MessageKind.FAMILY_LATE_LETTER]
        return family_late_letter_context(late, review, expected_on=date(2026, 8, 17), kind=kind)
    if kind in EVENTS:
        return event_context(EVENTS[kind], review)
    if kind is MessageKind.FINAL_PLAN_ISSUED:
        facts = decided(Outcome.AMEND, date(2026, 6, 15), final_plan_issued_on=date(2026, 7, 20))
        return final_plan_letter_context(facts, review, rule_set=ENGLAND_2014, is_working_day=is_working_day)
    if kind is MessageKind.NOT_AMENDING_NOTICE:
        facts = decided(Outcome.AMEND, date(2026, 6, 15), amendments_withdrawn_on=date(2026, 7, 20))
        return not_amending_letter_context(
            facts, review, reasons=REASONS, rule_set=ENGLAND_2014, is_working_day=is_working_day
        )
    if kind is MessageKind.CEASE_NOTICE:
        facts = decided(Outcome.CEASE, date(2026, 6, 15), cease_notice_sent_on=date(2026, 7, 20))
        return cease_notice_letter_context(facts, review, rule_set=ENGLAND_2014, is_working_day=is_working_day)
    if kind is MessageKind.AMENDMENT_NOTICE:  # the amend decision went without it; the notice a week later
        facts = decided(Outcome.AMEND, date(2026, 6, 15), amendment_notice_sent_on=date(2026, 6, 22))
        return amendment_notice_context(
            facts,
            review,
            rule_set=ENGLAND_2014,
            is_working_day=is_working_day,
            proposed_amendments=("Section F: weekly speech and language therapy",),
        )
    if kind is MessageKind.APPEAL_AFTER_MEDIATION:  # maintain on 15 Jun, certificate on 10 Aug, recorded 12 Aug
        facts = decided(Outcome.MAINTAIN, date(2026, 6, 15), mediation_certificate_on=date(2026, 8, 10))
        return appeal_after_mediation_context(
            facts, review, letter_on=date(2026, 8, 12), rule_set=ENGLAND_2014, is_working_day=is_working_day
        )
    if kind is MessageKind.MEETING_RECORD:  # the setting's report, to the family
        return MeetingRecordContext(review, date(2026, 6, 15), Role.FAMILY, "The meeting\n\nWho attended:\nMum")
    facts = decided(OUTCOME_OF[kind], date(2026, 6, 15))
    return decision_letter_context(
        facts,
        review,
        rule_set=ENGLAND_2014,
        is_working_day=is_working_day,
        proposed_amendments=("Section F: weekly speech and language therapy",),
    )
