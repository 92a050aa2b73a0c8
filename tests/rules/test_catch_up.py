"""Catch-up selection (STATUTORY.md s5, last paragraph): examples and properties (hypothesis)."""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from rules.bank_holidays import england_and_wales_working_days
from rules.catch_up import FamilyLetter, expected_by, select_for_sending, working_days_late
from rules.deadlines import Deadline, Owner
from rules.escalations import escalations_due, step_due_on
from rules.ladder import DEFAULT_LADDER, Role, StepTiming
from rules.stages import Stage

IS_WORKING_DAY = england_and_wales_working_days()
DEADLINE_ON = date(2026, 11, 26)  # a Thursday


def _deadline(owner: Owner, due_on: date = DEADLINE_ON, *, family_letter: bool = True) -> Deadline:
    key = "decision_due" if owner is Owner.LA else "report_due"
    stage = Stage.DECISION if owner is Owner.LA else Stage.REPORT
    return Deadline(key, due_on, owner, stage, "", family_letter=family_letter and owner is Owner.LA)


def _due(deadline: Deadline, today: date):  # type: ignore[no-untyped-def]
    return escalations_due([deadline], frozenset(), today, DEFAULT_LADDER, is_working_day=IS_WORKING_DAY)


def _sent(deadline: Deadline, today: date) -> dict[Role, str]:
    chosen = select_for_sending(_due(deadline, today), today, DEFAULT_LADDER)
    return {role: s.event.step for s in chosen.send for role in s.roles}


def test_five_weeks_late_la_deadline_sends_one_step_per_role_and_no_reminder() -> None:
    today = DEADLINE_ON + timedelta(weeks=5)
    assert _sent(_deadline(Owner.LA), today) == {
        Role.CASEWORKER: "missed",
        Role.SEN_TEAM_MANAGER: "missed",
        Role.HEAD_OF_SERVICE: "escalation-5-working-days",
        Role.DIRECTOR: "escalation-15-working-days",
        Role.FAMILY: "family-follow-up",  # the first letter's date passed: the family hears the latest word only
    }


def test_setting_deadline_caseworker_hears_only_the_highest_step() -> None:
    today = DEADLINE_ON + timedelta(weeks=5)
    sent = _sent(_deadline(Owner.SETTING), today)
    assert sent[Role.CASEWORKER] == "escalation-5-working-days"
    assert sent[Role.SENCO] == "missed" and sent[Role.HEAD_TEACHER] == "missed"


def test_family_letter_after_the_deadline_is_the_overdue_letter_with_a_future_date() -> None:
    today = DEADLINE_ON + timedelta(weeks=5)
    chosen = select_for_sending(_due(_deadline(Owner.LA), today), today, DEFAULT_LADDER)
    (letter,) = [s for s in chosen.send if s.family_letter is not None]
    assert letter.family_letter is FamilyLetter.OVERDUE
    assert letter.expected_on is not None and letter.expected_on > today


def test_family_letter_before_the_deadline_is_the_ahead_letter() -> None:
    today = DEADLINE_ON - timedelta(days=3)
    chosen = select_for_sending(_due(_deadline(Owner.LA), today), today, DEFAULT_LADDER)
    (letter,) = [s for s in chosen.send if s.family_letter is not None]
    assert letter.family_letter is FamilyLetter.AHEAD
    assert letter.expected_on == DEADLINE_ON + timedelta(days=14)


def test_both_reminders_due_together_send_only_the_later_one() -> None:
    today = DEADLINE_ON - timedelta(days=2)
    assert _sent(_deadline(Owner.SETTING), today) == {Role.SENCO: "reminder-3-days"}


def test_a_reminder_on_the_deadline_day_itself_is_still_sent() -> None:
    assert _sent(_deadline(Owner.SETTING), DEADLINE_ON) == {Role.SENCO: "reminder-3-days"}


def test_the_day_it_is_missed_only_missed_goes_out() -> None:
    today = DEADLINE_ON + timedelta(days=1)
    assert set(_sent(_deadline(Owner.SETTING), today).values()) == {"missed"}


def test_working_days_late_matches_the_escalation_steps() -> None:
    for step in DEFAULT_LADDER:
        if step.timing is StepTiming.WORKING_DAYS_AFTER_MISSED:
            on = step_due_on(step, DEADLINE_ON, is_working_day=IS_WORKING_DAY)
            assert working_days_late(DEADLINE_ON, on, is_working_day=IS_WORKING_DAY) == step.amount


def test_working_days_late_five_weeks_on_skips_christmas() -> None:
    today = DEADLINE_ON + timedelta(weeks=5)  # 31 Dec 2026: missed on Fri 27 Nov; 25 and 28 Dec are bank holidays
    assert working_days_late(DEADLINE_ON, today, is_working_day=IS_WORKING_DAY) == 22


DATES = st.dates(date(2024, 1, 1), date(2030, 12, 31))
OWNERS = st.sampled_from([Owner.LA, Owner.SETTING])


@settings(max_examples=300, deadline=None)
@given(deadline_on=DATES, lag=st.integers(-20, 120), owner=OWNERS)
def test_properties_of_any_catch_up(deadline_on: date, lag: int, owner: Owner) -> None:
    today = deadline_on + timedelta(days=lag)
    due = _due(_deadline(owner, deadline_on), today)
    chosen = select_for_sending(due, today, DEFAULT_LADDER)
    pairs = [(s.event.deadline_key, role) for s in chosen.send for role in s.roles]
    assert len(pairs) == len(set(pairs)), "one message per deadline and role"
    assert {id(s.event) for s in chosen.send} | {id(e) for e in chosen.dropped} == {id(e) for e in due}
    for s in chosen.send:
        step = next(st_ for st_ in DEFAULT_LADDER if st_.name == s.event.step)
        if step.timing is StepTiming.DAYS_BEFORE and not step.family_letter:
            assert today <= deadline_on, "no reminder for a deadline already passed"
        if s.family_letter is not None:
            assert (s.family_letter is FamilyLetter.AHEAD) == (today <= deadline_on)
            assert s.expected_on is not None and s.expected_on > deadline_on
            if s.follow_up_on is None:
                assert s.expected_on > today
            else:  # the promised date is the day before the product writes again, never in the past
                assert today <= s.expected_on == s.follow_up_on - timedelta(days=1)
    roles_due = {role for e in due for role in e.audience}
    roles_sent = {role for _, role in pairs}
    if today > deadline_on:  # every role whose last word would be a stale reminder hears nothing; others hear once
        assert roles_sent <= roles_due
    else:
        assert roles_sent == roles_due


@given(deadline_on=DATES, lag=st.integers(0, 400))
def test_working_days_late_never_falls_as_days_pass(deadline_on: date, lag: int) -> None:
    today = deadline_on + timedelta(days=lag)
    now = working_days_late(deadline_on, today, is_working_day=IS_WORKING_DAY)
    later = working_days_late(deadline_on, today + timedelta(days=1), is_working_day=IS_WORKING_DAY)
    assert 0 <= now <= later <= now + 1
    assert expected_by(deadline_on, today) > today
