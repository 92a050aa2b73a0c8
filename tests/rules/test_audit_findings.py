"""One table test per row of issue 10's findings (the legal audit), with weekday-labelled dates.

Each test feeds the audit's (abridged) input to ``rules/`` and checks what the law gives, not what the
engine gave before. Bad input and the CLI's refusals are in ``tests/cli/test_deadlines_cli.py``.
"""

from __future__ import annotations

from datetime import date

from rules.calendar import IsWorkingDay
from rules.consistency import breaches
from rules.deadlines import Deadline, Owner, deadlines_for, due_dates
from rules.escalations import LadderEvent, escalations_due
from rules.facts import Decision, LedBy, Outcome, PhaseTransfer, ReviewFacts, TransferKind
from rules.ladder import Role
from rules.rule_set import ENGLAND_2014
from rules.stages import completed_stages, current_stage
from rules.status import Status, met_on, status_of
from tests.support import d

RULES = ENGLAND_2014
AMEND_2_FEB = ReviewFacts(
    d("Tue 2025-03-04"),
    meeting_held_on=d("Mon 2026-02-02"),
    decision=Decision(Outcome.AMEND, d("Fri 2026-02-20")),
)


def by_key(facts: ReviewFacts, is_working_day: IsWorkingDay) -> dict[str, Deadline]:
    return {dl.key: dl for dl in deadlines_for(facts, RULES, is_working_day=is_working_day)}


def status(facts: ReviewFacts, key: str, today: date, is_working_day: IsWorkingDay) -> Status:
    deadline = by_key(facts, is_working_day)[key]
    return status_of(deadline, met_on(key, facts), completed_stages(facts), today, breaches(facts, RULES))


def events(facts: ReviewFacts, today: date, is_working_day: IsWorkingDay) -> list[LadderEvent]:
    found = deadlines_for(facts, RULES, is_working_day=is_working_day)
    return escalations_due(found, completed_stages(facts), today, RULES.ladder, is_working_day=is_working_day)


def test_late_amendments_are_flagged(is_working_day: IsWorkingDay) -> None:
    """Meeting Mon 2 Feb, amend Fri 20 Feb, notice Fri 15 May: notice due Mon 2 Mar, final plan Mon 27 Apr."""
    facts = ReviewFacts(**{**_fields(AMEND_2_FEB), "amendment_notice_sent_on": d("Fri 2026-05-15")})
    got = due_dates(facts, RULES, is_working_day=is_working_day)
    assert got["amendment_notice_due"] == d("Mon 2026-03-02")
    assert got["final_plan_due"] == d("Mon 2026-04-27")  # M + 84; the late notice does not move it
    assert status(facts, "amendment_notice_due", d("Sat 2026-05-16"), is_working_day) is Status.MET_LATE
    assert status(facts, "final_plan_due", d("Sat 2026-05-16"), is_working_day) is Status.MISSED
    steps = {(e.deadline_key, e.step) for e in events(facts, d("Sat 2026-05-16"), is_working_day)}
    assert ("final_plan_due", "missed") in steps and ("final_plan_due", "escalation-5-working-days") in steps


def test_amend_with_no_notice_is_chased(is_working_day: IsWorkingDay) -> None:
    """Same review, no notice, seven months on (Tue 1 Sep 2026): both the notice and the final plan escalate."""
    got = due_dates(AMEND_2_FEB, RULES, is_working_day=is_working_day)
    assert (got["amendment_notice_due"], got["final_plan_due"]) == (d("Mon 2026-03-02"), d("Mon 2026-04-27"))
    assert got["representations_close"] is None  # never invent a notice
    steps = {(e.deadline_key, e.step) for e in events(AMEND_2_FEB, d("Tue 2026-09-01"), is_working_day)}
    for key in ("amendment_notice_due", "final_plan_due"):
        assert (key, "missed") in steps and (key, "escalation-15-working-days") in steps


def test_cease_appeal_runs_from_the_cease_notice(is_working_day: IsWorkingDay) -> None:
    """Cease proposed Sun 1 Mar 2026, cease notice Wed 15 Apr: appeal by Mon 15 Jun, not Fri 1 May."""
    proposed = ReviewFacts(
        d("Tue 2025-03-04"),
        meeting_held_on=d("Mon 2026-02-16"),
        decision=Decision(Outcome.CEASE, d("Sun 2026-03-01")),
    )
    assert due_dates(proposed, RULES, is_working_day=is_working_day)["appeal_due"] is None
    assert current_stage(proposed) is not None  # the plan stays in force; stage 5 is open
    notice = ReviewFacts(**{**_fields(proposed), "cease_notice_sent_on": d("Wed 2026-04-15")})
    assert due_dates(notice, RULES, is_working_day=is_working_day)["appeal_due"] == d("Mon 2026-06-15")


def test_late_review_keeps_the_four_week_duty(is_working_day: IsWorkingDay) -> None:
    """Review due Fri 13 Mar 2026, meeting Wed 1 Apr: decision by Wed 29 Apr; review_due missed on its own."""
    facts = ReviewFacts(d("Fri 2025-03-14"), meeting_held_on=d("Wed 2026-04-01"))
    got = due_dates(facts, RULES, is_working_day=is_working_day)
    assert (got["review_due"], got["decision_due"]) == (d("Fri 2026-03-13"), d("Wed 2026-04-29"))
    assert status(facts, "review_due", d("Thu 2026-04-02"), is_working_day) is Status.MISSED
    assert status(facts, "decision_due", d("Thu 2026-04-02"), is_working_day) is Status.OPEN
    decided = ReviewFacts(**{**_fields(facts), "decision": Decision(Outcome.MAINTAIN, d("Wed 2026-04-22"))})
    assert status(decided, "decision_due", d("Thu 2026-04-23"), is_working_day) is Status.MET  # day 21


def test_final_plan_inside_the_window_is_a_breach(is_working_day: IsWorkingDay) -> None:
    """Notice Mon 2 Mar 2026, final plan Thu 5 Mar: the window runs to Mon 16 Mar, so a breach, never met."""
    facts = ReviewFacts(
        d("Fri 2025-03-14"),
        meeting_held_on=d("Tue 2026-02-10"),
        decision=Decision(Outcome.AMEND, d("Mon 2026-03-02")),
        amendment_notice_sent_on=d("Mon 2026-03-02"),
        final_plan_issued_on=d("Thu 2026-03-05"),
    )
    assert "2026-03-17" in breaches(facts, RULES)["final_plan_due"]
    assert status(facts, "final_plan_due", d("Fri 2026-03-06"), is_working_day) is Status.BREACH
    lawful = ReviewFacts(**{**_fields(facts), "final_plan_issued_on": d("Tue 2026-03-17")})
    assert breaches(lawful, RULES) == {}
    assert status(lawful, "final_plan_due", d("Wed 2026-03-18"), is_working_day) is Status.MET


def test_transfer_cap_before_the_window_closes_warns(is_working_day: IsWorkingDay) -> None:
    """Notice Thu 5 Feb 2026, school transfer: cap Sat 14 Feb, window to Thu 19 Feb, earliest lawful Fri 20 Feb."""
    facts = ReviewFacts(
        d("Fri 2025-06-20"),
        phase_transfer=PhaseTransfer(TransferKind.SCHOOL, year=2026),
        meeting_held_on=d("Tue 2026-01-20"),
        decision=Decision(Outcome.AMEND, d("Thu 2026-02-05")),
        amendment_notice_sent_on=d("Thu 2026-02-05"),
    )
    found = by_key(facts, is_working_day)
    assert found["final_plan_due"].due_on == d("Sat 2026-02-14")
    assert found["final_plan_due"].earliest_lawful_on == d("Fri 2026-02-20")
    assert "cannot be met lawfully" in (found["final_plan_due"].warning or "")
    assert status(facts, "final_plan_due", d("Mon 2026-02-09"), is_working_day) is Status.BREACH
    reminders = [e for e in events(facts, d("Fri 2026-02-13"), is_working_day) if e.step.startswith("reminder")]
    assert not [e for e in reminders if e.deadline_key in ("final_plan_due", "phase_transfer_due")]


def test_appeal_moves_once(is_working_day: IsWorkingDay) -> None:
    """Maintain letter Mon 23 Oct 2028: raw end Sat 23 Dec 2028, moved once to Wed 27 Dec (not Tue 2 Jan)."""
    facts = ReviewFacts(
        d("Wed 2027-11-10"),
        meeting_held_on=d("Sun 2028-10-01"),
        decision=Decision(Outcome.MAINTAIN, d("Mon 2028-10-23")),
    )
    assert due_dates(facts, RULES, is_working_day=is_working_day)["appeal_due"] == d("Wed 2028-12-27")


def test_reg_21_review_is_owed_by_the_la_and_chased_through_its_roles(is_working_day: IsWorkingDay) -> None:
    facts = ReviewFacts(d("Fri 2025-03-14"), meeting_planned_on=d("Tue 2026-02-10"), led_by=LedBy.LA)
    found = by_key(facts, is_working_day)
    for key in ("invitations_due", "advice_due", "meeting_due"):
        assert found[key].owner is Owner.LA, key
    audiences = {role for e in events(facts, d("Tue 2026-03-31"), is_working_day) for role in e.audience}
    assert Role.SENCO not in audiences and Role.HEAD_TEACHER not in audiences
    assert Role.CASEWORKER in audiences


def test_not_amending_notice_closes_stage_five(is_working_day: IsWorkingDay) -> None:
    """Amend, notice Mon 2 Mar 2026, then Reg 22(4) notice Tue 14 Apr: met, complete, appeal Mon 15 Jun."""
    facts = ReviewFacts(
        d("Fri 2025-03-14"),
        meeting_held_on=d("Tue 2026-02-10"),
        decision=Decision(Outcome.AMEND, d("Mon 2026-03-02")),
        amendment_notice_sent_on=d("Mon 2026-03-02"),
        amendments_withdrawn_on=d("Tue 2026-04-14"),
    )
    assert current_stage(facts) is None
    assert status(facts, "final_plan_due", d("Wed 2026-09-02"), is_working_day) is Status.MET
    assert due_dates(facts, RULES, is_working_day=is_working_day)["appeal_due"] == d("Mon 2026-06-15")


def test_report_is_judged_on_sending(is_working_day: IsWorkingDay) -> None:
    """Meeting Tue 10 Feb 2026: sent Tue 24 Feb (day 14), received Thu 26 Feb (day 16): met."""
    facts = ReviewFacts(
        d("Fri 2025-03-14"),
        meeting_held_on=d("Tue 2026-02-10"),
        report_sent_on=d("Tue 2026-02-24"),
        report_received_on=d("Thu 2026-02-26"),
    )
    assert status(facts, "report_due", d("Fri 2026-02-27"), is_working_day) is Status.MET


def test_maintain_at_a_phase_transfer_leaves_it_open(is_working_day: IsWorkingDay) -> None:
    """Maintain notified Thu 5 Feb 2026 at a school transfer: phase_transfer_due Sat 14 Feb stays open."""
    facts = ReviewFacts(
        d("Fri 2025-06-20"),
        phase_transfer=PhaseTransfer(TransferKind.SCHOOL, year=2026),
        meeting_held_on=d("Mon 2026-01-12"),
        decision=Decision(Outcome.MAINTAIN, d("Thu 2026-02-05")),
    )
    assert status(facts, "phase_transfer_due", d("Fri 2026-02-06"), is_working_day) is Status.DUE_SOON
    assert status(facts, "phase_transfer_due", d("Mon 2026-02-16"), is_working_day) is Status.MISSED
    steps = {(e.deadline_key, e.step) for e in events(facts, d("Mon 2026-02-16"), is_working_day)}
    assert ("phase_transfer_due", "missed") in steps


def test_citations(is_working_day: IsWorkingDay) -> None:
    assert RULES.periods.post16_transfer_lead.citation == "Reg 18(2)"
    appeal = RULES.periods.appeal.citation
    assert "rules 12 and 20" in appeal and "CFA 2014 s51" in appeal and "Regs 43" not in appeal


def _fields(facts: ReviewFacts) -> dict[str, object]:
    return {name: getattr(facts, name) for name in facts.__slots__}  # type: ignore[attr-defined]
