"""Facts in an impossible order, and a final plan issued inside the representation window.

Pure module, and the one place that decides both for every path the facts come in by (the
``ehcp deadlines`` file, a stage input, a caseload import), so no rule is written twice.

- ``order_problems``: every impossible or contradictory fact, each with its field path, so a
  person fixes all of them in one pass. Late is possible (that is what the ladder is for);
  impossible is refused: a meeting before the plan existed or before the previous review's
  decision, a decision before its meeting, an amendment notice without an amend decision, a
  final plan before its notice, a not-amending notice without an amend decision or alongside a
  final plan, a transfer whose Reg 18 date fell before this review began (compared by date, not
  by year: STATUTORY.md section 4), an interim review before the plan or the previous review.
- ``breaches``: history that is kept but is unlawful. A final amended plan issued inside the
  family's 15 days (Reg 22(2)(c)) is a breach, never "met" (STATUTORY.md section 3).
- ``earliest_lawful_issue_on``: the first day a final plan may be issued (window close + 1).
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta

from rules.errors import Problem
from rules.facts import Outcome, ReviewFacts, TransferKind
from rules.phase_transfers import phase_transfer_due, review_began_on
from rules.rule_set import ENGLAND_2014, RuleSet

__all__ = ["BREACHED_BY_FINAL_PLAN", "breaches", "earliest_lawful_issue_on", "order_problems", "window_closes_on"]

BREACHED_BY_FINAL_PLAN = ("final_plan_due", "phase_transfer_due")
"""The deadlines a final amended plan meets, so the deadlines an unlawful one breaches."""


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
    if previous is None:
        return
    if _before(previous.meeting_on, first):
        yield Problem("previous_review.meeting_on", f"before the plan was first issued ({first})")
    if _before(previous.decision_on, previous.meeting_on):
        yield Problem("previous_review.decision_on", f"cannot precede its meeting ({previous.meeting_on})")
    for name in ("meeting_held_on", "meeting_planned_on"):
        if _before(getattr(facts, name), previous.decision_on):
            yield Problem(
                name,
                f"cannot precede the previous review's decision ({previous.decision_on}): "
                "this review's meeting comes after the previous review ended",
            )


def _decision_problems(facts: ReviewFacts) -> Iterator[Problem]:
    held, decision = facts.meeting_held_on, facts.decision
    if decision is not None and held is None:
        yield Problem("decision", "a decision needs the meeting it follows: add meeting_held_on")
    if decision is not None and _before(decision.notified_on, held):
        yield Problem("decision.notified_on", f"the decision cannot be notified before the meeting ({held})")
    certificate = facts.mediation_certificate_on
    if certificate is not None and decision is None:
        yield Problem("mediation_certificate_on", "a mediation certificate follows a decision: add decision")
    elif decision is not None and _before(certificate, decision.notified_on):
        yield Problem("mediation_certificate_on", f"cannot precede the decision it follows ({decision.notified_on})")


def _amend_problems(facts: ReviewFacts) -> Iterator[Problem]:
    decision, notice = facts.decision, facts.amendment_notice_sent_on
    amend = decision is not None and decision.outcome is Outcome.AMEND
    if notice is not None and not amend:
        yield Problem("amendment_notice_sent_on", "an amendment notice needs a decision with outcome 'amend'")
    elif notice is not None and decision is not None and _before(notice, decision.notified_on):
        yield Problem("amendment_notice_sent_on", f"cannot precede the amend decision ({decision.notified_on})")
    if facts.final_plan_issued_on is not None and notice is None:
        yield Problem("final_plan_issued_on", "a final amended plan needs amendment_notice_sent_on")
    elif _before(facts.final_plan_issued_on, notice):
        yield Problem("final_plan_issued_on", f"the final plan cannot precede the amendment notice ({notice})")
    withdrawn = facts.amendments_withdrawn_on
    if withdrawn is None:
        return
    if not amend:
        yield Problem(
            "amendments_withdrawn_on", "a not-amending notice (Reg 22(4)) needs a decision with outcome 'amend'"
        )
    elif facts.final_plan_issued_on is not None:
        yield Problem("amendments_withdrawn_on", "contradicts final_plan_issued_on: stage 5 ends with one or the other")
    latest = max((d for d in (notice, decision.notified_on if decision else None) if d is not None), default=None)
    if _before(withdrawn, latest):
        yield Problem("amendments_withdrawn_on", f"cannot precede the amend decision or its notice ({latest})")


def _cease_problems(facts: ReviewFacts) -> Iterator[Problem]:
    sent, decision = facts.cease_notice_sent_on, facts.decision
    if sent is None:
        return
    if decision is None or decision.outcome is not Outcome.CEASE:
        yield Problem("cease_notice_sent_on", "a cease notice needs a decision with outcome 'cease'")
    elif sent < decision.notified_on:
        yield Problem("cease_notice_sent_on", f"cannot precede the cease decision ({decision.notified_on})")


def _preparation_problems(facts: ReviewFacts) -> Iterator[Problem]:
    held = facts.meeting_held_on
    for name in ("invitations_sent_on", "advice_circulated_on"):
        if _before(held, getattr(facts, name)):
            yield Problem(name, f"cannot be after the meeting was held ({held})")
    if _before(facts.report_sent_on, held):
        yield Problem("report_sent_on", f"the report cannot precede the meeting ({held})")
    if _before(facts.report_received_on, held):
        yield Problem("report_received_on", f"the report cannot precede the meeting ({held})")
    if _before(facts.report_received_on, facts.report_sent_on):
        yield Problem("report_received_on", f"cannot precede the day the report was sent ({facts.report_sent_on})")


def _transfer_problems(facts: ReviewFacts, rule_set: RuleSet) -> Iterator[Problem]:
    transfer = facts.phase_transfer
    if transfer is None:
        return
    if transfer.kind is TransferKind.POST16 and transfer.transfer_on is None:
        yield Problem("phase_transfer.transfer_on", "a post16 transfer needs transfer_on (YYYY-MM-DD)")
        return
    if transfer.kind is not TransferKind.POST16 and transfer.year is None:
        yield Problem("phase_transfer.year", f"a {transfer.kind} transfer needs year (for example 2027)")
        return
    cap, began = phase_transfer_due(transfer, rule_set), review_began_on(facts)
    if cap < began:
        field = "phase_transfer.transfer_on" if transfer.kind is TransferKind.POST16 else "phase_transfer.year"
        since = "the previous review's decision" if facts.previous_review is not None else "the plan was first issued"
        yield Problem(
            field,
            f"this transfer's plan was due by {cap} (Reg 18), before this review began on {began} ({since}): "
            "it was an earlier review's transfer, not this one's",
        )


def _interim_problems(facts: ReviewFacts) -> Iterator[Problem]:
    interim, first = facts.interim_review_held_on, facts.plan_first_issued_on
    if _before(interim, first):
        yield Problem("interim_review_held_on", f"cannot be before the plan was first issued ({first})")
    elif facts.previous_review is not None and _before(interim, facts.previous_review.decision_on):
        yield Problem(
            "interim_review_held_on",
            f"cannot precede the previous review's decision ({facts.previous_review.decision_on}): "
            "an interim review falls between annual reviews",
        )


def order_problems(facts: ReviewFacts, rule_set: RuleSet = ENGLAND_2014) -> list[Problem]:
    """Return every problem with the order of the facts (empty when they are consistent).

    ``rule_set`` gives the Reg 18 transfer dates (the statutory ones unless an authority's rule set is passed).
    """
    return [
        *_plan_problems(facts),
        *_decision_problems(facts),
        *_amend_problems(facts),
        *_cease_problems(facts),
        *_preparation_problems(facts),
        *_transfer_problems(facts, rule_set),
        *_interim_problems(facts),
    ]


def window_closes_on(notice_on: date, rule_set: RuleSet) -> date:
    """Return the last day of the family's representation window (Reg 22(2)(c): 15 days beginning with service)."""
    return rule_set.periods.representations.apply(notice_on)


def earliest_lawful_issue_on(facts: ReviewFacts, rule_set: RuleSet) -> date | None:
    """Return the first day a final amended plan may lawfully be issued, once a notice is recorded."""
    notice = facts.amendment_notice_sent_on
    return window_closes_on(notice, rule_set) + timedelta(days=1) if notice is not None else None


def breaches(facts: ReviewFacts, rule_set: RuleSet) -> dict[str, str]:
    """Return deadline key -> why, for the recorded facts that broke the law (kept as history, never "met")."""
    issued, earliest = facts.final_plan_issued_on, earliest_lawful_issue_on(facts, rule_set)
    if issued is None or earliest is None or issued >= earliest:
        return {}
    why = (
        f"the final plan was issued on {issued}, inside the family's 15 days for representations "
        f"(Reg 22(2)(c)); the earliest lawful issue was {earliest}"
    )
    return dict.fromkeys(BREACHED_BY_FINAL_PLAN, why)
