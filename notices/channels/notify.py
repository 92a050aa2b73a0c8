"""Email through GOV.UK Notify, the UK public sector's messaging service.

Each message kind has its own Notify template whose content is the two
placeholders ((subject)) and ((body)); we fill them with our rendered text. The
Notify ``reference`` is the review reference and message kind only. The client
is built once per channel (it holds a ``requests`` session and is not
thread-safe: use one channel per worker thread).

Errors: the client raises ``HTTP503Error`` for 503 and for connection failures
and timeouts (no response); other ``HTTPError`` carry the status. A 2xx reply
that is not JSON (``InvalidResponse``) probably means the message was accepted,
so it is permanent: retrying could send it twice; a person checks instead.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from notifications_python_client.errors import HTTPError, InvalidResponse
from notifications_python_client.notifications import NotificationsAPIClient

from notices.channels.base import DeliveryResult, is_retryable_status
from notices.errors import PermanentDeliveryError, TransientDeliveryError
from notices.recipients import Recipient
from notices.render import RenderedMessage
from notices.settings import NOTIFY_BASE_URL

__all__ = ["NotifyChannel"]

NAME = "notify"
NOTIFY_KEY_MIN_LENGTH = 74  # the key ends with a 36-character service id, a dash and a 36-character secret


class NotifyChannel:
    """Send email with GOV.UK Notify, one template per message kind."""

    name = NAME

    def __init__(
        self,
        *,
        api_key: str,
        template_ids: Mapping[str, str],
        base_url: str = NOTIFY_BASE_URL,
        timeout_seconds: float = 30.0,
        client_factory: Callable[..., Any] = NotificationsAPIClient,
    ) -> None:
        if len(api_key) < NOTIFY_KEY_MIN_LENGTH:
            raise ValueError("the GOV.UK Notify API key is too short to hold a service id and a secret")
        self._template_ids = dict(template_ids)
        self._client = client_factory(api_key, base_url=base_url, timeout=timeout_seconds)

    def send(self, message: RenderedMessage, recipient: Recipient) -> DeliveryResult:
        """Ask Notify to send one email; raise a DeliveryError if it does not accept it."""
        template_id = self._template_ids.get(message.kind)
        if template_id is None:
            raise PermanentDeliveryError(
                f"no Notify template id for {message.kind}", channel=NAME, reference=message.reference
            )
        if not recipient.email:
            raise PermanentDeliveryError(
                f"no email address for {recipient.role}", channel=NAME, reference=message.reference
            )
        response = self._post(message, recipient.email, template_id)
        return DeliveryResult(NAME, message.reference, str(response.get("id")) if response else None)

    def _post(self, message: RenderedMessage, email: str, template_id: str) -> dict[str, Any]:
        # Notify's error text can echo the request, so only the status is kept and nothing is chained.
        try:
            response: dict[str, Any] = self._client.send_email_notification(
                email_address=email,
                template_id=template_id,
                personalisation={"subject": message.subject, "body": message.body_text},
                reference=message.reference,
            )
        except InvalidResponse:
            raise PermanentDeliveryError(
                "Notify's reply could not be read; check before resending", channel=NAME, reference=message.reference
            ) from None
        except HTTPError as exc:
            error = TransientDeliveryError if is_retryable_status(exc.status_code) else PermanentDeliveryError
            raise error(
                "Notify did not accept the message", channel=NAME, reference=message.reference, status=exc.status_code
            ) from None
        return response

    def close(self) -> None:
        """Close the client's HTTP session."""
        self._client.request_session.close()
