"""The webhook channel against a local HTTP server: a JSON ``text`` with no personal data."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from conftest import LocalHttpServer, free_port
from notice_samples import CHILD_NAME, FAMILY_ADDRESSEE, REFERENCE, sample_context

from notices.channels.webhook import WebhookChannel
from notices.context import ReviewContext
from notices.errors import PermanentDeliveryError, TransientDeliveryError
from notices.kinds import REVIEW_KINDS, MessageKind
from notices.recipients import Recipient
from notices.render import RenderedMessage, render
from rules.calendar import IsWorkingDay
from rules.ladder import Role


@pytest.fixture
def webhook(http_server: LocalHttpServer) -> Iterator[WebhookChannel]:
    channel = WebhookChannel(default_url=f"{http_server.url}/hooks/default", timeout_seconds=5)
    yield channel
    channel.close()


@pytest.fixture
def message(review: ReviewContext, is_working_day: IsWorkingDay) -> RenderedMessage:
    return render(sample_context(MessageKind.SETTING_MISSED, review, is_working_day))


@pytest.mark.parametrize("kind", REVIEW_KINDS, ids=str)
def test_webhook_send_posts_text_without_personal_data(
    webhook: WebhookChannel,
    http_server: LocalHttpServer,
    kind: MessageKind,
    review: ReviewContext,
    is_working_day: IsWorkingDay,
) -> None:
    webhook.send(render(sample_context(kind, review, is_working_day)), Recipient(Role.HEAD_OF_SERVICE))
    [request] = http_server.requests
    assert request.path == "/hooks/default"
    assert request.headers["Content-Type"] == "application/json"
    assert list(request.body) == ["text"]
    text = request.body["text"]
    assert REFERENCE in text
    for personal in (CHILD_NAME, FAMILY_ADDRESSEE, "Holly", "Section F"):
        assert personal not in text


def test_webhook_send_event_summary_names_key_step_dates_and_roles(
    webhook: WebhookChannel, http_server: LocalHttpServer, message: RenderedMessage
) -> None:
    webhook.send(message, Recipient(Role.CASEWORKER))
    assert http_server.requests[0].body["text"] == (
        "AR-2026-00123: missed for report_due (due Monday 15 June 2026, owed by setting) on Tuesday 16 June 2026;"
        " for senco, head_teacher, caseworker"
    )


def test_webhook_send_prefers_the_roles_own_webhook(
    webhook: WebhookChannel, http_server: LocalHttpServer, message: RenderedMessage
) -> None:
    webhook.send(message, Recipient(Role.DIRECTOR, webhook_url=f"{http_server.url}/hooks/director"))
    assert http_server.requests[0].path == "/hooks/director"


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (500, TransientDeliveryError),
        (502, TransientDeliveryError),
        (429, TransientDeliveryError),
        (400, PermanentDeliveryError),
        (404, PermanentDeliveryError),
    ],
    ids=str,
)
def test_webhook_send_maps_status_to_error(
    webhook: WebhookChannel,
    http_server: LocalHttpServer,
    message: RenderedMessage,
    status: int,
    error: type[Exception],
) -> None:
    http_server.status = status
    with pytest.raises(error) as raised:
        webhook.send(message, Recipient(Role.CASEWORKER))
    assert getattr(raised.value, "status", None) == status
    assert "/hooks/" not in str(raised.value)


def test_webhook_send_unreachable_is_transient(message: RenderedMessage) -> None:
    channel = WebhookChannel(default_url=f"http://127.0.0.1:{free_port()}/hook", timeout_seconds=5)
    with pytest.raises(TransientDeliveryError):
        channel.send(message, Recipient(Role.CASEWORKER))
    channel.close()


def test_webhook_send_without_any_url_is_permanent(message: RenderedMessage) -> None:
    channel = WebhookChannel()
    with pytest.raises(PermanentDeliveryError, match="no webhook"):
        channel.send(message, Recipient(Role.CASEWORKER))
    channel.close()
