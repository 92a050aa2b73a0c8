"""Phase transfers cap the review (Reg 18; STATUTORY.md section 4).

Pure module. The plan must be amended, naming the next school, before 15
February of the transfer year (most transfers), before 31 March (secondary to
post-16), or at least 5 months before a post-16 to post-16 transfer. Working
back from that cap gives risk warnings (not statutory deadlines): the latest
decision that leaves a 15-day representation window, and the latest meeting
that leaves the LA its 4 weeks before that decision.

A transfer caps only the review it belongs to: one whose cap fell before this
review began (the previous review's decision, or the plan's first issue) was the
previous review's to make (Reg 18(1): "within 12 months of a transfer"), so no
deadline is ever derived from it (STATUTORY.md section 4, last line).
"""

from __future__ import annotations

from datetime import date

from rules.facts import PhaseTransfer, ReviewFacts, TransferKind
from rules.rule_set import RuleSet

__all__ = [
    "latest_safe_decision_on",
    "latest_safe_meeting_on",
    "phase_transfer_due",
    "review_began_on",
    "transfer_cap_on",
]


def phase_transfer_due(transfer: PhaseTransfer, rule_set: RuleSet) -> date:
    """Return the last day the amended plan naming the next placement may be issued."""
    if transfer.kind is TransferKind.POST16:
        if transfer.transfer_on is None:
            raise ValueError("a post16 transfer needs transfer_on")
        return rule_set.periods.post16_transfer_lead.apply(transfer.transfer_on)
    if transfer.year is None:
        raise ValueError(f"a {transfer.kind} transfer needs year")
    if transfer.kind is TransferKind.SECONDARY_TO_POST16:
        month, day = rule_set.post16_transfer_deadline
    else:
        month, day = rule_set.school_transfer_deadline
    return date(transfer.year, month, day)


def review_began_on(facts: ReviewFacts) -> date:
    """Return the day this review began: the previous review's decision (that review ended then), else the
    plan's first issue. Whichever cycle anchor is used, this review cannot act before it (CFA s44(1))."""
    previous = facts.previous_review
    return previous.decision_on if previous is not None else facts.plan_first_issued_on


def transfer_cap_on(facts: ReviewFacts, rule_set: RuleSet) -> date | None:
    """Return this review's Reg 18 cap; None with no transfer, or when the cap passed before the review began."""
    if facts.phase_transfer is None:
        return None
    cap = phase_transfer_due(facts.phase_transfer, rule_set)
    return cap if cap >= review_began_on(facts) else None


def latest_safe_decision_on(cap: date, rule_set: RuleSet) -> date:
    """Return the latest decision (with amendment notice) that still meets the cap (risk warning)."""
    return rule_set.periods.transfer_notice_lead.apply(cap)


def latest_safe_meeting_on(cap: date, rule_set: RuleSet) -> date:
    """Return the latest meeting that leaves the LA its 4 weeks before the safe decision date."""
    return rule_set.periods.meeting_lead.apply(latest_safe_decision_on(cap, rule_set))
