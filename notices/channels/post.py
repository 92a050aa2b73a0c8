"""Paper: a posted letter's PDF into the day's print batch, or to GOV.UK Notify's precompiled-letter API.

The print batch is a folder per business date (``EHCP_PRINT_BATCH_DIR``, ``data/print-batches`` by default:
``2026-12-04/AR-2026-00002-decision-maintain-n17.pdf``) that the post room prints and posts that day; a file
name holds the review reference, the kind and the outbox row only. With ``EHCP_EMAIL_CHANNEL=notify`` the PDF
goes to Notify (``send_precompiled_letter_notification``), which prints and posts it; its ``reference`` is the
same non-personal name. Either way the message must carry its PDF (``services.delivery`` makes it).
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

from notifications_python_client.errors import HTTPError, InvalidResponse
from notifications_python_client.notifications import NotificationsAPIClient

from notices.channels.base import DeliveryResult, is_retryable_status
from notices.errors import PermanentDeliveryError, TransientDeliveryError
from notices.recipients import Recipient
from notices.render import RenderedMessage
from notices.settings import NOTIFY_BASE_URL

__all__ = ["NotifyLetterChannel", "PrintBatchChannel", "file_stem"]

NAME = "post"


def file_stem(reference: str) -> str:
    """Return a file name stem for a message reference (``AR-2026-00002/decision-maintain/n17`` -> dashes)."""
    return re.sub(r"[^A-Za-z0-9-]+", "-", reference).strip("-")


def _pdf_of(message: RenderedMessage, recipient: Recipient) -> bytes:
    if not recipient.postal_address:
        raise PermanentDeliveryError(
            f"no postal address for {recipient.role}", channel=NAME, reference=message.reference
        )
    if message.pdf is None or message.dated is None:
        raise PermanentDeliveryError("the letter has no PDF to post", channel=NAME, reference=message.reference)
    return message.pdf


class PrintBatchChannel:
    """Put each posted letter's PDF in the print batch folder of the day it is sent."""

    name = NAME

    def __init__(self, folder: Path) -> None:
        self._folder = folder

    def send(self, message: RenderedMessage, recipient: Recipient) -> DeliveryResult:
        """Write the PDF into the day's batch (once: the same letter again replaces its own file)."""
        pdf = _pdf_of(message, recipient)
        assert message.dated is not None
        batch = self._folder / message.dated.isoformat()
        try:
            batch.mkdir(parents=True, exist_ok=True)
            path = batch / f"{file_stem(message.reference)}.pdf"
            partial = path.with_suffix(".part")
            partial.write_bytes(pdf)
            partial.replace(path)  # the post room never sees half a file
        except OSError as exc:
            raise TransientDeliveryError(
                f"cannot write to the print batch ({exc.strerror})", channel=NAME, reference=message.reference
            ) from None
        return DeliveryResult(NAME, message.reference, f"{batch.name}/{path.name}")


class NotifyLetterChannel:
    """Send each posted letter's PDF to GOV.UK Notify, which prints and posts it."""

    name = NAME

    def __init__(
        self,
        *,
        api_key: str,
        base_url: str = NOTIFY_BASE_URL,
        postage: str = "second",
        timeout_seconds: float = 30.0,
        client_factory: Callable[..., Any] = NotificationsAPIClient,
    ) -> None:
        self._postage = postage
        self._client = client_factory(api_key, base_url=base_url, timeout=timeout_seconds)

    def send(self, message: RenderedMessage, recipient: Recipient) -> DeliveryResult:
        """Ask Notify to post one precompiled letter; raise a DeliveryError if it does not accept it."""
        pdf = _pdf_of(message, recipient)
        reference = file_stem(message.reference)
        try:
            response = self._client.send_precompiled_letter_notification(
                reference=reference, pdf_file=io.BytesIO(pdf), postage=self._postage
            )
        except InvalidResponse:
            raise PermanentDeliveryError(
                "Notify's reply could not be read; check before resending", channel=NAME, reference=message.reference
            ) from None
        except HTTPError as exc:  # Notify's text can echo the request: only the status is kept
            error = TransientDeliveryError if is_retryable_status(exc.status_code) else PermanentDeliveryError
            raise error(
                "Notify did not accept the letter", channel=NAME, reference=message.reference, status=exc.status_code
            ) from None
        return DeliveryResult(NAME, reference, str(response.get("id")) if response else None)

    def close(self) -> None:
        """Close the client's HTTP session."""
        self._client.request_session.close()
