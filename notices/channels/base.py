"""The one thing every channel does: send a rendered message to one recipient.

A channel raises ``TransientDeliveryError`` when a retry may work and
``PermanentDeliveryError`` when it will not (``notices.errors``); the delivery
task decides whether to retry. One recipient per call, so the outbox records an
outcome per person.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

from notices.recipients import Recipient
from notices.render import RenderedMessage

__all__ = ["Channel", "DeliveryResult", "is_retryable_status"]


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    """What the provider said when it accepted a message (no personal data)."""

    channel: str
    reference: str
    provider_id: str | None = None


class Channel(Protocol):
    """A way of delivering a message: SMTP, GOV.UK Notify or a webhook."""

    name: str

    def send(self, message: RenderedMessage, recipient: Recipient) -> DeliveryResult:
        """Deliver ``message`` to ``recipient`` or raise a DeliveryError."""
        ...


def is_retryable_status(status: int) -> bool:
    """Return True for HTTP statuses worth retrying: 5xx, 429 Too Many Requests and 408 Request Timeout."""
    return status >= 500 or status in (408, 429)
