"""Delivery inside a Prefect flow: a down mail server is retried, then the row is ``failed`` with the error.

``prefect_test_harness`` is scoped to this module only (it starts a temporary server, ~12 s).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from prefect import flow
from prefect.states import State
from prefect.testing.utilities import prefect_test_harness

from records.session import SessionFactory
from tasks.notifications import DELIVERY_RETRIES, deliver_notification, enqueue_event_notifications
from tests.notifications.conftest import CHILD_GIVEN_NAME, ROOT, Mailbox
from tests.notifications.support import ESCALATED, MISSED_REPORT, audit_actions, queue, row


@pytest.fixture(scope="module", autouse=True)
def prefect_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    with prefect_test_harness(server_startup_timeout=60):
        yield


@flow
def deliver_in_flow(notification_id: int) -> bool:
    """Return whether the delivery task ended failed (a returned failed state would fail the flow)."""
    state: State[Any] = deliver_notification.with_options(retry_delay_seconds=0)(notification_id, return_state=True)
    return state.is_failed()


@flow
def enqueue_and_deliver(review_ref: str) -> list[dict[str, Any]]:
    ids = enqueue_event_notifications(review_ref, MISSED_REPORT)
    again = enqueue_event_notifications(review_ref, MISSED_REPORT)
    assert ids == again
    return [deliver_notification(notification_id) for notification_id in ids]


def test_down_mail_server_is_retried_then_failed_with_the_error_visible(
    factory: SessionFactory, review: tuple[int, str]
) -> None:
    senco, *_ = queue(factory, review, MISSED_REPORT)
    assert deliver_in_flow(senco) is True
    stored = row(factory, senco)
    assert stored.attempts == DELIVERY_RETRIES + 1
    assert stored.status == "failed" and "cannot reach the mail server" in (stored.last_error or "")
    assert audit_actions(factory) == ["notification.attempt_failed"] * DELIVERY_RETRIES + ["notification.failed"]


def test_flow_enqueues_once_and_each_mail_arrives_once(
    factory: SessionFactory, review: tuple[int, str], mailbox: Mailbox
) -> None:
    results = enqueue_and_deliver(review[1])
    enqueue_and_deliver(review[1])
    assert [r["status"] for r in results] == ["sent"] * 3
    assert len(mailbox.messages) == 3
    assert CHILD_GIVEN_NAME not in str(results)


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
    from tasks.notice_setup import clear_caches

    clear_caches()

    @flow
    def escalate(review_ref: str) -> list[dict[str, Any]]:
        return [deliver_notification(i) for i in enqueue_event_notifications(review_ref, ESCALATED)]

    results = escalate(review[1])
    assert [(r["channel"], r["status"]) for r in results] == [("email", "sent"), ("webhook", "sent")]
    assert len(mailbox.messages) == 1 and mailbox.messages[0][0] == ["head-of-sen@example.org"]
    (posted,) = http_server.requests
    assert posted.path == "/hooks/sen-leadership"
    assert review[1] in posted.body["text"] and CHILD_GIVEN_NAME not in posted.body["text"]
    assert row(factory, results[1]["notification_id"]).recipient_address == "webhook"
