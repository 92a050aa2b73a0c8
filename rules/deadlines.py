"""The deadline set of one review: the thirteen keys of ``domain/cases/README.md``.

Pure module (STATUTORY.md sections 2-6). ``due_dates`` is the fast core (plain
dates, about ten microseconds a review); ``deadlines_for`` adds who owes each
deadline, the stage that meets it and the legal source, for people and the
ladder. A key whose anchor fact is not yet known is ``None``.

Stage 5 follows *Devon* (STATUTORY.md section 3): an amend decision owes the
amendment notice by M + 28 and the final plan (or the Reg 22(4) not-amending
notice) by the earlier of M + 84 and N + 56, capped by a phase transfer; with no
notice yet, M + 84. Where that day falls inside the representation window the
deadline carries the earliest lawful issue day instead of asking for a plan the
law forbids. Under Reg 21 the LA, not a setting, owes stages 1-3.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

from rules.appeals import appeal_due
from rules.calendar import IsWorkingDay
from rules.consistency import BREACHED_BY_FINAL_PLAN, earliest_lawful_issue_on, window_closes_on
from rules.cycle import cycle_anchor_on, next_cycle_anchor_on, review_due, review_due_of, transfer_in_extends
from rules.facts import LedBy, Outcome, ReviewFacts
from rules.phase_transfers import transfer_cap_on
from rules.rule_set import RuleSet
from rules.stages import Stage

__all__ = [
    "DEADLINE_KEYS",
    "LED_BY_REG_21",
    "Deadline",
    "DeadlineKey",
    "Owner",
    "appeal_letter_on",
    "deadlines_for",
    "due_dates",
    "gets_family_letter",
    "owner_of",
]


class DeadlineKey(StrEnum):
    REVIEW_DUE = "review_due"
    MEETING_DUE = "meeting_due"
    PREPARATION_OPENS = "preparation_opens"
    INVITATIONS_DUE = "invitations_due"
    ADVICE_DUE = "advice_due"
    REPORT_DUE = "report_due"
    DECISION_DUE = "decision_due"
    AMENDMENT_NOTICE_DUE = "amendment_notice_due"
    REPRESENTATIONS_CLOSE = "representations_close"
    FINAL_PLAN_DUE = "final_plan_due"
    PHASE_TRANSFER_DUE = "phase_transfer_due"
    APPEAL_DUE = "appeal_due"
    NEXT_REVIEW_DUE = "next_review_due"


DEADLINE_KEYS: Final = tuple(DeadlineKey)


class Owner(StrEnum):
    """Who owes a deadline. ``NOBODY`` marks dates that are windows, openings or forecasts."""

    SETTING = "setting"
    LA = "la"
    NOBODY = "none"


@dataclass(frozen=True, slots=True)
class Deadline:
    """One dated deadline with what the ladder and a reader need to know about it."""

    key: str
    due_on: date
    owner: Owner
    stage: Stage | None
    citation: str
    advisory: bool = False
    family_letter: bool = False
    earliest_lawful_on: date | None = None
    """Set when the deadline falls inside the representation window: it cannot be met lawfully,
    and this is the first day the document may be issued (window close + 1)."""
    closed_by_stage: bool = True
    """False for a deadline only its own fact meets (a phase transfer: only a final amended plan)."""

    @property
    def warning(self) -> str | None:
        """The "cannot be met lawfully" warning a reader must see, if any."""
        if self.earliest_lawful_on is None:
            return None
        return (
            f"cannot be met lawfully: the family's 15 days for representations (Reg 22(2)(c)) end after "
            f"{self.due_on}; the earliest lawful issue is {self.earliest_lawful_on}"
        )


def _meeting_on(facts: ReviewFacts) -> date | None:
    return facts.meeting_held_on if facts.meeting_held_on is not None else facts.meeting_planned_on


def appeal_letter_on(facts: ReviewFacts) -> date | None:
    """Return the date of the letter the appeal period runs from (STATUTORY.md section 6), if sent.

    Maintain: the decision letter. Amend: the final amended plan, or the Reg 22(4) not-amending
    notice. Cease: the Reg 31 cease notice (none yet while consultation runs).
    """
    decision = facts.decision
    if decision is None:
        return None
    if decision.outcome is Outcome.AMEND:
        return facts.final_plan_issued_on or facts.amendments_withdrawn_on
    if decision.outcome is Outcome.CEASE:
        return facts.cease_notice_sent_on
    return decision.notified_on


def _final_plan_due(facts: ReviewFacts, rule_set: RuleSet, cap: date | None) -> date | None:
    decision, held = facts.decision, facts.meeting_held_on
    if decision is None or decision.outcome is not Outcome.AMEND or held is None:
        return None
    periods, notice = rule_set.periods, facts.amendment_notice_sent_on
    due = periods.final_plan_from_meeting.apply(held)
    if notice is not None:
        due = min(due, periods.final_plan.apply(notice))
    return min(due, cap) if cap is not None else due


def _amend_only(facts: ReviewFacts, due: date | None) -> date | None:
    amend = facts.decision is not None and facts.decision.outcome is Outcome.AMEND
    return due if amend else None


def due_dates(facts: ReviewFacts, rule_set: RuleSet, *, is_working_day: IsWorkingDay) -> dict[str, date | None]:
    """Return every deadline key with its last compliant day, or None where facts do not fix it."""
    periods = rule_set.periods
    review = review_due_of(facts, rule_set)
    meeting_due = periods.meeting_lead.apply(review)
    meeting_on = _meeting_on(facts)
    held = facts.meeting_held_on
    notice = facts.amendment_notice_sent_on
    cap = transfer_cap_on(facts, rule_set)  # None for a transfer an earlier review owed (Reg 18(1))
    letter_on = appeal_letter_on(facts)
    next_anchor = next_cycle_anchor_on(facts, rule_set.cycle_anchor)
    appeal = None
    if letter_on is not None:
        certificate = facts.mediation_certificate_on
        appeal = appeal_due(letter_on, rule_set, is_working_day=is_working_day, mediation_certificate_on=certificate)
    return {
        "review_due": review,
        "meeting_due": meeting_due,
        "preparation_opens": rule_set.preparation_lead.apply(meeting_due),
        "invitations_due": periods.invitations_notice.apply(meeting_on) if meeting_on is not None else None,
        "advice_due": periods.advice_circulation.apply(meeting_on) if meeting_on is not None else None,
        "report_due": periods.report.apply(held) if held is not None else None,
        "decision_due": periods.decision.apply(held) if held is not None else None,
        "amendment_notice_due": _amend_only(facts, periods.amendment_notice.apply(held) if held else None),
        "representations_close": window_closes_on(notice, rule_set) if notice is not None else None,
        "final_plan_due": _final_plan_due(facts, rule_set, cap),
        "phase_transfer_due": cap,
        "appeal_due": appeal,
        "next_review_due": review_due(next_anchor, rule_set) if next_anchor is not None else None,
    }


@dataclass(frozen=True, slots=True)
class _KeyInfo:
    owner: Owner
    stage: Stage | None
    period: str | None
    family_letter: bool = False


_KEY_INFO: Final[dict[str, _KeyInfo]] = {
    "review_due": _KeyInfo(Owner.LA, Stage.DECISION, "review_cycle"),
    "meeting_due": _KeyInfo(Owner.SETTING, Stage.MEETING, "meeting_lead"),
    "preparation_opens": _KeyInfo(Owner.NOBODY, None, None),
    "invitations_due": _KeyInfo(Owner.SETTING, Stage.PREPARATION, "invitations_notice"),
    "advice_due": _KeyInfo(Owner.SETTING, Stage.PREPARATION, "advice_circulation"),
    "report_due": _KeyInfo(Owner.SETTING, Stage.REPORT, "report"),
    "decision_due": _KeyInfo(Owner.LA, Stage.DECISION, "decision", family_letter=True),
    "amendment_notice_due": _KeyInfo(Owner.LA, Stage.PLAN, "amendment_notice", family_letter=True),
    "representations_close": _KeyInfo(Owner.NOBODY, None, "representations"),
    "final_plan_due": _KeyInfo(Owner.LA, Stage.PLAN, None, family_letter=True),
    "phase_transfer_due": _KeyInfo(Owner.LA, Stage.PLAN, None),
    "appeal_due": _KeyInfo(Owner.NOBODY, None, "appeal"),
    "next_review_due": _KeyInfo(Owner.NOBODY, None, "review_cycle"),
}

_FIXED_CITATIONS: Final = {
    "preparation_opens": "policy: preparation_weeks before meeting_due (STATUTORY.md s2)",
    "phase_transfer_due": "Reg 18(1), 18(2) (15 Feb / 31 Mar of the transfer year; 5 months before a post-16 move)",
    "final_plan_due": (
        "Reg 22(3), 22(4): 8 weeks from the notice, and at most 12 weeks from the meeting "
        "(R (L, M and P) v Devon CC [2022] EWHC 493 (Admin)); capped by Reg 18"
    ),
}

LED_BY_REG_21: Final = frozenset({"invitations_due", "advice_due", "meeting_due", "report_due"})
"""Stages 1-3 duties the LA owes itself where the child attends no school or college (Reg 21)."""

_REG_21_CITATIONS: Final = {
    "invitations_due": "Reg 21(3); CoP 9.176",
    "advice_due": "Reg 21(4); CoP 9.176",
    "meeting_due": "Reg 21(1); product rule: leaves the LA its 4 weeks inside s44(1)",
    "report_due": "Reg 21(7); CoP 9.176",
}


def gets_family_letter(key: str) -> bool:
    """Return whether the family is warned before this deadline is missed (STATUTORY.md s5)."""
    info = _KEY_INFO.get(key)
    return info is not None and info.family_letter


def citation_of(key: str, rule_set: RuleSet) -> str:
    """Return the legal source of a deadline key under a rule set."""
    info = _KEY_INFO[key]
    if info.period is None:
        return _FIXED_CITATIONS[key]
    citation: str = getattr(rule_set.periods, info.period).citation
    return citation


def owner_of(key: str, facts: ReviewFacts) -> Owner:
    """Return who owes a deadline: the setting's stage 1-3 duties pass to the LA under Reg 21."""
    if facts.led_by is LedBy.LA and key in LED_BY_REG_21:
        return Owner.LA
    return _KEY_INFO[key].owner


def _unlawful_from(key: str, due: date, facts: ReviewFacts, rule_set: RuleSet) -> date | None:
    """The earliest lawful issue day when ``due`` falls inside the representation window, else None."""
    if key not in BREACHED_BY_FINAL_PLAN or facts.final_plan_issued_on is not None:
        return None
    earliest = earliest_lawful_issue_on(facts, rule_set)
    return earliest if earliest is not None and due < earliest else None


def _transferred_in(facts: ReviewFacts, rule_set: RuleSet) -> bool:
    return transfer_in_extends(facts, cycle_anchor_on(facts, rule_set.cycle_anchor), rule_set) is not None


def deadlines_for(facts: ReviewFacts, rule_set: RuleSet, *, is_working_day: IsWorkingDay) -> tuple[Deadline, ...]:
    """Return the dated deadlines of a review with owner, stage and citation, in contract order."""
    found = []
    reg_21 = facts.led_by is LedBy.LA
    for key, due in due_dates(facts, rule_set, is_working_day=is_working_day).items():
        if due is None:
            continue
        info = _KEY_INFO[key]
        citation = _REG_21_CITATIONS[key] if reg_21 and key in LED_BY_REG_21 else citation_of(key, rule_set)
        if key == "review_due" and _transferred_in(facts, rule_set):
            citation = rule_set.periods.transfer_in_review.citation
        found.append(
            Deadline(
                key,
                due,
                owner_of(key, facts),
                info.stage,
                citation,
                family_letter=info.family_letter,
                earliest_lawful_on=_unlawful_from(key, due, facts, rule_set),
                closed_by_stage=key != "phase_transfer_due",
            )
        )
    return tuple(found)
