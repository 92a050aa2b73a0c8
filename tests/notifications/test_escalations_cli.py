"""``ehcp escalations``: recorded clock events with what was sent to whom, as a table and as JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date

import pytest
from prefect.logging import disable_run_logger

from records.models import ClockEvent
from records.session import SessionFactory, session_scope
from services.outbox import deliver_now
from tests.notifications.conftest import SENCO_EMAIL, Mailbox
from tests.notifications.support import ESCALATED, MISSED_REPORT, queue
from tests.records.support import run


@pytest.fixture(autouse=True)
def quiet_run_logger() -> Iterator[None]:
    with disable_run_logger():
        yield


@pytest.fixture
def recorded(factory: SessionFactory, review: tuple[int, str], mailbox: Mailbox) -> str:
    """A missed report (sent to the setting and caseworker) and a later escalation (not yet delivered)."""
    with session_scope(factory) as session:
        session.add(
            ClockEvent(
                review_id=review[0],
                deadline_key="report_due",
                ladder_step="missed",
                due_on=MISSED_REPORT.due_on,
                recipient_roles="senco,head_teacher,caseworker",
                status="fired",
            )
        )
        session.add(
            ClockEvent(
                review_id=review[0],
                deadline_key="decision_due",
                ladder_step="escalation-5-working-days",
                recipient_roles="head_of_sen_service",
                due_on=ESCALATED.due_on,
                status="fired",
            )
        )
    for notification_id in queue(factory, review, MISSED_REPORT):
        deliver_now(notification_id)
    queue(factory, review, ESCALATED)
    return review[1]


def test_escalations_json_lists_each_event_with_its_deliveries(recorded: str) -> None:
    result = run("escalations", "--json")
    assert result.exit_code == 0, result.stderr
    events = json.loads(result.stdout)["events"]
    assert [(e["deadline_key"], e["ladder_step"], e["due_on"]) for e in events] == [
        ("report_due", "missed", "2026-06-16"),
        ("decision_due", "escalation-5-working-days", "2026-07-07"),
    ]
    missed, escalated = events
    assert missed["event_status"] == "fired" and missed["reference"] == recorded
    assert [(n["role"], n["status"], n["attempts"]) for n in missed["notifications"]] == [
        ("senco", "sent", 1),
        ("head_teacher", "sent", 1),
        ("caseworker", "sent", 1),
    ]
    assert missed["notifications"][0]["address"] == SENCO_EMAIL and missed["notifications"][0]["sent_at"]
    assert escalated["escalated_to"] == "head_of_sen_service"
    assert [(n["role"], n["status"], n["address"]) for n in escalated["notifications"]] == [
        ("head_of_sen_service", "queued", None)
    ]


def test_escalations_filters_by_review_and_since(recorded: str) -> None:
    since = json.loads(run("escalations", "--json", "--since", "2026-07-01").stdout)["events"]
    assert [e["ladder_step"] for e in since] == ["escalation-5-working-days"]
    other = json.loads(run("escalations", "--json", "--review", "AR-0000-99999").stdout)["events"]
    assert other == []
    mine = json.loads(run("escalations", "--json", "--review", recorded).stdout)["events"]
    assert len(mine) == 2


def test_escalations_table_shows_role_address_and_status(recorded: str) -> None:
    result = run("escalations")
    assert result.exit_code == 0, result.stderr
    for expected in (recorded, "report_due", "senco", SENCO_EMAIL, "sent", "queued", "head_of_sen_service"):
        assert expected in result.stdout


def test_escalations_refuses_a_bad_since_date(recorded: str) -> None:
    result = run("escalations", "--since", "16/06/2026")
    assert result.exit_code == 2 and "--since" in result.stderr


def test_escalations_lists_a_failed_delivery_with_its_error(factory: SessionFactory, review: tuple[int, str]) -> None:
    senco, *_ = queue(factory, review, MISSED_REPORT)
    assert deliver_now(senco).status == "queued"  # no mailbox: retried after a back-off
    (event,) = json.loads(run("escalations", "--json").stdout)["events"]
    failed = event["notifications"][0]
    assert set(failed) >= {"role", "channel", "status", "attempts", "last_error"}
    assert failed["status"] == "queued" and failed["attempts"] == 1
    assert "cannot reach the mail server" in failed["last_error"]
    assert date.fromisoformat(event["due_on"]) == MISSED_REPORT.due_on
