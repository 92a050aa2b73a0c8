"""Staff alerts to a Teams or Slack incoming webhook: a JSON POST with a ``text`` field.

A chat channel is seen by many people, so the webhook posts only the message's
``summary``: rendered without personal fields, it carries the review reference,
deadline key, step, dates and audience roles. A role's own webhook wins over the
default one. Webhook URLs hold a secret, so they never appear in errors.
"""

from __future__ import annotations

import httpx

from notices.channels.base import DeliveryResult, is_retryable_status
from notices.errors import PermanentDeliveryError, TransientDeliveryError
from notices.recipients import Recipient
from notices.render import RenderedMessage

__all__ = ["WebhookChannel"]

NAME = "webhook"


class WebhookChannel:
    """POST a one-line, non-personal summary to a chat webhook."""

    name = NAME

    def __init__(
        self, *, default_url: str | None = None, timeout_seconds: float = 10.0, client: httpx.Client | None = None
    ) -> None:
        self._default_url = default_url
        self._client = client or httpx.Client(timeout=timeout_seconds)

    def send(self, message: RenderedMessage, recipient: Recipient) -> DeliveryResult:
        """Post the summary; raise a DeliveryError if the webhook does not take it."""
        url = recipient.webhook_url or self._default_url
        if not url:
            raise PermanentDeliveryError(f"no webhook for {recipient.role}", channel=NAME, reference=message.reference)
        try:
            response = self._client.post(url, json={"text": message.summary})
        except httpx.TransportError as exc:
            raise TransientDeliveryError(
                f"cannot reach the webhook ({type(exc).__name__})", channel=NAME, reference=message.reference
            ) from None
        if response.is_success:
            return DeliveryResult(NAME, message.reference)
        error = TransientDeliveryError if is_retryable_status(response.status_code) else PermanentDeliveryError
        raise error(
            "webhook refused the message", channel=NAME, reference=message.reference, status=response.status_code
        )

    def close(self) -> None:
        """Close the HTTP connection pool."""
        self._client.close()
