"""The task layer's composition root: settings, session factory, rule set and calendar, built once per process."""

from __future__ import annotations

from functools import cache

from records.session import SessionFactory, make_session_factory
from records.settings import Settings, get_settings
from rules.bank_holidays import england_and_wales_working_days
from rules.calendar import IsWorkingDay
from rules.rule_set import ENGLAND_2014, RuleSet


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
