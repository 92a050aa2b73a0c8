"""Shared fixtures: the working-day predicate, built once as the composition root would."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from rules.bank_holidays import england_and_wales_working_days
from rules.calendar import IsWorkingDay


@pytest.fixture(scope="session")
def is_working_day() -> IsWorkingDay:
    return england_and_wales_working_days()


@pytest.fixture(scope="session")
def prefect_harness() -> Iterator[None]:
    """One temporary Prefect server (Prefect's test harness, about 12 s) for every in-process flow test.

    Shared: two harnesses in one session would leave the events client of the first pointing at a stopped
    server, and task runs (recorded through events) would be lost."""
    from prefect.testing.utilities import prefect_test_harness

    with prefect_test_harness(server_startup_timeout=90):
        yield
