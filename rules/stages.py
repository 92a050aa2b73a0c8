"""The five statutory stages of an annual review and which of them the facts show done.

Pure module (STATUTORY.md section 3; Regs 19-22). A stage is done when the
fact that ends it is recorded: preparation by circulated advice (or a held
meeting, which implies it), the meeting by its date, the report by its sending
(or receipt), the decision by its notification, the plan by the final amended
plan or the Reg 22(4) not-amending notice (amend), by the cease notice with its
appeal rights (cease), or by the decision itself
(maintain: nothing further). A later stage's fact closes every earlier stage:
once the decision is notified, the report stage is over whether or not its
receipt was recorded.
"""

from __future__ import annotations

from enum import IntEnum

from rules.facts import Outcome, ReviewFacts

__all__ = ["Stage", "completed_stages", "current_stage"]


class Stage(IntEnum):
    PREPARATION = 1
    MEETING = 2
    REPORT = 3
    DECISION = 4
    PLAN = 5

    @property
    def label(self) -> str:
        return _LABELS[self]


_LABELS = {
    Stage.PREPARATION: "preparation",
    Stage.MEETING: "review meeting",
    Stage.REPORT: "post-meeting report",
    Stage.DECISION: "LA decision",
    Stage.PLAN: "draft and final plan",
}


def _plan_done(facts: ReviewFacts) -> bool:
    decision = facts.decision
    if decision is None:
        return False
    if decision.outcome is Outcome.AMEND:
        return facts.final_plan_issued_on is not None or facts.amendments_withdrawn_on is not None
    if decision.outcome is Outcome.CEASE:
        return facts.cease_notice_sent_on is not None
    return True


def completed_stages(facts: ReviewFacts) -> frozenset[Stage]:
    """Return the stages that are over: those whose ending fact is recorded, and all before them."""
    held = facts.meeting_held_on is not None
    done = {
        Stage.PREPARATION: held or facts.advice_circulated_on is not None,
        Stage.MEETING: held,
        Stage.REPORT: facts.report_sent_on is not None or facts.report_received_on is not None,
        Stage.DECISION: facts.decision is not None,
        Stage.PLAN: _plan_done(facts),
    }
    latest = max((stage for stage, is_done in done.items() if is_done), default=0)
    return frozenset(stage for stage in Stage if stage <= latest)


def current_stage(facts: ReviewFacts) -> Stage | None:
    """Return the first stage not yet done, or None when the review is complete."""
    done = completed_stages(facts)
    return next((stage for stage in Stage if stage not in done), None)
