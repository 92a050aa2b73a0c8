"""Delivery channels: SMTP email (default), GOV.UK Notify and a chat webhook.

``email_channel_from(settings)`` builds the channel that emails people, as the
settings choose; ``webhook_channel_from(settings)`` the staff alert channel.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from notices.channels.base import Channel, DeliveryResult
from notices.channels.notify import NotifyChannel
from notices.channels.post import NotifyLetterChannel, PrintBatchChannel
from notices.channels.smtp import SmtpChannel
from notices.channels.webhook import WebhookChannel
from notices.settings import ChannelName, NoticeSettings

__all__ = [
    "Channel",
    "DeliveryResult",
    "NotifyChannel",
    "NotifyLetterChannel",
    "PrintBatchChannel",
    "SmtpChannel",
    "WebhookChannel",
    "email_channel_from",
    "post_channel_from",
    "webhook_channel_from",
]


def email_channel_from(settings: NoticeSettings, *, now: Callable[[], datetime]) -> Channel:
    """Return the channel that emails people: SMTP unless the settings choose GOV.UK Notify.

    ``now`` gives the instant of sending (system time) for the SMTP ``Date:`` header.
    """
    if settings.email_channel is ChannelName.NOTIFY:
        if settings.notify_api_key is None:
            raise ValueError("EHCP_NOTIFY_API_KEY is needed when EHCP_EMAIL_CHANNEL is notify")
        return NotifyChannel(
            api_key=settings.notify_api_key.get_secret_value(),
            template_ids=settings.notify_template_ids,
            base_url=settings.notify_base_url,
        )
    password = settings.smtp_password.get_secret_value() if settings.smtp_password is not None else None
    return SmtpChannel(
        host=settings.smtp_host,
        port=settings.smtp_port,
        from_address=settings.smtp_from,
        starttls=settings.smtp_starttls,
        username=settings.smtp_username,
        password=password,
        timeout_seconds=settings.smtp_timeout_seconds,
        now=now,
    )


def webhook_channel_from(settings: NoticeSettings) -> WebhookChannel:
    """Return the staff alert channel with the settings' default webhook."""
    return WebhookChannel(default_url=settings.webhook_url, timeout_seconds=settings.webhook_timeout_seconds)


def post_channel_from(settings: NoticeSettings) -> Channel:
    """Return the channel that posts letters: the daily print batch, or GOV.UK Notify when the settings choose it."""
    if settings.email_channel is ChannelName.NOTIFY:
        if settings.notify_api_key is None:
            raise ValueError("EHCP_NOTIFY_API_KEY is needed when EHCP_EMAIL_CHANNEL is notify")
        return NotifyLetterChannel(
            api_key=settings.notify_api_key.get_secret_value(),
            base_url=settings.notify_base_url,
            postage=settings.letter_postage,
        )
    return PrintBatchChannel(settings.print_batch_dir)
