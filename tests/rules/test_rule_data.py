"""The rule set's data: every period positive and cited; the holiday calendar is current."""

from __future__ import annotations

from dataclasses import fields
from datetime import date

import pytest

from rules.bank_holidays import england_and_wales_bank_holidays
from rules.periods import Counting, Period, Unit
from rules.rule_set import ENGLAND_2014, CycleAnchor, StatutoryPeriods

PERIOD_NAMES = [f.name for f in fields(StatutoryPeriods)]


@pytest.mark.parametrize("name", PERIOD_NAMES)
def test_every_statutory_period_is_positive_and_cited(name: str) -> None:
    period: Period = getattr(ENGLAND_2014.periods, name)
    assert period.amount > 0
    assert period.citation.strip()


def test_rule_set_is_named_and_versioned_with_product_defaults() -> None:
    assert (ENGLAND_2014.name, ENGLAND_2014.version) == ("england-2014", "1.0")
    assert ENGLAND_2014.cycle_anchor is CycleAnchor.DECISION
    assert (ENGLAND_2014.preparation_weeks, ENGLAND_2014.under_five_cycle_months) == (8, 6)
    assert len(ENGLAND_2014.ladder) == 7


def test_settings_change_recomputes_derived_periods() -> None:
    six = ENGLAND_2014.with_settings(preparation_weeks=6, under_five_cycle_months=3)
    assert six.preparation_lead.days == 42
    assert six.under_five_cycle.amount == 3
    assert ENGLAND_2014.preparation_lead.days == 56


@pytest.mark.parametrize(("setting", "value"), [("preparation_weeks", 0), ("under_five_cycle_months", 13)])
def test_bad_settings_are_refused(setting: str, value: int) -> None:
    with pytest.raises(ValueError, match=setting):
        ENGLAND_2014.with_settings(**{setting: value})


def test_period_without_citation_is_refused() -> None:
    with pytest.raises(ValueError, match="cites"):
        Period(2, Unit.WEEKS, Counting.AFTER, "")


def test_holiday_calendar_has_next_years_bank_holidays() -> None:
    """Staleness guard: the maintained calendar must know next year (8 bank holidays a year, sometimes more)."""
    next_year = date.today().year + 1
    found = england_and_wales_bank_holidays(next_year)
    assert len(found) >= 8
    assert date(next_year, 12, 25) in found


def test_holiday_calendar_is_england_not_scotland() -> None:
    holidays_2026 = england_and_wales_bank_holidays(2026)
    assert date(2026, 8, 31) in holidays_2026  # England's summer bank holiday
    assert date(2026, 8, 3) not in holidays_2026  # Scotland's
    assert date(2026, 1, 2) not in holidays_2026  # Scotland's 2 January
