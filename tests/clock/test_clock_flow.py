"""The statutory clock run in-process (Prefect's test server): it escalates by itself, once, and tells the truth.

Assertions are on the records (clock events, outbox rows) and the SMTP sink, not on task names,
except the one test that an operator can find a review's escalations by its reference.
"""

from __future__ import annotations

import threading
import time
from collections import Counter
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterName
from sqlalchemy import select, update

from records.models import ClockEvent, DeadlineRecord, Notification, Review, Setting
from records.session import SessionFactory, session_scope
from rules.bank_holidays import england_and_wales_working_days
from rules.catch_up import working_days_late
from tests.notifications.conftest import (
    CHILD,
    CHILD_FAMILY_NAME,
    HEAD_EMAIL,
    SENCO_EMAIL,
    Mailbox,
    clear_task_caches,
)
from tests.records.support import run, write_csv

REMINDER_KINDS = {"setting-reminder", "la-reminder"}


def _clock(as_of: date) -> dict:  # type: ignore[type-arg]
    from flows.statutory_clock import statutory_clock

    return statutory_clock(as_of=as_of)


def _last_open_deadline(factory: SessionFactory, review_id: int, owner: str | None = None) -> DeadlineRecord:
    with session_scope(factory) as session:
        rows = session.scalars(
            select(DeadlineRecord).where(
                DeadlineRecord.review_id == review_id,
                DeadlineRecord.is_open,
                DeadlineRecord.owner != "nobody",
                DeadlineRecord.owner == owner if owner else DeadlineRecord.owner.is_not(None),
                DeadlineRecord.stage.is_not(None),
            )
        ).all()
        return max(rows, key=lambda d: d.due_on)


def _rows(factory: SessionFactory) -> list[Notification]:
    with session_scope(factory) as session:
        return list(session.scalars(select(Notification).order_by(Notification.id)))


def _events(factory: SessionFactory) -> list[ClockEvent]:
    with session_scope(factory) as session:
        return list(session.scalars(select(ClockEvent)))


def test_five_weeks_late_the_clock_sends_one_true_message_per_deadline_and_role_once(
    factory: SessionFactory, review: tuple[int, str], mailbox: Mailbox
) -> None:
    last = _last_open_deadline(factory, review[0])
    as_of = last.due_on + timedelta(weeks=5)
    first = _clock(as_of)
    again = _clock(as_of)
    assert first["raised"] > 0 and again["raised"] == 0 and again["new_events"] == 0
    rows = _rows(factory)
    emails = [r for r in rows if r.channel == "email"]
    assert not [r for r in emails if r.template in REMINDER_KINDS], "no reminder for a deadline already passed"
    per_deadline_role = Counter((r.deadline_key, r.recipient_role) for r in emails)
    assert max(per_deadline_role.values()) == 1, "one message per deadline and role"
    assert {r.status for r in rows} == {"sent"}
    assert len(mailbox.messages) == len(emails), "each message delivered once"
    assert {e.status for e in _events(factory)} <= {"fired", "superseded", "cancelled"}
    is_working_day = england_and_wales_working_days()
    for row in emails:
        if row.template == "escalation":
            late = working_days_late(row.deadline_due_on, as_of, is_working_day=is_working_day)
            bodies = [m for to, m in mailbox.messages if str(m["X-EHCP-Reference"] or "").startswith(review[1])]
            assert any(f"{late} working days overdue" in str(m["Subject"]) for m in bodies)


def test_escalation_task_runs_are_named_by_the_references_they_escalate(
    factory: SessionFactory, review: tuple[int, str], mailbox: Mailbox, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Five reviews due the same steps, two to a task run: three task runs, each review's reference in one name."""
    import tasks.escalation

    monkeypatch.setattr(tasks.escalation, "REVIEWS_PER_TASK_RUN", 2)
    siblings = [{**CHILD, "child_ref": f"NOTE-{n}", "given_name": f"Sibling{n}"} for n in range(2, 6)]
    assert run("import", "caseload", str(write_csv(tmp_path / "more.csv", [CHILD, *siblings]))).exit_code == 0
    with session_scope(factory) as session:
        references = sorted(session.scalars(select(Review.reference)))
    assert len(references) == 5
    last = _last_open_deadline(factory, review[0])
    started = datetime.now(UTC)
    summary = _clock(last.due_on + timedelta(days=1))
    assert summary["raised"] >= 5
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(limit=200)
    named = sorted(r.name for r in runs if r.name.endswith(" · escalations") and r.created and r.created >= started)
    assert len(named) == 3, named
    found = [reference for name in named for reference in name.removesuffix(" · escalations").split(", ")]
    assert sorted(found) == references, "every reference in exactly one task run's name"
    assert not any(name.endswith((" missed", " reminder")) or " escalation-" in name for name in named)


def test_a_pass_announces_each_review_once_with_every_step_it_raised(
    factory: SessionFactory, review: tuple[int, str], mailbox: Mailbox
) -> None:
    """Five weeks late, one pass raises several steps of the review: Prefect gets one event for them, not one each
    (at 100,000 plans one per step flooded the server's event queue)."""
    last = _last_open_deadline(factory, review[0])
    started = datetime.now(UTC).isoformat()  # the test server is shared: only this pass's events count
    summary = _clock(last.due_on + timedelta(weeks=5))
    assert summary["raised"] >= 2
    names = ["ehcp.deadline.missed", "ehcp.escalation.raised"]
    resource = f"ehcp.review.{review[1]}"
    events = _events_named(names, lambda e: e["resource"]["prefect.resource.id"] == resource)
    mine = [e for e in events if e["resource"]["prefect.resource.id"] == resource and e["occurred"] >= started]
    assert [e["event"] for e in mine] == ["ehcp.deadline.missed"]
    assert len(mine[0]["payload"]["steps"]) == summary["raised"]
    assert mine[0]["payload"]["deadline"] in {step["deadline"] for step in mine[0]["payload"]["steps"]}


def test_a_setting_without_a_senco_address_still_reaches_head_teacher_and_caseworker(
    factory: SessionFactory, review: tuple[int, str], mailbox: Mailbox
) -> None:
    with session_scope(factory) as session:
        session.execute(update(Setting).values(senco_email=None))
    owed = _last_open_deadline(factory, review[0], owner="setting")
    summary = _clock(owed.due_on + timedelta(days=1))
    rows = _rows(factory)
    missed = {r.recipient_role: r.status for r in rows if r.ladder_step == "missed" and r.deadline_key == owed.key}
    assert missed == {"senco": "failed", "head_teacher": "sent", "caseworker": "sent"}
    recipients = {to[0] for to, _ in mailbox.messages}
    assert SENCO_EMAIL not in recipients
    assert {HEAD_EMAIL, "ehc-coordinators@example.org"} <= recipients
    assert "ehcp-operators@example.org" in recipients, "the operators hear of the message that could not go"
    assert summary["outbox"]["failed"] >= 1
    announced = _failed_events(lambda e: e["payload"]["role"] == "senco" and e["payload"]["review"] == review[1])
    assert announced, "the failure of the SENCO's message was announced"
    assert all(SENCO_EMAIL not in str(e) and CHILD_FAMILY_NAME not in str(e) for e in announced)


def _failed_events(wanted: Callable[[dict], bool], timeout_s: float = 30) -> list[dict]:  # type: ignore[type-arg]
    """The ``ehcp.notification.failed`` events the Prefect server holds, once one it is awaited for is there."""
    return _events_named(["ehcp.notification.failed"], wanted, timeout_s)


def _events_named(
    names: list[str],
    wanted: Callable[[dict], bool],  # type: ignore[type-arg]
    timeout_s: float = 30,
) -> list[dict]:  # type: ignore[type-arg]
    """The events of these names the Prefect server holds, once one it is awaited for is there.

    The events client sends asynchronously and the server stores events in batches, a moment after it received
    them: read until the awaited event is stored (or the time is up), never once and hope."""
    from prefect.client.orchestration import get_client
    from prefect.events.worker import EventsWorker

    EventsWorker.drain_all(timeout=10)
    deadline = time.monotonic() + timeout_s
    body = {"filter": {"event": {"name": names}, "any_resource": {}}, "limit": 50}
    while True:
        with get_client(sync_client=True) as client:
            events = list(client.request("POST", "/events/filter", json=body).json()["events"])
        if any(wanted(e) for e in events) or time.monotonic() > deadline:
            return events
        time.sleep(0.5)


def test_smtp_down_across_clock_runs_then_back_delivers_every_message_once(
    factory: SessionFactory, review: tuple[int, str], smtp_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EHCP_DELIVERY_RETRY_DELAYS_SECONDS", "[0]")  # every clock run may try again
    clear_task_caches()
    last = _last_open_deadline(factory, review[0])
    day = last.due_on + timedelta(days=1)
    for offset in range(3):  # the mail server is down for three clock runs
        outbox = _clock(day + timedelta(days=offset))["outbox"]
        assert outbox["sent"] == 0 and outbox["failed"] == 0
    assert {r.status for r in _rows(factory)} == {"queued"}
    from aiosmtpd.controller import Controller

    sink = Mailbox()
    controller = Controller(sink, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        _clock(day + timedelta(days=3))
        _clock(day + timedelta(days=3))
    finally:
        controller.stop()
    rows = _rows(factory)
    assert {r.status for r in rows} == {"sent"}
    assert len(sink.messages) == len([r for r in rows if r.channel == "email"])
    ids = Counter(str(m["Message-ID"]) for _, m in sink.messages)
    assert max(ids.values()) == 1


def test_two_clocks_at_once_both_end_cleanly_and_record_each_event_once(
    factory: SessionFactory, review: tuple[int, str], mailbox: Mailbox
) -> None:
    last = _last_open_deadline(factory, review[0])
    as_of = last.due_on + timedelta(weeks=5)
    barrier = threading.Barrier(2)
    results: list[dict] = []  # type: ignore[type-arg]
    errors: list[BaseException] = []

    def run() -> None:
        try:
            barrier.wait()
            results.append(_clock(as_of))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == [] and len(results) == 2
    events = _events(factory)
    assert len({(e.deadline_key, e.ladder_step) for e in events}) == len(events)
    assert sum(r["raised"] for r in results) == len([e for e in events if e.status == "fired"])
    rows = _rows(factory)
    assert len({r.idempotency_key for r in rows}) == len(rows)
    assert len(mailbox.messages) == len([r for r in rows if r.channel == "email"])


def test_the_clock_stands_alone_and_says_which_runs_it_could_not_start(
    factory: SessionFactory, review: tuple[int, str], mailbox: Mailbox
) -> None:
    last = _last_open_deadline(factory, review[0])
    summary = _clock(last.due_on + timedelta(days=1))
    assert summary["raised"] > 0 and summary["outbox"]["sent"] > 0
    assert review[1] in summary["runs"]["could_not_start"]
    from cli.clock_command import summary_lines

    printed = "\n".join(summary_lines(summary))
    assert f"{review[1]}: could not start" in printed and "Outbox: " in printed
    with get_client(sync_client=True) as client:
        clock_runs = client.read_flow_runs(flow_run_filter=FlowRunFilter(name=FlowRunFilterName(like_="clock-")))
    assert clock_runs and all(r.state is not None and r.state.is_completed() for r in clock_runs)


def test_no_personal_data_reaches_prefect(
    factory: SessionFactory, review: tuple[int, str], mailbox: Mailbox, tmp_path: Path
) -> None:
    last = _last_open_deadline(factory, review[0])
    _clock(last.due_on + timedelta(weeks=5))
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(limit=200)
        logs = client.read_logs(limit=200)
    text = " ".join([r.name for r in runs] + [log.message for log in logs])
    assert CHILD_FAMILY_NAME not in text and "Zephyrine" not in text and SENCO_EMAIL not in text


def test_an_input_waiting_in_the_inbox_holds_its_stage_s_messages_and_they_go_once_it_is_recorded(
    factory: SessionFactory, review: tuple[int, str], mailbox: Mailbox
) -> None:
    """The meeting was held on time but the SENCO's input is still being recorded: no false "missed" message."""
    from records.models import InboxEntry, Review
    from records.system_time import system_now
    from services.inbox import receive
    from services.stages import apply_entry

    with session_scope(factory) as session:
        due = select(DeadlineRecord.due_on).where(DeadlineRecord.review_id == review[0])
        meeting_due = session.scalars(due.where(DeadlineRecord.key == "meeting_due")).one()
    as_of = meeting_due + timedelta(days=3)  # the meeting's deadline passed 3 days ago

    def receive_and_clock(stage: int, given: dict[str, str]) -> int:
        with session_scope(factory) as session:
            stored = session.get_one(Review, review[0])
            entry_id = receive(session, stored, stage, given, submitted_by="senco-1", source="portal", today=as_of)
        summary = _clock(as_of)  # no runner serves review runs here: the input cannot be handed over, so it waits
        assert summary["inbox"]["handed_over"] == {"failed": 1}
        return entry_id.entry_id

    def meeting_due_messages() -> tuple[set[str], int]:
        statuses = {e.status for e in _events(factory) if e.deadline_key == "meeting_due"}
        return statuses, len([r for r in _rows(factory) if r.deadline_key == "meeting_due"])

    def apply(entry_id: int) -> None:
        with session_scope(factory) as session:
            entry = session.get_one(InboxEntry, entry_id)
            assert entry.status == "received" and "could not be started" in (entry.last_error or "")
            apply_entry(session, review[1], entry.wait_key, entry, now=system_now())  # the run takes it

    planned = (meeting_due - timedelta(days=1)).isoformat()
    preparation = receive_and_clock(1, {
        "meeting_planned_on": planned,
        "invitations_sent_on": (meeting_due - timedelta(days=20)).isoformat(),
        "advice_circulated_on": (meeting_due - timedelta(days=18)).isoformat(),
    })  # fmt: skip
    assert meeting_due_messages() == ({"pending"}, 0), "held while the preparation is being recorded"
    apply(preparation)
    meeting = receive_and_clock(2, {"meeting_held_on": planned})
    assert meeting_due_messages() == ({"pending"}, 0), "held while the meeting is being recorded"
    apply(meeting)
    _clock(as_of)
    assert meeting_due_messages() == ({"cancelled"}, 0), "held on time: the 'missed' message would have been false"
