"""Shared fixtures: the working-day predicate, built once as the composition root would."""

from __future__ import annotations

import pytest

from rules.bank_holidays import england_and_wales_working_days
from rules.calendar import IsWorkingDay


@pytest.fixture(scope="session")
def is_working_day() -> IsWorkingDay:
    return england_and_wales_working_days()
