"""One table per statutory rule (STATUTORY.md sections 2-6), each case with weekday-labelled dates."""

from __future__ import annotations

from datetime import timedelta

import pytest

from rules.calendar import IsWorkingDay
from rules.deadlines import Owner, deadlines_for, due_dates
from rules.facts import Decision, Outcome, PhaseTransfer, PreviousReview, ReviewFacts, TransferKind
from rules.rule_set import ENGLAND_2014, CycleAnchor
from tests.support import d

RULES = ENGLAND_2014


def dates_of(facts: ReviewFacts, is_working_day: IsWorkingDay, rule_set=RULES):  # type: ignore[no-untyped-def]
    return due_dates(facts, rule_set, is_working_day=is_working_day)


@pytest.mark.parametrize(
    ("first_issued", "review_due", "meeting_due", "preparation_opens"),
    [
        ("Fri 2025-03-14", "Fri 2026-03-13", "Fri 2026-02-13", "Fri 2025-12-19"),
        ("Thu 2024-02-29", "Fri 2025-02-28", "Fri 2025-01-31", "Fri 2024-12-06"),  # leap-day plan
        ("Sat 2025-03-01", "Sat 2026-02-28", "Sat 2026-01-31", "Sat 2025-12-06"),
        ("Wed 2025-12-31", "Wed 2026-12-30", "Wed 2026-12-02", "Wed 2026-10-07"),  # year end
        ("Fri 2023-03-31", "Sat 2024-03-30", "Sat 2024-03-02", "Sat 2024-01-06"),  # meeting due crosses 29 Feb
    ],
    ids=lambda v: v,
)
def test_review_due_is_last_day_of_12_months_starting_with_first_plan(
    first_issued: str, review_due: str, meeting_due: str, preparation_opens: str, is_working_day: IsWorkingDay
) -> None:
    """CFA 2014 s44(1); CoP 9.169; meeting due = review due - 28 days; preparation = 8 weeks before."""
    got = dates_of(ReviewFacts(d(first_issued)), is_working_day)
    assert (got["review_due"], got["meeting_due"], got["preparation_opens"]) == (
        d(review_due),
        d(meeting_due),
        d(preparation_opens),
    )


@pytest.mark.parametrize(
    ("anchor", "expected"),
    [(CycleAnchor.DECISION, "Fri 2026-04-24"), (CycleAnchor.MEETING, "Tue 2026-03-31")],
)
def test_later_review_counts_from_the_previous_review_by_setting(
    anchor: CycleAnchor, expected: str, is_working_day: IsWorkingDay
) -> None:
    previous = PreviousReview(meeting_on=d("Tue 2025-04-01"), decision_on=d("Fri 2025-04-25"))
    facts = ReviewFacts(d("Tue 2023-05-02"), previous_review=previous)
    got = dates_of(facts, is_working_day, RULES.with_settings(cycle_anchor=anchor))
    assert got["review_due"] == d(expected)


def test_preparation_weeks_setting_moves_preparation_opens(is_working_day: IsWorkingDay) -> None:
    got = dates_of(ReviewFacts(d("Fri 2025-03-14")), is_working_day, RULES.with_settings(preparation_weeks=6))
    assert got["preparation_opens"] == d("Fri 2026-01-02")  # meeting due Fri 13 Feb - 42 days


@pytest.mark.parametrize(
    ("planned", "held", "invitations"),
    [
        ("Tue 2026-02-10", None, "Tue 2026-01-27"),  # Reg 20(3): 2 weeks before the planned meeting
        ("Tue 2026-02-10", "Thu 2026-02-12", "Thu 2026-01-29"),  # held date wins once known
        (None, "Sun 2026-03-01", "Sun 2026-02-15"),
    ],
)
def test_invitations_and_advice_due_two_weeks_before_the_meeting(
    planned: str | None, held: str | None, invitations: str, is_working_day: IsWorkingDay
) -> None:
    facts = ReviewFacts(
        d("Fri 2025-03-14"),
        meeting_planned_on=d(planned) if planned else None,
        meeting_held_on=d(held) if held else None,
    )
    got = dates_of(facts, is_working_day)
    assert got["invitations_due"] == got["advice_due"] == d(invitations)


@pytest.mark.parametrize(
    ("held", "report", "decision"),
    [
        ("Tue 2026-02-10", "Tue 2026-02-24", "Tue 2026-03-10"),  # Reg 20(7)/(10): 2 and 4 weeks
        ("Thu 2026-02-26", "Thu 2026-03-12", "Thu 2026-03-26"),  # past review due (Fri 13 Mar): never capped
        ("Sun 2026-03-01", "Sun 2026-03-15", "Sun 2026-03-29"),  # a late meeting keeps its 4 weeks
        ("Wed 2026-04-01", "Wed 2026-04-15", "Wed 2026-04-29"),  # meeting after review due: still M + 28
    ],
)
def test_report_two_weeks_and_decision_four_weeks_after_meeting_uncapped(
    held: str, report: str, decision: str, is_working_day: IsWorkingDay
) -> None:
    """Reg 20(10) counts from the meeting; review_due (s44(1)) is a separate duty, missed on its own."""
    got = dates_of(ReviewFacts(d("Fri 2025-03-14"), meeting_held_on=d(held)), is_working_day)
    assert (got["report_due"], got["decision_due"]) == (d(report), d(decision))
    assert got["decision_due"] > d(held)


def amend(notice: str, transfer: PhaseTransfer | None = None, final_plan: str | None = None) -> ReviewFacts:
    """An amend review whose meeting was 3 weeks before the notice (so M + 84 is later than N + 56)."""
    return ReviewFacts(
        d("Fri 2025-06-20"),
        meeting_held_on=d(notice) - timedelta(days=21),
        decision=Decision(Outcome.AMEND, d(notice)),
        amendment_notice_sent_on=d(notice),
        phase_transfer=transfer,
        final_plan_issued_on=d(final_plan) if final_plan else None,
    )


@pytest.mark.parametrize(
    ("notice", "representations_close", "final_plan_due"),
    [
        ("Mon 2026-03-02", "Mon 2026-03-16", "Mon 2026-04-27"),  # 15 days are 2..16 Mar; Reg 22(3) 8 weeks
        ("Fri 2026-02-20", "Fri 2026-03-06", "Fri 2026-04-17"),  # across February's end
        ("Mon 2026-12-21", "Mon 2027-01-04", "Mon 2027-02-15"),  # no holiday exceptions (Regs 18-22)
    ],
)
def test_representations_window_and_final_plan(
    notice: str, representations_close: str, final_plan_due: str, is_working_day: IsWorkingDay
) -> None:
    got = dates_of(amend(notice), is_working_day)
    assert (got["representations_close"], got["final_plan_due"]) == (d(representations_close), d(final_plan_due))


@pytest.mark.parametrize(
    ("transfer", "cap"),
    [
        (PhaseTransfer(TransferKind.SCHOOL, year=2026), "Sat 2026-02-14"),  # Reg 18: before 15 February
        (PhaseTransfer(TransferKind.SECONDARY_TO_POST16, year=2026), "Mon 2026-03-30"),  # before 31 March
        (PhaseTransfer(TransferKind.POST16, transfer_on=d("Wed 2027-09-01")), "Thu 2027-04-01"),  # 5 months
        (PhaseTransfer(TransferKind.POST16, transfer_on=d("Sat 2027-07-31")), "Sun 2027-02-28"),  # clamped
        (PhaseTransfer(TransferKind.POST16, transfer_on=d("Thu 2028-08-31")), "Fri 2028-03-31"),
    ],
)
def test_phase_transfer_due(transfer: PhaseTransfer, cap: str, is_working_day: IsWorkingDay) -> None:
    got = dates_of(ReviewFacts(d("Fri 2025-06-20"), phase_transfer=transfer), is_working_day)
    assert got["phase_transfer_due"] == d(cap)


def test_final_plan_due_is_capped_by_phase_transfer(is_working_day: IsWorkingDay) -> None:
    got = dates_of(amend("Fri 2026-01-30", PhaseTransfer(TransferKind.SCHOOL, year=2026)), is_working_day)
    assert got["final_plan_due"] == d("Sat 2026-02-14")  # 8 weeks would be Fri 27 Mar


def test_final_plan_due_uncapped_when_transfer_is_later(is_working_day: IsWorkingDay) -> None:
    got = dates_of(amend("Fri 2026-01-30", PhaseTransfer(TransferKind.SCHOOL, year=2027)), is_working_day)
    assert got["final_plan_due"] == d("Fri 2026-03-27")


@pytest.mark.parametrize(
    ("outcome", "notified", "final_plan", "appeal"),
    [
        (Outcome.MAINTAIN, "Mon 2026-06-15", None, "Tue 2026-09-01"),  # 15 Aug: August -> 1st working day Sep
        (Outcome.CEASE, "Sat 2026-10-31", None, "Mon 2027-01-04"),  # 31 Dec -> first working day after 1 Jan
        (Outcome.MAINTAIN, "Thu 2026-10-01", None, "Tue 2026-12-01"),  # an ordinary working day stays
        (Outcome.MAINTAIN, "Wed 2026-03-25", None, "Tue 2026-05-26"),  # Mon 25 May: Spring bank holiday
        (Outcome.CEASE, "Mon 2026-04-20", None, "Mon 2026-06-22"),  # Sat 20 Jun: the next working day
        (Outcome.MAINTAIN, "Tue 2026-06-30", None, "Tue 2026-09-01"),  # 30 Aug: August again
        (Outcome.MAINTAIN, "Fri 2026-07-31", None, "Wed 2026-09-30"),  # 30 Sep (clamped from 31 Sep)
        (Outcome.MAINTAIN, "Sun 2026-10-25", None, "Mon 2027-01-04"),  # Christmas Day -> after 1 Jan
        (Outcome.CEASE, "Sun 2026-11-01", None, "Mon 2027-01-04"),  # 1 Jan itself moves too
        (Outcome.MAINTAIN, "Mon 2000-10-23", None, "Wed 2000-12-27"),  # Sat 23 Dec: one move only (rule 12)
        (Outcome.MAINTAIN, "Mon 2028-10-23", None, "Wed 2028-12-27"),  # Sat 23 Dec 2028: no chaining into Jan
        (Outcome.MAINTAIN, "Mon 2027-05-31", None, "Mon 2027-08-02"),  # Sat 31 Jul -> Mon 2 Aug, not September
        (Outcome.AMEND, "Mon 2026-03-02", None, None),  # amend: no appeal until the final plan
        (Outcome.AMEND, "Mon 2026-03-02", "Mon 2026-04-20", "Mon 2026-06-22"),  # from the final plan
    ],
)
def test_appeal_due(
    outcome: Outcome, notified: str, final_plan: str | None, appeal: str | None, is_working_day: IsWorkingDay
) -> None:
    facts = ReviewFacts(
        d("Tue 2025-07-01"),
        meeting_held_on=d("Mon 2026-02-02"),
        decision=Decision(outcome, d(notified)),
        amendment_notice_sent_on=d(notified) if outcome is Outcome.AMEND else None,
        final_plan_issued_on=d(final_plan) if final_plan else None,
        cease_notice_sent_on=d(notified) if outcome is Outcome.CEASE else None,  # the letter is the cease notice
    )
    got = dates_of(facts, is_working_day)
    assert got["appeal_due"] == (d(appeal) if appeal else None)


@pytest.mark.parametrize(
    ("anchor", "expected"),
    [(CycleAnchor.DECISION, "Mon 2027-03-01"), (CycleAnchor.MEETING, "Tue 2027-02-09")],
)
def test_next_review_due_from_this_review(anchor: CycleAnchor, expected: str, is_working_day: IsWorkingDay) -> None:
    facts = ReviewFacts(
        d("Fri 2025-03-14"),
        meeting_held_on=d("Tue 2026-02-10"),
        decision=Decision(Outcome.MAINTAIN, d("Mon 2026-03-02")),
    )
    got = dates_of(facts, is_working_day, RULES.with_settings(cycle_anchor=anchor))
    assert got["next_review_due"] == d(expected)


def test_next_review_due_waits_for_the_anchor_fact(is_working_day: IsWorkingDay) -> None:
    facts = ReviewFacts(d("Fri 2025-03-14"), meeting_held_on=d("Tue 2026-02-10"))
    assert dates_of(facts, is_working_day)["next_review_due"] is None
    meeting_rules = RULES.with_settings(cycle_anchor=CycleAnchor.MEETING)
    assert dates_of(facts, is_working_day, meeting_rules)["next_review_due"] == d("Tue 2027-02-09")


def test_deadlines_for_names_owner_and_citation(is_working_day: IsWorkingDay) -> None:
    facts = ReviewFacts(d("Fri 2025-03-14"), meeting_held_on=d("Tue 2026-02-10"))
    by_key = {dl.key: dl for dl in deadlines_for(facts, RULES, is_working_day=is_working_day)}
    assert by_key["report_due"].owner is Owner.SETTING
    assert "20(7)" in by_key["report_due"].citation
    assert by_key["decision_due"].owner is Owner.LA
    assert "Devon" in by_key["decision_due"].citation
    assert by_key["decision_due"].family_letter
    assert "final_plan_due" not in by_key  # not yet fixed by the facts


@pytest.mark.parametrize(
    ("first_issued", "previous", "transferred_in", "review_due"),
    [
        # 12 months from the plan end Tue 9 Mar 2027; 3 months from Mon 1 Feb 2027 end Sat 1 May 2027: the later
        ("Tue 2026-03-10", None, "Mon 2027-02-01", "Sat 2027-05-01"),
        # transferred early in the cycle: the 12 months (Tue 9 Mar 2027) are later than 3 months (Sat 1 Aug 2026)
        ("Tue 2026-03-10", None, "Fri 2026-05-01", "Tue 2027-03-09"),
        # the plan keeps the old council's review: 12 months from its decision of Mon 2 Nov 2026 end Mon 1 Nov 2027
        ("Mon 2022-01-10", ("Mon 2026-10-12", "Mon 2026-11-02"), "Tue 2027-09-14", "Tue 2027-12-14"),
        # a review the new council held after the transfer starts the ordinary cycle again
        ("Mon 2022-01-10", ("Mon 2026-10-12", "Mon 2026-11-02"), "Tue 2026-09-01", "Mon 2027-11-01"),
        # 3 months from Sat 30 Nov 2024 clamp to Fri 28 Feb 2025, the same day as the 12 months: no later date
        ("Fri 2024-03-01", None, "Sat 2024-11-30", "Fri 2025-02-28"),
    ],
    ids=["transfer-late-in-cycle", "transfer-early-in-cycle", "kept-old-council-review", "after-a-new-review",
         "month-end-clamp-tie"],
)
def test_first_review_after_a_transfer_in_is_due_by_the_later_of_12_months_and_3_months_from_it(
    first_issued: str, previous: tuple[str, str] | None, transferred_in: str, review_due: str,
    is_working_day: IsWorkingDay,
) -> None:
    """SEND Regs 2014 reg 15: the plan counts as made on the old council's date; the review after the transfer is
    due by the later of the 12 months (CFA s44(1)) and 3 months from the transfer day."""
    previous_review = PreviousReview(d(previous[0]), d(previous[1])) if previous else None
    facts = ReviewFacts(d(first_issued), previous_review=previous_review, transferred_in_on=d(transferred_in))
    got = dates_of(facts, is_working_day)
    assert got["review_due"] == d(review_due)
    assert got["meeting_due"] == d(review_due) - timedelta(days=28)
    citation = next(x.citation for x in deadlines_for(facts, RULES, is_working_day=is_working_day)
                    if x.key == "review_due")
    assert ("reg 15" in citation) is (d(review_due) != dates_of(ReviewFacts(d(first_issued), previous_review),
                                                               is_working_day)["review_due"])
