"""The letter the family will receive, previewed before a caseworker sends the decision or the plan.

Rendered by the outbox's own templates (``notices.render``) from the facts the input would lead to,
so the preview and the letter sent cannot differ in wording or dates.
"""

from __future__ import annotations

from notices.context import (
    amendment_notice_context,
    cease_notice_letter_context,
    decision_letter_context,
    final_plan_letter_context,
    not_amending_letter_context,
)
from notices.errors import RenderError
from notices.recipients import LaDirectory
from notices.render import RenderedMessage, render
from records.models import Review
from rules.calendar import IsWorkingDay
from rules.facts import ReviewFacts
from rules.rule_set import RuleSet
from services.rendering import review_context


def letter_preview(
    review: Review, facts: ReviewFacts, stage: int, *, la: LaDirectory, rule_set: RuleSet, is_working_day: IsWorkingDay
) -> RenderedMessage | str:
    """Return the family's letter for the stage-4 or stage-5 input, or why there is none to preview."""
    people = review_context(review, la)
    try:
        if stage == 4:
            context = decision_letter_context(facts, people, rule_set=rule_set, is_working_day=is_working_day)
        elif facts.final_plan_issued_on is not None:
            context = final_plan_letter_context(facts, people, rule_set=rule_set, is_working_day=is_working_day)
        elif facts.cease_notice_sent_on is not None:
            context = cease_notice_letter_context(facts, people, rule_set=rule_set, is_working_day=is_working_day)
        elif facts.amendments_withdrawn_on is not None:
            reasons = review.amendments_withdrawn_reasons or ""
            context = not_amending_letter_context(
                facts, people, reasons=reasons, rule_set=rule_set, is_working_day=is_working_day
            )
        elif facts.amendment_notice_sent_on is not None:
            context = amendment_notice_context(facts, people, rule_set=rule_set, is_working_day=is_working_day)
        else:
            return "There is no letter template for this document yet: write the family's letter outside the service."
    except RenderError as exc:
        return f"The letter cannot be previewed: {exc}"
    return render(context)
