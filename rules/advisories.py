"""Advisory dates: guidance and risk warnings that are not statutory deadlines.

Pure module. Two sources (STATUTORY.md sections 2 and 4):
- the interim review of a child under 5 (CoP 9.178, "should consider"), on the
  rule set's ``under_five_cycle_months``;
- for a review capped by a phase transfer, the latest safe decision (cap - 15
  days) and the latest safe meeting (that - 4 weeks), worked back from Reg 18.
They ride the ladder but escalate one level only (``Deadline.advisory``).
"""

from __future__ import annotations

from rules.cycle import cycle_anchor_on, interim_review_due
from rules.deadlines import Deadline, Owner
from rules.facts import ReviewFacts
from rules.phase_transfers import latest_safe_decision_on, latest_safe_meeting_on, transfer_cap_on
from rules.rule_set import RuleSet
from rules.stages import Stage

__all__ = ["advisory_deadlines"]


def advisory_deadlines(facts: ReviewFacts, rule_set: RuleSet) -> tuple[Deadline, ...]:
    """Return the review's advisory dates (possibly none)."""
    found: list[Deadline] = []
    interim = interim_review_due(facts, cycle_anchor_on(facts, rule_set.cycle_anchor), rule_set)
    if interim is not None:
        citation = rule_set.under_five_cycle.citation
        found.append(Deadline("interim_review_due", interim, Owner.LA, Stage.DECISION, citation, advisory=True))
    cap = transfer_cap_on(facts, rule_set)
    if cap is not None:
        citation = rule_set.periods.transfer_notice_lead.citation
        found.append(
            Deadline(
                "transfer_meeting_by",
                latest_safe_meeting_on(cap, rule_set),
                Owner.SETTING,
                Stage.MEETING,
                citation,
                advisory=True,
            )
        )
        found.append(
            Deadline(
                "transfer_decision_by",
                latest_safe_decision_on(cap, rule_set),
                Owner.LA,
                Stage.DECISION,
                citation,
                advisory=True,
            )
        )
    return tuple(found)
