"""NoticeSettings from the environment, and the channels it builds."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from notices.channels import NotifyChannel, SmtpChannel, WebhookChannel, email_channel_from, webhook_channel_from
from notices.settings import ChannelName, NoticeSettings

KEY = "ehcp_test-00000000-0000-0000-0000-000000000001-00000000-0000-0000-0000-000000000002"


def test_notice_settings_defaults_to_smtp() -> None:
    settings = NoticeSettings()
    assert settings.email_channel is ChannelName.SMTP
    assert isinstance(email_channel_from(settings, now=fixed_now), SmtpChannel)


def test_notice_settings_reads_ehcp_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("EHCP_EMAIL_CHANNEL", "notify")
    monkeypatch.setenv("EHCP_NOTIFY_API_KEY", KEY)
    monkeypatch.setenv("EHCP_NOTIFY_BASE_URL", "http://127.0.0.1:9")
    monkeypatch.setenv("EHCP_NOTIFY_TEMPLATE_IDS", '{"decision-maintain": "t-1"}')
    monkeypatch.setenv("EHCP_SMTP_PORT", "2525")
    settings = NoticeSettings()
    assert settings.notify_template_ids == {"decision-maintain": "t-1"}
    assert settings.smtp_port == 2525
    assert KEY not in repr(settings)
    channel = email_channel_from(settings, now=fixed_now)
    assert isinstance(channel, NotifyChannel)
    channel.close()


def test_email_channel_from_notify_needs_a_key() -> None:
    with pytest.raises(ValueError, match="EHCP_NOTIFY_API_KEY"):
        email_channel_from(NoticeSettings(email_channel=ChannelName.NOTIFY), now=fixed_now)


def test_webhook_channel_from_settings() -> None:
    channel = webhook_channel_from(NoticeSettings(webhook_url="http://127.0.0.1:9/hook"))
    assert isinstance(channel, WebhookChannel)
    channel.close()


def fixed_now() -> datetime:
    return datetime(2026, 12, 1, 9, 30, tzinfo=UTC)
