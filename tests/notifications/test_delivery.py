"""Delivering queued notifications to a real SMTP server (aiosmtpd on loopback), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, timedelta
from pathlib import Path
from typing import Any

import pytest
from prefect.logging import disable_run_logger
from sqlalchemy import update

from records.models import Setting
from records.session import SessionFactory, session_scope
from records.system_time import system_now
from services.outbox import deliver_now, sweep_outbox
from tests.notifications.conftest import CHILD_FAMILY_NAME, CHILD_GIVEN_NAME, HEAD_EMAIL, ROOT, SENCO_EMAIL, Mailbox
from tests.notifications.support import ESCALATED, LATE_LETTER, MISSED_REPORT, audit_actions, queue, row


@pytest.fixture(autouse=True)
def quiet_run_logger() -> Iterator[None]:
    with disable_run_logger():
        yield


def test_deliver_notification_twice_sends_the_mail_once(
    factory: SessionFactory, review: tuple[int, str], mailbox: Mailbox
) -> None:
    senco, *_ = queue(factory, review, MISSED_REPORT)
    first = deliver_now(senco)
    again = deliver_now(senco)
    assert len(mailbox.messages) == 1
    assert mailbox.messages[0][0] == [SENCO_EMAIL]
    assert first.status == "sent" and again.already_sent is True
    stored = row(factory, senco)
    assert stored.status == "sent" and stored.attempts == 1 and stored.sent_at is not None
    assert stored.recipient_address == SENCO_EMAIL and stored.last_error is None
    assert audit_actions(factory) == ["notification.sent"]


def test_delivered_mail_says_the_right_dates_and_keeps_the_name_out_of_the_subject(
    factory: SessionFactory, review: tuple[int, str], mailbox: Mailbox
) -> None:
    ids = queue(factory, review, MISSED_REPORT)
    for notification_id in ids:
        deliver_now(notification_id)
    assert sorted(to[0] for to, _ in mailbox.messages) == sorted(
        [SENCO_EMAIL, HEAD_EMAIL, "ehc-coordinators@example.org"]
    )
    for _to, mail in mailbox.messages:
        body = mail.get_body(("plain",))
        assert body is not None
        text = body.get_content()
        assert "Monday 15 June 2026" in text  # the report deadline (meeting + 14 days)
        assert CHILD_GIVEN_NAME in text and CHILD_FAMILY_NAME not in text
        assert CHILD_GIVEN_NAME not in str(mail["Subject"]) and review[1] in str(mail["Subject"])
        assert CHILD_GIVEN_NAME not in str(mail["X-EHCP-Reference"])


def test_the_failed_row_announced_to_prefect_holds_no_personal_data(
    factory: SessionFactory, review: tuple[int, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """What reaches Prefect of a delivery (the ``ehcp.notification.failed`` event): ids, kind, role, channel only."""
    import tasks.clock

    emitted: list[dict[str, object]] = []
    monkeypatch.setattr(tasks.clock, "emit_event", lambda **event: emitted.append(event))
    with session_scope(factory) as session:
        session.execute(update(Setting).values(senco_email=None))  # a permanent failure: no address
    senco, *_ = queue(factory, review, MISSED_REPORT)
    outcome = deliver_now(senco)
    assert outcome.status == "failed" and "no email address" in str(outcome.error)
    tasks.clock.announce_failed(outcome)
    [event] = emitted
    assert set(event["payload"]) == {"review", "kind", "role", "channel", "attempts"}  # type: ignore[arg-type]
    assert SENCO_EMAIL not in str(event) and CHILD_GIVEN_NAME not in str(event) and "address" not in str(event)


def test_mail_server_down_is_recorded_and_retried_later_never_raised(
    factory: SessionFactory, review: tuple[int, str]
) -> None:
    senco, *_ = queue(factory, review, MISSED_REPORT)
    before = system_now()
    result = deliver_now(senco)  # no mail server listening: a passing failure
    stored = row(factory, senco)
    assert result.status == "queued" and stored.status == "queued" and stored.attempts == 1
    assert stored.last_error is not None and "cannot reach the mail server" in stored.last_error
    assert stored.next_attempt_at is not None
    assert stored.next_attempt_at.replace(tzinfo=UTC) >= before + timedelta(seconds=60)  # the first back-off
    assert audit_actions(factory) == ["notification.attempt_failed"]


def test_family_letter_without_an_address_goes_to_the_post_room(
    factory: SessionFactory, review: tuple[int, str], mailbox: Mailbox
) -> None:
    (letter,) = queue(factory, review, LATE_LETTER)
    deliver_now(letter)
    assert row(factory, letter).status == "sent"
    assert [to for to, *_ in mailbox.messages] == [["post-room@example.org"]]


def test_family_letter_with_no_address_and_no_post_room_fails_at_once_and_visibly(
    factory: SessionFactory,
    review: tuple[int, str],
    mailbox: Mailbox,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    roles = (ROOT / "examples" / "la_roles.toml").read_text(encoding="utf-8")
    (tmp_path / "roles.toml").write_text(roles.split("[roles.family]")[0], encoding="utf-8")
    monkeypatch.setenv("EHCP_LA_ROLES_FILE", str(tmp_path / "roles.toml"))
    from services.setup import clear_caches

    clear_caches()
    (letter,) = queue(factory, review, LATE_LETTER)
    result = deliver_now(letter)
    stored = row(factory, letter)
    assert result.status == "failed" and stored.status == "failed"
    assert "no email address for family" in (stored.last_error or "")
    assert mailbox.messages == []


def test_sweep_sends_every_queued_mail_once(factory: SessionFactory, review: tuple[int, str], mailbox: Mailbox) -> None:
    queue(factory, review, MISSED_REPORT)
    first = sweep_outbox()
    second = sweep_outbox()
    assert (first.sent, second.sent, second.retrying) == (3, 0, 0)
    assert len(mailbox.messages) == 3


def test_sweep_backs_off_then_gives_up_after_the_maximum_age_and_tells_the_operators(
    factory: SessionFactory, review: tuple[int, str], smtp_port: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    senco, *_ = queue(factory, review, MISSED_REPORT)
    now = system_now()
    assert sweep_outbox(now).retrying == 3  # mail server down
    assert sweep_outbox(now + timedelta(seconds=30)).retrying == 0  # still backing off: not tried
    assert row(factory, senco).attempts == 1
    assert sweep_outbox(now + timedelta(minutes=2)).retrying == 3
    late = sweep_outbox(now + timedelta(hours=49))
    stored = row(factory, senco)
    assert stored.status == "failed" and stored.attempts == 3
    assert late.failed == 6  # the three messages, then the three operators' notices (no mail server either)


def test_escalation_posts_a_summary_to_the_roles_webhook(
    factory: SessionFactory,
    review: tuple[int, str],
    mailbox: Mailbox,
    http_server: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    roles = (ROOT / "examples" / "la_roles.toml").read_text(encoding="utf-8")
    roles = roles.replace(
        'email = "head-of-sen@example.org"',
        f'email = "head-of-sen@example.org"\nwebhook = "{http_server.url}/hooks/sen-leadership"',
    )
    (tmp_path / "roles.toml").write_text(roles, encoding="utf-8")
    monkeypatch.setenv("EHCP_LA_ROLES_FILE", str(tmp_path / "roles.toml"))
    from services.setup import clear_caches, webhook_roles

    clear_caches()
    email, hook = queue(factory, review, ESCALATED, webhook_roles=webhook_roles())
    assert sweep_outbox().sent == 2
    assert len(mailbox.messages) == 1 and mailbox.messages[0][0] == ["head-of-sen@example.org"]
    (posted,) = http_server.requests
    assert posted.path == "/hooks/sen-leadership"
    assert review[1] in posted.body["text"] and CHILD_GIVEN_NAME not in posted.body["text"]
    assert row(factory, hook).recipient_address == "webhook"
