"""Email over SMTP (the default channel), with the standard library's smtplib.

One connection per message: the volumes are small (a few hundred a day) and a
fresh connection never inherits a broken one. SMTP replies map to the error
tree: 4xx and connection problems are transient, 5xx permanent.

Every mail carries a ``Date:`` header (RFC 5322 requires one; not every
submission server adds it): the instant of sending, system time from the
``now`` callable the composition root gives (``records.system_time.system_now``;
this package reads no clock, and a business date never goes here). Headers
are not folded below the RFC's 998-character limit: the standard SMTP policy
folds a subject that fits on a line of its own onto a continuation line, and a
reader then sees it start with a space.
"""

from __future__ import annotations

import smtplib
import ssl
import uuid
from collections.abc import Callable
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from typing import Final

from notices.channels.base import DeliveryResult
from notices.errors import DeliveryError, PermanentDeliveryError, TransientDeliveryError
from notices.recipients import Recipient
from notices.render import RenderedMessage

__all__ = ["SmtpChannel", "email_message"]

NAME = "smtp"
SMTP_POLICY: Final = SMTP.clone(max_line_length=998)  # RFC 5322 2.1.1: lines up to 998 characters


def email_message(
    message: RenderedMessage, *, from_address: str, to_address: str, sent_at: datetime
) -> EmailMessage:
    """Return the MIME email (plain text with an HTML alternative, and the message's files attached) for one
    recipient, dated ``sent_at``."""
    if sent_at.tzinfo is None:
        raise ValueError("the Date header needs an aware instant")
    mail = EmailMessage(policy=SMTP_POLICY)
    mail["Date"] = format_datetime(sent_at)
    mail["From"] = from_address
    mail["To"] = to_address
    mail["Subject"] = message.subject
    mail["Message-ID"] = f"<{uuid.uuid4().hex}@{from_address.rpartition('@')[2] or 'localhost'}>"
    mail["X-EHCP-Reference"] = message.reference
    mail.set_content(message.body_text)
    mail.add_alternative(message.body_html, subtype="html")
    for name, media_type, content in message.files:
        maintype, _, subtype = media_type.partition("/")
        mail.add_attachment(content, maintype=maintype, subtype=subtype, filename=name)
    return mail


def _error_for_code(code: int, what: str, reference: str) -> DeliveryError:
    error = TransientDeliveryError if 400 <= code < 500 else PermanentDeliveryError
    return error(what, channel=NAME, reference=reference, status=code)


class SmtpChannel:
    """Send email through one SMTP server."""

    name = NAME

    def __init__(
        self,
        *,
        host: str,
        port: int,
        from_address: str,
        starttls: bool = False,
        username: str | None = None,
        password: str | None = None,
        timeout_seconds: float = 30.0,
        now: Callable[[], datetime],
        smtp_factory: Callable[..., smtplib.SMTP] = smtplib.SMTP,
    ) -> None:
        self._host = host
        self._port = port
        self._from = from_address
        self._starttls = starttls
        if (username is None) != (password is None):
            raise ValueError("SMTP login needs both a username and a password")
        self._login = (username, password) if username is not None and password is not None else None
        self._timeout = timeout_seconds
        self._smtp_factory = smtp_factory
        self._now = now

    def send(self, message: RenderedMessage, recipient: Recipient) -> DeliveryResult:
        """Send one email; raise a DeliveryError (transient or permanent) if the server does not take it."""
        if not recipient.email:
            raise PermanentDeliveryError(
                f"no email address for {recipient.role}", channel=NAME, reference=message.reference
            )
        try:
            mail = email_message(message, from_address=self._from, to_address=recipient.email, sent_at=self._now())
        except (ValueError, TypeError):
            raise PermanentDeliveryError("invalid email address", channel=NAME, reference=message.reference) from None
        self._deliver(mail, message.reference)
        return DeliveryResult(NAME, message.reference, str(mail["Message-ID"]))

    def _deliver(self, mail: EmailMessage, reference: str) -> None:
        # The smtplib exceptions name addresses, so they are not chained (Prefect shows tracebacks).
        try:
            with self._smtp_factory(self._host, self._port, timeout=self._timeout) as server:
                self._open(server)
                server.send_message(mail)
        except smtplib.SMTPRecipientsRefused as exc:
            code = min(code for code, _ in exc.recipients.values())
            raise _error_for_code(code, "recipient refused", reference) from None
        except smtplib.SMTPResponseException as exc:
            raise _error_for_code(exc.smtp_code, "server refused the message", reference) from None
        except smtplib.SMTPNotSupportedError:
            raise PermanentDeliveryError(
                "server does not support STARTTLS or AUTH", channel=NAME, reference=reference
            ) from None
        except (OSError, smtplib.SMTPException) as exc:
            raise TransientDeliveryError(
                f"cannot reach the mail server ({type(exc).__name__})", channel=NAME, reference=reference
            ) from None

    def _open(self, server: smtplib.SMTP) -> None:
        if self._starttls:
            server.starttls(context=ssl.create_default_context())
        if self._login is not None:
            server.login(*self._login)
