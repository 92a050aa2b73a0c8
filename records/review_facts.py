"""Rows to facts: the one mapping from the records' columns to ``rules.facts.ReviewFacts``.

Deadlines are never typed in; they are always recomputed by ``rules/`` from these facts. The
mapping works on column values, so the bulk import (plain dicts) and ORM rows share it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date
from typing import Any

from records.models import Review
from records.models.reviews import REVIEW_DATES
from rules.facts import Decision, LedBy, Outcome, PhaseTransfer, PreviousReview, ReviewFacts, TransferKind

PLAN_FACT_COLUMNS = ("first_issued_on", "transfer_kind", "transfer_year", "transfer_on", "transferred_in_on")
REVIEW_FACT_COLUMNS = (
    "previous_meeting_on",
    "previous_decision_on",
    *REVIEW_DATES,
    "decision_outcome",
    "interim_review_held_on",
    "led_by",
)


def facts_from_columns(plan: Mapping[str, Any], review: Mapping[str, Any], date_of_birth: date | None) -> ReviewFacts:
    """Return the facts held in a plan's and a review's column values."""
    previous = None
    if review["previous_meeting_on"] is not None and review["previous_decision_on"] is not None:
        previous = PreviousReview(review["previous_meeting_on"], review["previous_decision_on"])
    transfer = None
    if plan["transfer_kind"] is not None:
        transfer = PhaseTransfer(TransferKind(plan["transfer_kind"]), plan["transfer_year"], plan["transfer_on"])
    decision = None
    if review["decision_outcome"] is not None and review["decision_notified_on"] is not None:
        decision = Decision(Outcome(review["decision_outcome"]), review["decision_notified_on"])
    return ReviewFacts(
        plan_first_issued_on=plan["first_issued_on"],
        previous_review=previous,
        date_of_birth=date_of_birth,
        phase_transfer=transfer,
        meeting_planned_on=review["meeting_planned_on"],
        meeting_held_on=review["meeting_held_on"],
        decision=decision,
        amendment_notice_sent_on=review["amendment_notice_sent_on"],
        final_plan_issued_on=review["final_plan_issued_on"],
        invitations_sent_on=review["invitations_sent_on"],
        advice_circulated_on=review["advice_circulated_on"],
        report_received_on=review["report_received_on"],
        cease_notice_sent_on=review.get("cease_notice_sent_on"),
        amendments_withdrawn_on=review.get("amendments_withdrawn_on"),
        mediation_certificate_on=review.get("mediation_certificate_on"),
        interim_review_held_on=review.get("interim_review_held_on"),
        led_by=LedBy(review.get("led_by") or LedBy.SETTING),
        report_sent_on=review.get("report_sent_on"),
        transferred_in_on=plan.get("transferred_in_on"),
    )


def review_facts(review: Review) -> ReviewFacts:
    """Return the facts of a stored review (loads its plan and child)."""
    plan = review.plan
    plan_values = {name: getattr(plan, name) for name in PLAN_FACT_COLUMNS}
    review_values = {name: getattr(review, name) for name in REVIEW_FACT_COLUMNS}
    return facts_from_columns(plan_values, review_values, plan.child.date_of_birth)
