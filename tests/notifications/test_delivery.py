"""Delivering queued notifications to a real SMTP server (aiosmtpd on loopback), on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from prefect.logging import disable_run_logger

from notices.errors import PermanentDeliveryError, TransientDeliveryError
from records.session import SessionFactory
from tasks.notifications import deliver_notification, deliver_pending
from tests.notifications.conftest import CHILD_FAMILY_NAME, CHILD_GIVEN_NAME, HEAD_EMAIL, ROOT, SENCO_EMAIL, Mailbox
from tests.notifications.support import LATE_LETTER, MISSED_REPORT, audit_actions, queue, row


@pytest.fixture(autouse=True)
def quiet_run_logger() -> Iterator[None]:
    with disable_run_logger():
        yield


def test_deliver_notification_twice_sends_the_mail_once(
    factory: SessionFactory, review: tuple[int, str], mailbox: Mailbox
) -> None:
    senco, *_ = queue(factory, review, MISSED_REPORT)
    first = deliver_notification.fn(senco)
    again = deliver_notification.fn(senco)
    assert len(mailbox.messages) == 1
    assert mailbox.messages[0][0] == [SENCO_EMAIL]
    assert first["status"] == "sent" and again["already_sent"] is True
    stored = row(factory, senco)
    assert stored.status == "sent" and stored.attempts == 1 and stored.sent_at is not None
    assert stored.recipient_address == SENCO_EMAIL and stored.last_error is None
    assert audit_actions(factory) == ["notification.sent"]


def test_delivered_mail_says_the_right_dates_and_keeps_the_name_out_of_the_subject(
    factory: SessionFactory, review: tuple[int, str], mailbox: Mailbox
) -> None:
    ids = queue(factory, review, MISSED_REPORT)
    for notification_id in ids:
        deliver_notification.fn(notification_id)
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


def test_task_result_holds_no_personal_data(factory: SessionFactory, review: tuple[int, str], mailbox: Mailbox) -> None:
    senco, *_ = queue(factory, review, MISSED_REPORT)
    result = deliver_notification.fn(senco)
    assert set(result) == {
        "notification_id",
        "review_ref",
        "kind",
        "role",
        "channel",
        "status",
        "attempts",
        "already_sent",
    }
    assert SENCO_EMAIL not in str(result) and CHILD_GIVEN_NAME not in str(result)


def test_mail_server_down_is_recorded_and_raised_as_transient(factory: SessionFactory, review: tuple[int, str]) -> None:
    senco, *_ = queue(factory, review, MISSED_REPORT)
    with pytest.raises(TransientDeliveryError, match="cannot reach the mail server"):
        deliver_notification.fn(senco)  # called directly: no retry follows, so this attempt is final
    stored = row(factory, senco)
    assert stored.status == "failed" and stored.attempts == 1
    assert stored.last_error is not None and "cannot reach the mail server" in stored.last_error
    assert audit_actions(factory) == ["notification.failed"]


def test_family_letter_without_an_address_goes_to_the_post_room(
    factory: SessionFactory, review: tuple[int, str], mailbox: Mailbox
) -> None:
    (letter,) = queue(factory, review, LATE_LETTER)
    deliver_notification.fn(letter)
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
    from tasks.notice_setup import clear_caches

    clear_caches()
    (letter,) = queue(factory, review, LATE_LETTER)
    with pytest.raises(PermanentDeliveryError, match="no email address for family"):
        deliver_notification.fn(letter)
    stored = row(factory, letter)
    assert stored.status == "failed" and "no email address for family" in (stored.last_error or "")
    assert mailbox.messages == []


def test_deliver_pending_sends_every_queued_mail_once(
    factory: SessionFactory, review: tuple[int, str], mailbox: Mailbox
) -> None:
    ids = queue(factory, review, MISSED_REPORT)
    first = deliver_pending(limit=10)
    second = deliver_pending(limit=10)
    assert [r["notification_id"] for r in first] == ids and second == []
    assert len(mailbox.messages) == 3


def test_deliver_pending_keeps_a_transient_failure_queued_until_its_attempts_are_spent(
    factory: SessionFactory, review: tuple[int, str]
) -> None:
    senco, *_ = queue(factory, review, MISSED_REPORT)
    deliver_pending(limit=1, max_attempts=2)
    assert row(factory, senco).status == "queued"
    deliver_pending(limit=1, max_attempts=2)
    stored = row(factory, senco)
    assert stored.status == "failed" and stored.attempts == 2
