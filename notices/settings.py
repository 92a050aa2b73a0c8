"""Delivery settings, read once from the environment (prefix ``EHCP_``) at the composition root.

Built once (``NoticeSettings()``) and passed in; nothing in ``notices/`` reads the
environment itself. Secrets are ``SecretStr`` so they never print.
``EHCP_NOTIFY_TEMPLATE_IDS`` is JSON: ``{"setting-reminder": "<uuid>", ...}``.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

__all__ = ["ChannelName", "NoticeSettings"]

NOTIFY_BASE_URL = "https://api.notifications.service.gov.uk"


class ChannelName(StrEnum):
    SMTP = "smtp"
    NOTIFY = "notify"


class NoticeSettings(BaseSettings):
    """How notices are delivered, and where the council's roles file is."""

    model_config = SettingsConfigDict(env_prefix="EHCP_", extra="ignore")

    email_channel: ChannelName = ChannelName.SMTP
    """Which channel sends email to people: SMTP (default) or GOV.UK Notify."""
    smtp_host: str = "127.0.0.1"
    """SMTP submission server."""
    smtp_port: int = Field(default=25, ge=1, le=65535)
    """SMTP port (587 with STARTTLS is usual for a relay that needs a login)."""
    smtp_starttls: bool = False
    """Upgrade the SMTP connection with STARTTLS before sending."""
    smtp_username: str | None = None
    """SMTP login, when the server needs one."""
    smtp_password: SecretStr | None = None
    """SMTP password, when the server needs one."""
    smtp_from: str = "annual-reviews@example.org"
    """The From address of every email."""
    smtp_timeout_seconds: float = Field(default=30.0, gt=0)
    """Connect and command timeout for SMTP."""
    notify_api_key: SecretStr | None = None
    """GOV.UK Notify API key (the whole key: name, service id and secret)."""
    notify_base_url: str = NOTIFY_BASE_URL
    """GOV.UK Notify API base URL; tests point it at a local server."""
    notify_template_ids: dict[str, str] = Field(default_factory=dict)
    """Notify template id per message kind; each template has ((subject)) and ((body)) placeholders."""
    webhook_url: str | None = None
    """Default Teams or Slack incoming webhook for staff alerts (a role's own webhook wins)."""
    webhook_timeout_seconds: float = Field(default=10.0, gt=0)
    """Timeout for one webhook POST."""
    delivery_retry_delays_seconds: list[float] = Field(
        default_factory=lambda: [60.0, 300.0, 900.0, 3600.0], min_length=1
    )
    """Back-off of the outbox sweep: the wait before each retry of a delivery that failed for a passing
    reason (JSON list; the last wait repeats), e.g. [60, 300, 900, 3600]."""
    delivery_max_age_hours: float = Field(default=48.0, gt=0)
    """How long a message that keeps failing for a passing reason is retried before it is failed for good
    and reported to the operators (``EHCP_DELIVERY_MAX_AGE_HOURS``)."""
    print_batch_dir: Path = Path("data/print-batches")
    """Where posted letters' PDFs go, one folder per day for the post room to print (``EHCP_PRINT_BATCH_DIR``);
    with ``EHCP_EMAIL_CHANNEL=notify`` they go to GOV.UK Notify's precompiled-letter API instead."""
    letter_postage: str = Field(default="second", pattern="^(first|second|economy)$")
    """GOV.UK Notify's postage for posted letters: first, second or economy."""
    portal_url: str = "http://127.0.0.1:8000"
    """The front door's public address (``EHCP_PORTAL_URL``): the links in advice requests start with it."""
    la_roles_file: Path = Path("examples/la_roles.toml")
    """The council's roles file (TOML or JSON): its details and who holds each LA role."""
