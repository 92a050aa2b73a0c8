"""Every message of three reviews the audit read (a late notice, a phase transfer, a cease on the decision's day),
rendered and read for sentences that would be false on the review's facts (issue 18, "Done means")."""

from __future__ import annotations

import re
from datetime import date

import pytest
from letter_scenarios import CEASE_ON_THE_DAY, SCENARIOS, Scenario, scenario_messages

from notices.kinds import MessageKind
from notices.render import RenderedMessage
from rules.calendar import IsWorkingDay
from rules.consistency import earliest_lawful_issue_on
from rules.rule_set import ENGLAND_2014

MONTHS = ("January February March April May June July August September October November December").split()
DATE = re.compile(r"(Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday) (\d{1,2}) (\w+) (\d{4})")


def _dated(text: str) -> date:
    found = DATE.search(text)
    assert found, text
    return date(int(found[4]), MONTHS.index(found[3]) + 1, int(found[2]))


def _messages(scenario: Scenario, is_working_day: IsWorkingDay) -> list[tuple[str, RenderedMessage]]:
    return scenario_messages(scenario, is_working_day)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_no_letter_promises_a_final_plan_the_law_forbids(scenario: Scenario, is_working_day: IsWorkingDay) -> None:
    earliest = earliest_lawful_issue_on(scenario.before, ENGLAND_2014)
    for _, message in _messages(scenario, is_working_day):
        for promise in re.findall(r"We will issue it by ([^.]+?) at the latest", message.body_text):
            assert earliest is None or _dated(promise) >= earliest, (message.kind, promise)


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_a_promise_to_write_again_is_kept_by_a_later_family_letter(
    scenario: Scenario, is_working_day: IsWorkingDay
) -> None:
    family = [
        m
        for who, m in _messages(scenario, is_working_day)
        if m.kind in (MessageKind.FAMILY_LATE_LETTER, MessageKind.FAMILY_OVERDUE_LETTER)
    ]
    for message in family:
        if "we will write to you again" in message.body_text:
            assert "If we have not done it by then" in message.body_text
        else:
            assert "please contact" in message.body_text


def test_a_cease_on_the_decisions_day_sends_the_family_one_formal_notice_claiming_no_consultation(
    is_working_day: IsWorkingDay,
) -> None:
    messages = _messages(CEASE_ON_THE_DAY, is_working_day)
    family = [
        m for who, m in messages if who == "family" and m.kind in (MessageKind.DECISION_CEASE, MessageKind.CEASE_NOTICE)
    ]
    assert len(family) == 1 and "This letter is our formal notice" in family[0].body_text
    for _, message in messages:
        for claim in ("we consulted", "we were considering", "We have considered what you told us"):
            assert claim not in message.body_text


def test_the_three_reviews_send_every_kind_of_message_a_review_sends(is_working_day: IsWorkingDay) -> None:
    kinds = {m.kind for s in SCENARIOS for _, m in _messages(s, is_working_day)}
    assert kinds >= {
        MessageKind.SETTING_REMINDER,
        MessageKind.SETTING_MISSED,
        MessageKind.LA_REMINDER,
        MessageKind.LA_MISSED,
        MessageKind.ESCALATION,
        MessageKind.FAMILY_LATE_LETTER,
        MessageKind.FAMILY_OVERDUE_LETTER,
        MessageKind.DECISION_AMEND,
        MessageKind.DECISION_CEASE,
        MessageKind.AMENDMENT_NOTICE,
        MessageKind.CEASE_NOTICE,
        MessageKind.FINAL_PLAN_ISSUED,
        MessageKind.NOT_AMENDING_NOTICE,
        MessageKind.APPEAL_AFTER_MEDIATION,
    }


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[s.name for s in SCENARIOS])
def test_no_subject_names_the_child(scenario: Scenario, is_working_day: IsWorkingDay) -> None:
    for _, message in _messages(scenario, is_working_day):
        assert "Zephyrine" not in message.subject + message.summary
