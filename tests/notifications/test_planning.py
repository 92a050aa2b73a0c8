"""Which notifications a ladder event becomes (pure): one per role, deterministic keys, channel policy."""

from __future__ import annotations

from datetime import date

from notices.kinds import MessageKind
from notices.planning import OutboxChannel, notifications_for_event
from rules.deadlines import Owner
from rules.escalations import LadderEvent
from rules.ladder import Role
from tests.notifications.support import ESCALATED, LATE_LETTER, MISSED_REPORT

LATE = LATE_LETTER


def test_notifications_for_event_one_per_audience_role_with_deterministic_keys() -> None:
    planned = notifications_for_event(MISSED_REPORT, review_id=7, review_ref="AR-2026-00001")
    assert [p.idempotency_key for p in planned] == [
        "AR-2026-00001/report_due/missed/senco",
        "AR-2026-00001/report_due/missed/head_teacher",
        "AR-2026-00001/report_due/missed/caseworker",
    ]
    assert {p.kind for p in planned} == {MessageKind.SETTING_MISSED}
    assert {p.channel for p in planned} == {OutboxChannel.EMAIL}
    assert planned == notifications_for_event(MISSED_REPORT, review_id=7, review_ref="AR-2026-00001")


def test_notifications_for_event_family_letter_goes_to_the_family_with_an_expected_date() -> None:
    (letter,) = notifications_for_event(LATE, review_id=7, review_ref="AR-2026-00001", late_letter_days=14)
    assert letter.recipient_role is Role.FAMILY and letter.kind is MessageKind.FAMILY_LATE_LETTER
    assert letter.expected_on == date(2026, 7, 13)  # Mon: 14 days after the deadline (Mon 29 Jun)


def test_notifications_for_event_adds_a_webhook_alert_only_for_roles_with_a_webhook() -> None:
    without = notifications_for_event(ESCALATED, review_id=7, review_ref="R")
    with_hook = notifications_for_event(ESCALATED, review_id=7, review_ref="R", webhook_roles={Role.HEAD_OF_SERVICE})
    assert [p.channel for p in without] == [OutboxChannel.EMAIL]
    assert [(p.channel, p.idempotency_key) for p in with_hook] == [
        (OutboxChannel.EMAIL, "R/decision_due/escalation-5-working-days/head_of_sen_service"),
        (OutboxChannel.WEBHOOK, "R/decision_due/escalation-5-working-days/head_of_sen_service/webhook"),
    ]


def test_notifications_for_event_reminders_never_go_to_a_webhook() -> None:
    reminder = LadderEvent(
        "decision_due", date(2026, 6, 29), "reminder-3-days", date(2026, 6, 26), Owner.LA, (Role.CASEWORKER,), False
    )
    planned = notifications_for_event(reminder, review_id=1, review_ref="R", webhook_roles=set(Role))
    assert [p.channel for p in planned] == [OutboxChannel.EMAIL]
