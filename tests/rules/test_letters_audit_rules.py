"""Issue 18's findings in ``rules/`` (the legal audit of 2026-12-04), one test per finding, dates with weekdays.

The letters themselves are tested by rendering them (``tests/notices/test_letters_audit.py``); here is what the
rules decide: a transfer already past (N3), the notice never invented (N4), the family's follow-up letter (N12)
and the interim review of an under-5 (N20).
"""

from __future__ import annotations

from datetime import timedelta

import pytest

from rules.advisories import advisory_deadlines
from rules.calendar import IsWorkingDay
from rules.catch_up import FamilyLetter, select_for_sending
from rules.consistency import order_problems
from rules.deadlines import Deadline, Owner, due_dates
from rules.escalations import escalations_due
from rules.facts import Decision, Outcome, PhaseTransfer, PreviousReview, ReviewFacts, TransferKind
from rules.ladder import DEFAULT_LADDER, Role
from rules.rule_set import ENGLAND_2014
from rules.stages import Stage
from rules.status import met_on
from tests.support import d

RULES = ENGLAND_2014
# AUD15's shape: a Year 6 transfer in 2026 (plan naming the school due Sat 14 Feb 2026); the previous review
# ended with its decision on Fri 20 Feb 2026, so this review (meeting Mon 11 Jan 2027) is not the transfer's.
AFTER_THE_TRANSFER = ReviewFacts(
    d("Mon 2020-06-01"),
    previous_review=PreviousReview(d("Tue 2026-02-03"), d("Fri 2026-02-20")),
    phase_transfer=PhaseTransfer(TransferKind.SCHOOL, year=2026),
    meeting_held_on=d("Mon 2027-01-11"),
    decision=Decision(Outcome.AMEND, d("Fri 2027-01-22")),
    amendment_notice_sent_on=d("Fri 2027-01-22"),
)


def test_n3_a_transfer_whose_date_passed_before_the_review_began_is_refused_by_date_not_year() -> None:
    """The transfer year (2026) equals the previous decision's year: a year-only check let it through."""
    problems = {p.field: p.message for p in order_problems(AFTER_THE_TRANSFER)}
    assert "phase_transfer.year" in problems
    assert "2026-02-14" in problems["phase_transfer.year"] and "2026-02-20" in problems["phase_transfer.year"]


def test_n3_a_post16_move_whose_five_months_passed_before_the_review_is_refused() -> None:
    facts = ReviewFacts(
        d("Mon 2020-06-01"),
        previous_review=PreviousReview(d("Mon 2026-04-13"), d("Mon 2026-05-11")),
        phase_transfer=PhaseTransfer(TransferKind.POST16, transfer_on=d("Tue 2026-09-01")),  # plan due Wed 1 Apr
    )
    assert [p.field for p in order_problems(facts)] == ["phase_transfer.transfer_on"]


def test_n3_a_transfer_due_on_the_day_the_review_began_is_still_this_reviews() -> None:
    facts = ReviewFacts(
        d("Mon 2020-06-01"),
        previous_review=PreviousReview(d("Mon 2026-02-02"), d("Sat 2026-02-14")),
        phase_transfer=PhaseTransfer(TransferKind.SCHOOL, year=2026),
    )
    assert order_problems(facts) == []


def test_n3_no_deadline_is_ever_derived_from_a_past_transfer(is_working_day: IsWorkingDay) -> None:
    """Records written before the check (or a next cycle opened from a transfer review) derive nothing from it."""
    got = due_dates(AFTER_THE_TRANSFER, RULES, is_working_day=is_working_day)
    assert got["phase_transfer_due"] is None
    assert got["final_plan_due"] == d("Fri 2027-03-19")  # N + 56 (earlier than M + 84), not 14 Feb 2026
    assert {a.key for a in advisory_deadlines(AFTER_THE_TRANSFER, RULES)} == set()


def test_n3_the_transfer_review_itself_keeps_its_cap(is_working_day: IsWorkingDay) -> None:
    facts = ReviewFacts(d("Mon 2024-09-02"), phase_transfer=PhaseTransfer(TransferKind.SCHOOL, year=2026))
    assert due_dates(facts, RULES, is_working_day=is_working_day)["phase_transfer_due"] == d("Sat 2026-02-14")
    assert order_problems(facts) == []


def test_n20_an_interim_review_held_meets_the_under_five_date() -> None:
    facts = ReviewFacts(
        d("Wed 2025-10-01"), date_of_birth=d("Thu 2022-03-03"), interim_review_held_on=d("Tue 2026-03-10")
    )
    assert met_on("interim_review_due", facts) == d("Tue 2026-03-10")
    assert order_problems(facts) == []
    too_early = ReviewFacts(d("Wed 2025-10-01"), interim_review_held_on=d("Tue 2025-09-30"))
    assert [p.field for p in order_problems(too_early)] == ["interim_review_held_on"]


DECISION_DUE = Deadline("decision_due", d("Thu 2026-11-26"), Owner.LA, Stage.DECISION, "", family_letter=True)


def _family(today_offset: int) -> list:  # type: ignore[type-arg]
    today = DECISION_DUE.due_on + timedelta(days=today_offset)
    due = escalations_due([DECISION_DUE], frozenset(), today, DEFAULT_LADDER, is_working_day=lambda _: True)
    return [s for s in select_for_sending(due, today, DEFAULT_LADDER).send if Role.FAMILY in s.roles]


def test_n12_the_late_letter_promises_the_day_before_the_product_writes_again() -> None:
    """Decision due Thu 26 Nov 2026; the late letter (Mon 23 Nov) gives Thu 10 Dec, and the follow-up goes Fri 11."""
    (letter,) = _family(-3)
    assert letter.family_letter is FamilyLetter.AHEAD and letter.event.step == "family-late-letter"
    assert (letter.expected_on, letter.follow_up_on) == (d("Thu 2026-12-10"), d("Fri 2026-12-11"))


def test_n12_the_follow_up_goes_when_the_date_given_has_passed_and_promises_no_further_letter() -> None:
    (letter,) = _family(15)
    assert letter.event.step == "family-follow-up" and letter.family_letter is FamilyLetter.OVERDUE
    assert letter.follow_up_on is None and letter.expected_on == d("Fri 2026-12-25")


@pytest.mark.parametrize("offset", range(-3, 15))
def test_n12_every_first_letter_is_followed_up_after_its_date(offset: int) -> None:
    (letter,) = _family(offset)
    assert letter.follow_up_on is not None and letter.expected_on is not None
    assert letter.expected_on < letter.follow_up_on
