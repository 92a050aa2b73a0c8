"""While an input for a stage waits in the inbox, the ladder says nothing about that stage's deadlines that the
input could make false; a reminder for an earlier stage, or once the operators were told, goes out as usual."""

from __future__ import annotations

from datetime import date

from records.clock_events import PendingEvent, ReviewEvents
from rules.ladder import DEFAULT_LADDER
from services.escalation import plan_review

TODAY = date(2027, 1, 15)
DECISION_DUE = date(2027, 1, 4)


def _event(event_id: int, key: str, step: str, due_on: date, stage: int, roles: tuple[str, ...]) -> PendingEvent:
    return PendingEvent(event_id, key, step, due_on, roles, DECISION_DUE, "la", False, True, stage)


EVENTS = ReviewEvents(
    review_id=7,
    reference="AR-2027-00141",
    flow_run_id=None,
    events=(
        _event(1, "decision_due", "missed", date(2027, 1, 5), 4, ("caseworker", "sen_team_manager")),
        _event(2, "amendment_notice_due", "missed", date(2027, 1, 5), 5, ("caseworker", "sen_team_manager")),
        _event(3, "report_due", "missed", date(2026, 12, 20), 3, ("senco", "head_teacher", "caseworker")),
    ),
)


def _raised(plan: object) -> set[str]:
    return {sending.event.deadline_key for _, sending in plan.raise_}  # type: ignore[attr-defined]


def test_nothing_held_every_due_step_goes_out() -> None:
    plan = plan_review(EVENTS, TODAY, DEFAULT_LADDER)
    assert _raised(plan) == {"decision_due", "amendment_notice_due", "report_due"}


def test_a_decision_waiting_in_the_inbox_holds_the_decision_and_later_stages_not_earlier_ones() -> None:
    plan = plan_review(EVENTS, TODAY, DEFAULT_LADDER, held_stage=4)
    assert _raised(plan) == {"report_due"}  # a decision does not make the late report's message false
    assert plan.superseded == () and plan.cancelled == ()  # held events stay pending: neither sent nor dropped
