"""The deadline set of one review: the twelve keys of ``domain/cases/README.md``.

Pure module (STATUTORY.md sections 2-6). ``due_dates`` is the fast core (plain
dates, about ten microseconds a review); ``deadlines_for`` adds who owes each
deadline, the stage that meets it and the legal source, for people and the
ladder. A key whose anchor fact is not yet known is ``None``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum
from typing import Final

from rules.appeals import appeal_due
from rules.calendar import IsWorkingDay
from rules.cycle import cycle_anchor_on, next_cycle_anchor_on, review_due
from rules.facts import Outcome, ReviewFacts
from rules.phase_transfers import phase_transfer_due
from rules.rule_set import RuleSet
from rules.stages import Stage

__all__ = ["DEADLINE_KEYS", "Deadline", "DeadlineKey", "Owner", "deadlines_for", "due_dates", "gets_family_letter"]


class DeadlineKey(StrEnum):
    REVIEW_DUE = "review_due"
    MEETING_DUE = "meeting_due"
    PREPARATION_OPENS = "preparation_opens"
    INVITATIONS_DUE = "invitations_due"
    ADVICE_DUE = "advice_due"
    REPORT_DUE = "report_due"
    DECISION_DUE = "decision_due"
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


def _meeting_on(facts: ReviewFacts) -> date | None:
    return facts.meeting_held_on if facts.meeting_held_on is not None else facts.meeting_planned_on


def _appeal_letter_on(facts: ReviewFacts) -> date | None:
    decision = facts.decision
    if decision is None:
        return None
    if decision.outcome is Outcome.AMEND:
        return facts.final_plan_issued_on
    return decision.notified_on


def due_dates(facts: ReviewFacts, rule_set: RuleSet, *, is_working_day: IsWorkingDay) -> dict[str, date | None]:
    """Return every deadline key with its last compliant day, or None where facts do not fix it."""
    periods = rule_set.periods
    review = review_due(cycle_anchor_on(facts, rule_set.cycle_anchor), rule_set)
    meeting_due = periods.meeting_lead.apply(review)
    meeting_on = _meeting_on(facts)
    held = facts.meeting_held_on
    notice = facts.amendment_notice_sent_on
    cap = phase_transfer_due(facts.phase_transfer, rule_set) if facts.phase_transfer is not None else None
    final_plan = periods.final_plan.apply(notice) if notice is not None else None
    if final_plan is not None and cap is not None and cap < final_plan:
        final_plan = cap
    letter_on = _appeal_letter_on(facts)
    next_anchor = next_cycle_anchor_on(facts, rule_set.cycle_anchor)
    return {
        "review_due": review,
        "meeting_due": meeting_due,
        "preparation_opens": rule_set.preparation_lead.apply(meeting_due),
        "invitations_due": periods.invitations_notice.apply(meeting_on) if meeting_on is not None else None,
        "advice_due": periods.advice_circulation.apply(meeting_on) if meeting_on is not None else None,
        "report_due": periods.report.apply(held) if held is not None else None,
        "decision_due": min(periods.decision.apply(held), review) if held is not None else None,
        "representations_close": periods.representations.apply(notice) if notice is not None else None,
        "final_plan_due": final_plan,
        "phase_transfer_due": cap,
        "appeal_due": (
            appeal_due(letter_on, rule_set, is_working_day=is_working_day) if letter_on is not None else None
        ),
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
    "representations_close": _KeyInfo(Owner.NOBODY, None, "representations"),
    "final_plan_due": _KeyInfo(Owner.LA, Stage.PLAN, "final_plan", family_letter=True),
    "phase_transfer_due": _KeyInfo(Owner.LA, Stage.PLAN, None),
    "appeal_due": _KeyInfo(Owner.NOBODY, None, "appeal"),
    "next_review_due": _KeyInfo(Owner.NOBODY, None, "review_cycle"),
}

_FIXED_CITATIONS: Final = {
    "preparation_opens": "policy: preparation_weeks before meeting_due (STATUTORY.md s2)",
    "phase_transfer_due": "Reg 18 (15 Feb / 31 Mar of the transfer year; 5 months before a post-16 move)",
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


def deadlines_for(facts: ReviewFacts, rule_set: RuleSet, *, is_working_day: IsWorkingDay) -> tuple[Deadline, ...]:
    """Return the dated deadlines of a review with owner, stage and citation, in contract order."""
    found = []
    for key, due in due_dates(facts, rule_set, is_working_day=is_working_day).items():
        if due is None:
            continue
        info = _KEY_INFO[key]
        found.append(
            Deadline(key, due, info.owner, info.stage, citation_of(key, rule_set), family_letter=info.family_letter)
        )
    return tuple(found)
