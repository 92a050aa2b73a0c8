"""The final plan's and the not-amending notice's letters say "everything you told us" only once the family's 15
days have ended (Reg 22(2)(c)); a plan issued inside them (recorded as a breach) says only what was heard so far."""

from __future__ import annotations

from datetime import date

import pytest

from notices.context import ReviewContext, final_plan_letter_context, not_amending_letter_context
from notices.render import render_message
from rules.calendar import IsWorkingDay
from rules.facts import Outcome
from rules.rule_set import ENGLAND_2014
from tests.notices.notice_samples import decided

NOTICE = date(2026, 6, 15)  # the proposed amendments: the family's 15 days run to 29 June, a plan from 30 June
EVERYTHING = "We have considered everything you told us"
SO_FAR = "We have considered what you have told us so far"


def _final_plan(issued: date, review: ReviewContext, days: IsWorkingDay) -> str:
    facts = decided(Outcome.AMEND, NOTICE, final_plan_issued_on=issued)
    context = final_plan_letter_context(facts, review, rule_set=ENGLAND_2014, is_working_day=days)
    return " ".join(render_message(context.kind, context).body_text.split())


@pytest.mark.parametrize("issued", [NOTICE, date(2026, 6, 22), date(2026, 6, 29)])
def test_a_final_plan_inside_the_window_never_says_everything_was_considered(
    issued: date, review: ReviewContext, is_working_day: IsWorkingDay
) -> None:
    text = _final_plan(issued, review, is_working_day)
    assert SO_FAR in text and EVERYTHING not in text


@pytest.mark.parametrize("issued", [date(2026, 6, 30), date(2026, 8, 3)])
def test_a_final_plan_after_the_window_says_everything_was_considered(
    issued: date, review: ReviewContext, is_working_day: IsWorkingDay
) -> None:
    assert EVERYTHING in _final_plan(issued, review, is_working_day)


def test_a_not_amending_notice_inside_the_window_says_so_far(
    review: ReviewContext, is_working_day: IsWorkingDay
) -> None:
    facts = decided(Outcome.AMEND, NOTICE, amendments_withdrawn_on=date(2026, 6, 20))
    context = not_amending_letter_context(facts, review, reasons="Pretend-reasons", rule_set=ENGLAND_2014,
                                          is_working_day=is_working_day)  # fmt: skip
    text = " ".join(render_message(context.kind, context).body_text.split())
    assert SO_FAR in text and EVERYTHING not in text
