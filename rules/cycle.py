"""When a review falls due: the annual cycle (STATUTORY.md section 2).

Pure module. The review must be completed (the LA's decision notified) within
the 12 months starting with the anchor: the first plan's issue date for the
first review, afterwards the previous review's decision date (default) or its
meeting date (``CycleAnchor.MEETING``). CFA 2014 s44(1); CoP 9.169.
"""

from __future__ import annotations

from datetime import date

from rules.facts import ReviewFacts
from rules.rule_set import CycleAnchor, RuleSet

__all__ = ["cycle_anchor_on", "interim_review_due", "next_cycle_anchor_on", "review_due", "review_due_of",
           "transfer_in_extends"]

UNDER_FIVE_YEARS = 5


def cycle_anchor_on(facts: ReviewFacts, anchor: CycleAnchor) -> date:
    """Return the date this review's 12 months start with."""
    previous = facts.previous_review
    if previous is None:
        return facts.plan_first_issued_on
    return previous.decision_on if anchor is CycleAnchor.DECISION else previous.meeting_on


def next_cycle_anchor_on(facts: ReviewFacts, anchor: CycleAnchor) -> date | None:
    """Return the date the next review's 12 months start with, once this review has fixed it."""
    if anchor is CycleAnchor.MEETING:
        return facts.meeting_held_on
    return facts.decision.notified_on if facts.decision is not None else None


def review_due(anchor_on: date, rule_set: RuleSet) -> date:
    """Return the last day on which the review may be completed (CFA s44(1))."""
    return rule_set.periods.review_cycle.apply(anchor_on)


def transfer_in_extends(facts: ReviewFacts, anchor_on: date, rule_set: RuleSet) -> date | None:
    """Return the later review date a transfer in gives this review (Reg 15), or None when it gives none.

    Only the first review after the transfer: one whose 12 months began before the transfer day."""
    moved = facts.transferred_in_on
    if moved is None or anchor_on >= moved:
        return None
    extended = rule_set.periods.transfer_in_review.apply(moved)
    return extended if extended > review_due(anchor_on, rule_set) else None


def review_due_of(facts: ReviewFacts, rule_set: RuleSet) -> date:
    """Return this review's last day (CFA s44(1)), moved later for the first review after a transfer in (Reg 15)."""
    anchor_on = cycle_anchor_on(facts, rule_set.cycle_anchor)
    return transfer_in_extends(facts, anchor_on, rule_set) or review_due(anchor_on, rule_set)


def _fifth_birthday(date_of_birth: date) -> date:
    try:
        return date_of_birth.replace(year=date_of_birth.year + UNDER_FIVE_YEARS)
    except ValueError:  # born 29 February: the birthday is taken as 1 March
        return date(date_of_birth.year + UNDER_FIVE_YEARS, 3, 1)


def interim_review_due(facts: ReviewFacts, anchor_on: date, rule_set: RuleSet) -> date | None:
    """Return the advisory interim review date for a child under 5 (CoP 9.178), else None.

    The interim date counts ``under_five_cycle_months`` starting with the cycle
    anchor, and applies only while the child is still under 5 on that date.
    """
    if facts.date_of_birth is None:
        return None
    due = rule_set.under_five_cycle.apply(anchor_on)
    return due if due < _fifth_birthday(facts.date_of_birth) else None
