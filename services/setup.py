"""The composition root of every process: settings, the records' session factory, the rule set and calendar,
the notice settings, the roles file and channels, each built once; and the one resolver of the business date.

Everything below the roots (the CLI, the flows, the front door) takes what it needs as arguments; tests
pass their own and never freeze time. The business date is the later of today in London and the latest
date a clock run was for, so a demo that travels forward with ``ehcp clock --as-of`` stays there for every
later input (a decision dated on the travelled-to day is not "in the future"). Channels are built per
delivery and closed after it: the GOV.UK Notify client is not thread-safe, and SMTP opens one connection per
message anyway.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from functools import cache

from sqlalchemy.orm import Session

from notices.channels import Channel, email_channel_from, post_channel_from, webhook_channel_from
from notices.planning import WEBHOOK_ROLES, OutboxChannel
from notices.recipients import LaDirectory, load_la_directory
from notices.settings import NoticeSettings
from records.business_dates import latest_business_date
from records.session import SessionFactory, make_session_factory
from records.settings import Settings, get_settings
from records.system_time import system_now
from reports.terms import Term, load_terms
from rules.bank_holidays import england_and_wales_working_days
from rules.calendar import IsWorkingDay
from rules.ladder import Role
from rules.rule_set import ENGLAND_2014, RuleSet
from services.wall_clock import today_in_london

__all__ = [
    "authority_terms",
    "business_date",
    "clear_caches",
    "la_directory",
    "notice_settings",
    "open_channel",
    "rule_set",
    "session_factory",
    "settings",
    "today_in_london",
    "webhook_roles",
    "working_days",
]


@cache
def session_factory() -> SessionFactory:
    """Return this process's session factory for the records database."""
    return make_session_factory(get_settings())


def settings() -> Settings:
    """Return this process's settings."""
    return get_settings()


@cache
def rule_set() -> RuleSet:
    """Return the rule set with the authority's configured cycle anchor."""
    return ENGLAND_2014.with_settings(cycle_anchor=get_settings().cycle_anchor)


@cache
def working_days() -> IsWorkingDay:
    """Return the England and Wales working-day predicate."""
    return england_and_wales_working_days()


@cache
def authority_terms() -> tuple[Term, ...]:
    """Return the authority's term dates (``EHCP_TERM_DATES_FILE``), read once per process."""
    return tuple(load_terms(get_settings().term_dates_file).terms)


def business_date(session: Session) -> date:
    """Return the business date: today in London, or the clock's later date after time travel."""
    today = today_in_london()
    travelled = latest_business_date(session)
    return max(today, travelled) if travelled is not None else today


@cache
def notice_settings() -> NoticeSettings:
    """Return this process's delivery settings (environment variables ``EHCP_*``)."""
    return NoticeSettings()


def email_attaches_files() -> bool:
    """Return whether email goes out with attachments (SMTP does; the GOV.UK Notify channel does not)."""
    return notice_settings().email_channel == "smtp"


def portal_url() -> str:
    """Return the front door's public address (the start of every link a message carries)."""
    return notice_settings().portal_url


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
    """Yield the channel for an outbox channel name (``email``, ``post`` or ``webhook``), closed afterwards."""
    configured = notice_settings()
    if name == OutboxChannel.WEBHOOK:
        channel: Channel = webhook_channel_from(configured)
    elif name == OutboxChannel.POST:
        channel = post_channel_from(configured)
    else:
        channel = email_channel_from(configured, now=system_now)  # the mail's Date header: system time
    try:
        yield channel
    finally:
        close = getattr(channel, "close", None)
        if close is not None:
            close()


def clear_caches() -> None:
    """Forget every cached setting, factory and file (tests, and after the environment changes)."""
    get_settings.cache_clear()
    session_factory.cache_clear()
    rule_set.cache_clear()
    authority_terms.cache_clear()
    notice_settings.cache_clear()
    la_directory.cache_clear()
