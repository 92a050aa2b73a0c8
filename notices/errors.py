"""Errors raised while rendering or delivering a notice.

* EhcpError                      (rules.errors) base of every deliberate error
  x RenderError                  a template could not be rendered (missing placeholder, wrong context)
  x DeliveryError                a channel could not deliver a message
    x TransientDeliveryError     worth retrying: connection refused, timeout, HTTP 5xx or 429, SMTP 4xx
    x PermanentDeliveryError     retrying will not help: HTTP 4xx, SMTP 5xx, a recipient without an address

Messages name the channel, the message kind and a status code only: never an
address, a name or a provider's echo of the request, because task failures are
shown in Prefect.
"""

from __future__ import annotations

from rules.errors import EhcpError

__all__ = ["DeliveryError", "PermanentDeliveryError", "RenderError", "TransientDeliveryError"]


class RenderError(EhcpError):
    """A template could not be rendered."""

    message = "notice could not be rendered"

    def __init__(self, message: str | None = None, *, kind: str | None = None) -> None:
        self.kind = kind
        super().__init__(f"{kind}: {message or self.message}" if kind else message)


class DeliveryError(EhcpError):
    """A channel could not deliver a message."""

    message = "notice could not be delivered"

    def __init__(
        self, message: str | None = None, *, channel: str, reference: str | None = None, status: int | None = None
    ) -> None:
        self.channel = channel
        self.reference = reference
        self.status = status
        parts = [channel, reference, message or self.message, f"(status {status})" if status is not None else None]
        super().__init__(" ".join(part for part in parts if part))


class TransientDeliveryError(DeliveryError):
    """Delivery failed in a way that a later retry may fix."""

    message = "delivery failed for now; safe to retry"


class PermanentDeliveryError(DeliveryError):
    """Delivery failed in a way that a retry will not fix; a person must look."""

    message = "delivery failed; retrying will not help"
