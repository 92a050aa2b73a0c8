"""The escalation ladder (STATUTORY.md section 5): which events are due, to whom, on which day."""

from __future__ import annotations

from datetime import date

import pytest

from rules.advisories import advisory_deadlines
from rules.calendar import IsWorkingDay
from rules.deadlines import deadlines_for
from rules.escalations import LadderEvent, escalations_due
from rules.facts import ReviewFacts
from rules.ladder import DEFAULT_LADDER, Role
from rules.rule_set import ENGLAND_2014
from rules.stages import completed_stages
from tests.support import d

HELD = ReviewFacts(d("Fri 2025-03-14"), meeting_held_on=d("Tue 2026-02-10"))


def events_on(facts: ReviewFacts, today: date, is_working_day: IsWorkingDay) -> list[LadderEvent]:
    deadlines = (
        *deadlines_for(facts, ENGLAND_2014, is_working_day=is_working_day),
        *advisory_deadlines(facts, ENGLAND_2014),
    )
    return escalations_due(deadlines, completed_stages(facts), today, DEFAULT_LADDER, is_working_day=is_working_day)


def ladder_of(events: list[LadderEvent], key: str) -> list[tuple[str, date, tuple[Role, ...]]]:
    return [(e.step, e.due_on, e.audience) for e in events if e.deadline_key == key]


def test_setting_deadline_walks_every_step(is_working_day: IsWorkingDay) -> None:
    """report_due Tue 24 Feb 2026 (meeting Tue 10 Feb + 14 days), owed by the setting."""
    events = events_on(HELD, d("Wed 2026-04-01"), is_working_day)
    assert ladder_of(events, "report_due") == [
        ("reminder-14-days", d("Tue 2026-02-10"), (Role.SENCO,)),
        ("reminder-3-days", d("Sat 2026-02-21"), (Role.SENCO,)),
        ("missed", d("Wed 2026-02-25"), (Role.SENCO, Role.HEAD_TEACHER, Role.CASEWORKER)),
        ("escalation-5-working-days", d("Wed 2026-03-04"), (Role.CASEWORKER, Role.SEN_TEAM_MANAGER)),
        ("escalation-15-working-days", d("Wed 2026-03-18"), (Role.HEAD_OF_SERVICE,)),
    ]


def test_la_deadline_walks_every_step_with_the_family_letter(is_working_day: IsWorkingDay) -> None:
    """decision_due Tue 10 Mar 2026 (4 weeks after the meeting), owed by the LA."""
    events = events_on(HELD, d("Wed 2026-04-01"), is_working_day)
    assert ladder_of(events, "decision_due") == [
        ("reminder-14-days", d("Tue 2026-02-24"), (Role.CASEWORKER,)),
        ("family-late-letter", d("Sat 2026-03-07"), (Role.FAMILY,)),
        ("reminder-3-days", d("Sat 2026-03-07"), (Role.CASEWORKER,)),
        ("missed", d("Wed 2026-03-11"), (Role.CASEWORKER, Role.SEN_TEAM_MANAGER)),
        ("escalation-5-working-days", d("Wed 2026-03-18"), (Role.HEAD_OF_SERVICE,)),
        ("family-follow-up", d("Wed 2026-03-25"), (Role.FAMILY,)),  # the day after the letter's date (Tue 24 Mar)
        ("escalation-15-working-days", d("Wed 2026-04-01"), (Role.DIRECTOR,)),
    ]


def test_working_day_steps_skip_bank_holidays(is_working_day: IsWorkingDay) -> None:
    """Report due Thu 26 Mar 2026: missed Fri 27 Mar; 5 working days over Easter (3 and 6 Apr) -> Tue 7 Apr."""
    facts = ReviewFacts(d("Fri 2025-06-20"), meeting_held_on=d("Thu 2026-03-12"))
    events = ladder_of(events_on(facts, d("Fri 2026-05-01"), is_working_day), "report_due")
    assert events[3][:2] == ("escalation-5-working-days", d("Tue 2026-04-07"))


def test_only_events_on_or_before_the_business_date(is_working_day: IsWorkingDay) -> None:
    events = events_on(HELD, d("Wed 2026-02-25"), is_working_day)
    assert {(e.deadline_key, e.step) for e in events} == {
        ("report_due", "reminder-14-days"),
        ("report_due", "reminder-3-days"),
        ("report_due", "missed"),
        ("decision_due", "reminder-14-days"),
    }
    assert all(e.due_on <= d("Wed 2026-02-25") for e in events)


def test_events_come_oldest_first(is_working_day: IsWorkingDay) -> None:
    events = events_on(HELD, d("Fri 2026-05-01"), is_working_day)
    assert [e.due_on for e in events] == sorted(e.due_on for e in events)


def test_nothing_is_due_for_a_stage_that_is_over(is_working_day: IsWorkingDay) -> None:
    reported = ReviewFacts(
        HELD.plan_first_issued_on, meeting_held_on=HELD.meeting_held_on, report_received_on=d("Mon 2026-02-23")
    )
    assert ladder_of(events_on(reported, d("Wed 2026-04-01"), is_working_day), "report_due") == []
    # the meeting and preparation are over too: no events for their deadlines
    keys = {e.deadline_key for e in events_on(reported, d("Wed 2026-04-01"), is_working_day)}
    assert keys == {"decision_due", "review_due"}


def test_review_due_has_no_family_letter_but_is_escalated(is_working_day: IsWorkingDay) -> None:
    steps = [s for s, _, _ in ladder_of(events_on(HELD, d("Wed 2026-04-01"), is_working_day), "review_due")]
    assert "family-late-letter" not in steps
    assert "missed" in steps


def test_advisory_deadline_escalates_one_level_only(is_working_day: IsWorkingDay) -> None:
    """A child under 5: the interim review (CoP 9.178) is guidance, so no step beyond 'missed'."""
    toddler = ReviewFacts(d("Fri 2025-03-14"), date_of_birth=d("Mon 2023-01-02"))
    events = events_on(toddler, d("Thu 2026-12-31"), is_working_day)
    interim = ladder_of(events, "interim_review_due")
    assert [step for step, _, _ in interim] == ["reminder-14-days", "reminder-3-days", "missed"]
    assert interim[2][1] == d("Sun 2025-09-14")  # interim due Sat 13 Sep: 6 months starting with 14 Mar
    assert all(e.advisory for e in events if e.deadline_key == "interim_review_due")


def test_no_interim_review_once_the_child_is_five(is_working_day: IsWorkingDay) -> None:
    older = ReviewFacts(d("Fri 2025-03-14"), date_of_birth=d("Sat 2020-03-14"))
    assert advisory_deadlines(older, ENGLAND_2014) == ()


@pytest.mark.parametrize("step", DEFAULT_LADDER, ids=lambda s: s.name)
def test_every_ladder_step_reaches_someone(step) -> None:  # type: ignore[no-untyped-def]
    assert step.setting_audience or step.la_audience
    assert step.amount > 0
    assert step.citation
