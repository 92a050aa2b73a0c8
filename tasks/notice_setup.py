"""The delivery layer's composition root: notice settings, the roles file and the channels, built once.

Channels are built per delivery and closed after it: the GOV.UK Notify client is not
thread-safe and SMTP opens one connection per message anyway.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

from notices.channels import Channel, email_channel_from, webhook_channel_from
from notices.planning import WEBHOOK_ROLES, OutboxChannel
from notices.recipients import LaDirectory, load_la_directory
from notices.settings import NoticeSettings
from records.system_time import system_now
from rules.ladder import Role


@cache
def notice_settings() -> NoticeSettings:
    """Return this process's delivery settings (environment variables ``EHCP_*``)."""
    return NoticeSettings()


@cache
def la_directory() -> LaDirectory:
    """Return the council's details and role addresses from the configured roles file."""
    return load_la_directory(notice_settings().la_roles_file)


def webhook_roles() -> frozenset[Role]:
    """Return the council roles that have a webhook: their own in the roles file, or the default one."""
    directory, default = la_directory(), notice_settings().webhook_url
    return frozenset(
        role for role in WEBHOOK_ROLES if default or (role in directory.roles and directory.roles[role].webhook_url)
    )


@contextmanager
def open_channel(name: str) -> Iterator[Channel]:
    """Yield the channel for an outbox channel name (``email`` or ``webhook``), closed afterwards."""
    settings = notice_settings()
    if name == OutboxChannel.WEBHOOK:
        channel: Channel = webhook_channel_from(settings)
    else:
        channel = email_channel_from(settings, now=system_now)  # the mail's Date header: system time
    try:
        yield channel
    finally:
        close = getattr(channel, "close", None)
        if close is not None:
            close()


def clear_caches() -> None:
    """Forget the cached settings and roles file (tests, and after the environment changes)."""
    notice_settings.cache_clear()
    la_directory.cache_clear()
