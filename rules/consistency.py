"""Facts in an impossible order (STATUTORY.md section 3: the stages happen in sequence).

Pure module. Returns every problem, each with its field path, so a person fixes
all of them in one pass. Late is possible (that is what the ladder is for);
impossible is refused: a meeting before the plan existed, a decision before its
meeting, an amendment notice without an amend decision, a final plan before
its amendment notice.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from rules.errors import Problem
from rules.facts import Outcome, ReviewFacts, TransferKind

__all__ = ["order_problems"]


def _before(later: date | None, earlier: date | None) -> bool:
    return later is not None and earlier is not None and later < earlier


def _plan_problems(facts: ReviewFacts) -> Iterator[Problem]:
    first = facts.plan_first_issued_on
    if _before(facts.meeting_held_on, first):
        yield Problem("meeting_held_on", f"the meeting cannot be held before the plan was first issued ({first})")
    if _before(facts.meeting_planned_on, first):
        yield Problem("meeting_planned_on", f"the meeting cannot be planned before the plan was first issued ({first})")
    if _before(first, facts.date_of_birth):
        yield Problem("plan_first_issued_on", f"cannot be before the date of birth ({facts.date_of_birth})")
    previous = facts.previous_review
    if previous is not None:
        if _before(previous.meeting_on, first):
            yield Problem("previous_review.meeting_on", f"before the plan was first issued ({first})")
        if _before(previous.decision_on, previous.meeting_on):
            yield Problem("previous_review.decision_on", f"cannot precede its meeting ({previous.meeting_on})")
        if _before(facts.meeting_held_on, previous.meeting_on):
            yield Problem("meeting_held_on", f"cannot precede the previous review's meeting ({previous.meeting_on})")


def _review_problems(facts: ReviewFacts) -> Iterator[Problem]:
    held, decision, notice = facts.meeting_held_on, facts.decision, facts.amendment_notice_sent_on
    if decision is not None and held is None:
        yield Problem("decision", "a decision needs the meeting it follows: add meeting_held_on")
    if decision is not None and _before(decision.notified_on, held):
        yield Problem("decision.notified_on", f"the decision cannot be notified before the meeting ({held})")
    if notice is not None and (decision is None or decision.outcome is not Outcome.AMEND):
        yield Problem("amendment_notice_sent_on", "an amendment notice needs a decision with outcome 'amend'")
    elif notice is not None and decision is not None and _before(notice, decision.notified_on):
        yield Problem("amendment_notice_sent_on", f"cannot precede the amend decision ({decision.notified_on})")
    if facts.final_plan_issued_on is not None and notice is None:
        yield Problem("final_plan_issued_on", "a final amended plan needs amendment_notice_sent_on")
    elif _before(facts.final_plan_issued_on, notice):
        yield Problem("final_plan_issued_on", f"the final plan cannot precede the amendment notice ({notice})")
    yield from _cease_problems(facts)
    for name in ("invitations_sent_on", "advice_circulated_on"):
        if _before(held, getattr(facts, name)):
            yield Problem(name, f"cannot be after the meeting was held ({held})")
    if _before(facts.report_received_on, held):
        yield Problem("report_received_on", f"the report cannot precede the meeting ({held})")


def _cease_problems(facts: ReviewFacts) -> Iterator[Problem]:
    sent, decision = facts.cease_notice_sent_on, facts.decision
    if sent is None:
        return
    if decision is None or decision.outcome is not Outcome.CEASE:
        yield Problem("cease_notice_sent_on", "a cease notice needs a decision with outcome 'cease'")
    elif sent < decision.notified_on:
        yield Problem("cease_notice_sent_on", f"cannot precede the cease decision ({decision.notified_on})")


def _transfer_problems(facts: ReviewFacts) -> Iterator[Problem]:
    transfer = facts.phase_transfer
    if transfer is None:
        return
    if transfer.kind is TransferKind.POST16 and transfer.transfer_on is None:
        yield Problem("phase_transfer.transfer_on", "a post16 transfer needs transfer_on (YYYY-MM-DD)")
    if transfer.kind is not TransferKind.POST16 and transfer.year is None:
        yield Problem("phase_transfer.year", f"a {transfer.kind} transfer needs year (for example 2027)")


def order_problems(facts: ReviewFacts) -> list[Problem]:
    """Return every problem with the order of the facts (empty when they are consistent)."""
    return [*_plan_problems(facts), *_review_problems(facts), *_transfer_problems(facts)]
