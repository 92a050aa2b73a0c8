"""The GOV.UK Notify channel against a local HTTP server that checks each request."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import jwt
import pytest
from conftest import LocalHttpServer, free_port
from notice_samples import CHILD_NAME, REFERENCE, sample_context

from notices.channels.notify import NotifyChannel
from notices.context import ReviewContext
from notices.errors import PermanentDeliveryError, TransientDeliveryError
from notices.kinds import MessageKind
from notices.recipients import Recipient
from notices.render import RenderedMessage, render
from rules.calendar import IsWorkingDay
from rules.ladder import Role

SERVICE_ID = str(uuid.UUID(int=1))
SECRET = str(uuid.UUID(int=2))
API_KEY = f"ehcp_test-{SERVICE_ID}-{SECRET}"
TEMPLATE_ID = str(uuid.UUID(int=3))
FAMILY = Recipient(Role.FAMILY, "family@example.org")


@pytest.fixture
def message(review: ReviewContext, is_working_day: IsWorkingDay) -> RenderedMessage:
    return render(sample_context(MessageKind.DECISION_MAINTAIN, review, is_working_day))


@pytest.fixture
def notify(http_server: LocalHttpServer) -> Iterator[NotifyChannel]:
    channel = NotifyChannel(
        api_key=API_KEY,
        template_ids={MessageKind.DECISION_MAINTAIN: TEMPLATE_ID},
        base_url=http_server.url,
        timeout_seconds=5,
    )
    yield channel
    channel.close()


def test_notify_send_posts_email_notification(
    notify: NotifyChannel, http_server: LocalHttpServer, message: RenderedMessage
) -> None:
    http_server.status, http_server.reply = 201, {"id": "notification-1"}
    result = notify.send(message, FAMILY)
    [request] = http_server.requests
    assert request.path == "/v2/notifications/email"
    scheme, token = request.headers["Authorization"].split(" ")
    assert scheme == "Bearer"
    assert jwt.decode(token, SECRET, algorithms=["HS256"])["iss"] == SERVICE_ID
    assert request.body == {
        "email_address": "family@example.org",
        "template_id": TEMPLATE_ID,
        "personalisation": {"subject": message.subject, "body": message.body_text},
        "reference": f"{REFERENCE}/decision-maintain",
    }
    assert CHILD_NAME in request.body["personalisation"]["body"]
    assert CHILD_NAME not in request.body["reference"] + request.body["personalisation"]["subject"]
    assert (result.channel, result.provider_id) == ("notify", "notification-1")


@pytest.mark.parametrize(
    ("status", "error"),
    [
        (500, TransientDeliveryError),
        (503, TransientDeliveryError),
        (429, TransientDeliveryError),
        (400, PermanentDeliveryError),
        (403, PermanentDeliveryError),
    ],
    ids=str,
)
def test_notify_send_maps_status_to_error(
    notify: NotifyChannel, http_server: LocalHttpServer, message: RenderedMessage, status: int, error: type[Exception]
) -> None:
    http_server.status = status
    error_item = {"error": "BadRequestError", "message": "family@example.org"}
    http_server.reply = {"status_code": status, "errors": [error_item]}
    with pytest.raises(error) as raised:
        notify.send(message, FAMILY)
    assert getattr(raised.value, "status", None) == status
    assert "family@" not in str(raised.value) and raised.value.__cause__ is None


def test_notify_send_unreachable_is_transient(message: RenderedMessage) -> None:
    channel = NotifyChannel(
        api_key=API_KEY,
        template_ids={MessageKind.DECISION_MAINTAIN: TEMPLATE_ID},
        base_url=f"http://127.0.0.1:{free_port()}",
        timeout_seconds=5,
    )
    with pytest.raises(TransientDeliveryError):
        channel.send(message, FAMILY)
    channel.close()


def test_notify_send_without_template_or_address_is_permanent(
    notify: NotifyChannel,
    http_server: LocalHttpServer,
    message: RenderedMessage,
    review: ReviewContext,
    is_working_day: IsWorkingDay,
) -> None:
    cease = render(sample_context(MessageKind.DECISION_CEASE, review, is_working_day))
    with pytest.raises(PermanentDeliveryError, match="no Notify template id for decision-cease"):
        notify.send(cease, FAMILY)
    with pytest.raises(PermanentDeliveryError, match="no email address"):
        notify.send(message, Recipient(Role.FAMILY))
    assert http_server.requests == []


def test_notify_channel_refuses_a_malformed_key() -> None:
    with pytest.raises(ValueError, match="too short"):
        NotifyChannel(api_key="not-a-key", template_ids={})
