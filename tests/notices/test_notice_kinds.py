"""Which message a ladder event becomes, and the event contexts built from it."""

from __future__ import annotations

from datetime import date

import pytest
from notice_samples import EVENTS

from notices.context import ReviewContext, event_context, family_late_letter_context
from notices.errors import RenderError
from notices.kinds import MessageKind, decision_kind, kind_for_event
from rules.deadlines import Owner
from rules.escalations import LadderEvent
from rules.facts import Outcome
from rules.ladder import Role


def event(step: str, owner: Owner) -> LadderEvent:
    return LadderEvent("report_due", date(2026, 6, 15), step, date(2026, 6, 1), owner, (Role.SENCO,), False)


@pytest.mark.parametrize(
    ("step", "owner", "kind"),
    [
        ("reminder-14-days", Owner.SETTING, MessageKind.SETTING_REMINDER),
        ("reminder-3-days", Owner.SETTING, MessageKind.SETTING_REMINDER),
        ("missed", Owner.SETTING, MessageKind.SETTING_MISSED),
        ("escalation-5-working-days", Owner.SETTING, MessageKind.ESCALATION),
        ("escalation-15-working-days", Owner.SETTING, MessageKind.ESCALATION),
        ("reminder-14-days", Owner.LA, MessageKind.LA_REMINDER),
        ("reminder-3-days", Owner.LA, MessageKind.LA_REMINDER),
        ("family-late-letter", Owner.LA, MessageKind.FAMILY_LATE_LETTER),
        ("missed", Owner.LA, MessageKind.LA_MISSED),
        ("escalation-5-working-days", Owner.LA, MessageKind.ESCALATION),
        ("escalation-15-working-days", Owner.LA, MessageKind.ESCALATION),
    ],
)
def test_kind_for_event_default_ladder(step: str, owner: Owner, kind: MessageKind) -> None:
    assert kind_for_event(event(step, owner)) is kind


def test_kind_for_event_unknown_step_raises() -> None:
    with pytest.raises(KeyError, match="no step named"):
        kind_for_event(event("reminder-30-days", Owner.SETTING))


@pytest.mark.parametrize("outcome", list(Outcome))
def test_decision_kind_every_outcome(outcome: Outcome) -> None:
    assert decision_kind(outcome).value == f"decision-{outcome}"


def test_event_context_carries_step_amount(review: ReviewContext) -> None:
    context = event_context(EVENTS[MessageKind.ESCALATION], review)
    assert (context.kind, context.step_amount, context.audience) == (MessageKind.ESCALATION, 15, (Role.DIRECTOR,))


def test_event_context_refuses_family_letter_without_expected_date(review: ReviewContext) -> None:
    with pytest.raises(RenderError, match="expected date"):
        event_context(EVENTS[MessageKind.FAMILY_LATE_LETTER], review)


def test_family_late_letter_needs_a_date_after_the_deadline(review: ReviewContext) -> None:
    late = EVENTS[MessageKind.FAMILY_LATE_LETTER]
    with pytest.raises(RenderError, match="after the deadline"):
        family_late_letter_context(late, review, expected_on=late.deadline_due_on)
