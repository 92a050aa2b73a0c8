"""The SMTP channel against a real SMTP server (aiosmtpd) on loopback."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import compat32
from email.policy import default as default_policy
from email.utils import parsedate_to_datetime
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from conftest import free_port
from notice_samples import CHILD_NAME, sample_context

from notices.channels.smtp import SmtpChannel
from notices.context import ReviewContext
from notices.errors import PermanentDeliveryError, TransientDeliveryError
from notices.kinds import MessageKind
from notices.recipients import Recipient
from notices.render import RenderedMessage, render
from rules.calendar import IsWorkingDay
from rules.ladder import Role

FROM = "annual-reviews@example.org"
SENCO = Recipient(Role.SENCO, "senco@school.example.org", "Test SENCO")


class Mailbox:
    """An aiosmtpd handler that keeps every message, or refuses recipients with a chosen reply."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], EmailMessage]] = []
        self.raw: list[bytes] = []
        self.rcpt_reply: str | None = None

    async def handle_RCPT(self, server: Any, session: Any, envelope: Any, address: str, options: Any) -> str:
        if self.rcpt_reply is not None:
            return self.rcpt_reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.raw.append(envelope.original_content)
        mail = message_from_bytes(envelope.original_content, policy=default_policy)
        assert isinstance(mail, EmailMessage)
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), mail))
        return "250 Message accepted for delivery"


@pytest.fixture
def mailbox() -> Iterator[tuple[Mailbox, int]]:
    handler = Mailbox()
    port = free_port()
    controller = Controller(handler, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield handler, port
    finally:
        controller.stop()


@pytest.fixture
def message(review: ReviewContext, is_working_day: IsWorkingDay) -> RenderedMessage:
    return render(sample_context(MessageKind.SETTING_MISSED, review, is_working_day))


def channel(port: int) -> SmtpChannel:
    return SmtpChannel(host="127.0.0.1", port=port, from_address=FROM, timeout_seconds=5, now=lambda: SENT_AT)


def test_smtp_send_delivers_subject_bodies_and_recipient(
    mailbox: tuple[Mailbox, int], message: RenderedMessage
) -> None:
    handler, port = mailbox
    result = channel(port).send(message, SENCO)
    [(mail_from, rcpt_tos, mail)] = handler.messages
    assert (mail_from, rcpt_tos) == (FROM, ["senco@school.example.org"])
    assert mail["Subject"] == message.subject
    assert mail["To"] == "senco@school.example.org"
    assert mail["X-EHCP-Reference"] == message.reference
    assert mail["Message-ID"] == result.provider_id
    text = mail.get_body(preferencelist=("plain",))
    html = mail.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    assert text.get_content().replace("\r\n", "\n") == message.body_text
    assert CHILD_NAME in text.get_content() and "Holly &amp; Ivy" in html.get_content()
    assert CHILD_NAME not in mail["Subject"]
    assert result.channel == "smtp" and result.reference == message.reference


def test_smtp_send_mail_server_down_is_transient(message: RenderedMessage) -> None:
    with pytest.raises(TransientDeliveryError) as raised:
        channel(free_port()).send(message, SENCO)
    assert "senco@" not in str(raised.value)


@pytest.mark.parametrize(
    ("reply", "error", "status"),
    [
        ("451 4.3.0 Mailbox temporarily unavailable", TransientDeliveryError, 451),
        ("550 5.1.1 No such user here", PermanentDeliveryError, 550),
    ],
    ids=["4xx-transient", "5xx-permanent"],
)
def test_smtp_send_refused_recipient_maps_reply_code(
    mailbox: tuple[Mailbox, int], message: RenderedMessage, reply: str, error: type[Exception], status: int
) -> None:
    handler, port = mailbox
    handler.rcpt_reply = reply
    with pytest.raises(error) as raised:
        channel(port).send(message, SENCO)
    assert getattr(raised.value, "status", None) == status
    assert "senco@" not in str(raised.value) and raised.value.__cause__ is None
    assert handler.messages == []


@pytest.mark.parametrize("address", [None, "", "senco@example.org\r\nBcc: everyone@example.org"], ids=repr)
def test_smtp_send_without_valid_address_is_permanent(
    mailbox: tuple[Mailbox, int], message: RenderedMessage, address: str | None
) -> None:
    handler, port = mailbox
    with pytest.raises(PermanentDeliveryError):
        channel(port).send(message, Recipient(Role.HEAD_TEACHER, address))
    assert handler.messages == []


def test_smtp_channel_login_needs_username_and_password() -> None:
    with pytest.raises(ValueError, match="both"):
        SmtpChannel(host="127.0.0.1", port=25, from_address=FROM, username="relay", now=lambda: SENT_AT)


SENT_AT = datetime(2026, 12, 1, 9, 30, tzinfo=UTC)


def test_smtp_mail_has_a_date_header_from_the_injected_time(
    mailbox: tuple[Mailbox, int], message: RenderedMessage
) -> None:
    handler, port = mailbox
    SmtpChannel(host="127.0.0.1", port=port, from_address=FROM, timeout_seconds=5, now=lambda: SENT_AT).send(
        message, SENCO
    )
    [(_, _, mail)] = handler.messages
    assert parsedate_to_datetime(str(mail["Date"])) == SENT_AT


def test_smtp_subject_is_not_folded_into_a_leading_space(
    mailbox: tuple[Mailbox, int], review: ReviewContext, is_working_day: IsWorkingDay
) -> None:
    """A setting reminder's subject is about 80 characters: the standard policy moved it onto a continuation line."""
    handler, port = mailbox
    reminder = render(sample_context(MessageKind.SETTING_REMINDER, review, is_working_day))
    assert len("Subject: " + reminder.subject) > 78
    channel(port).send(reminder, SENCO)
    raw = handler.raw[0]
    assert f"Subject: {reminder.subject}\r\n".encode() in raw
    legacy = message_from_bytes(raw, policy=compat32)
    assert legacy["Subject"] == reminder.subject
