"""Shared fixtures (the working-day predicate, built once as the composition root would, and Prefect's test
server) and the ``slow`` marker: every test that starts a server (Prefect's, a browser, the stack) is slow;
``make test`` runs everything, ``make test-fast`` only the rest (seconds)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Final

import pytest

from rules.bank_holidays import england_and_wales_working_days
from rules.calendar import IsWorkingDay

SLOW_PLACES: Final = (
    "tests/e2e/", "tests/flows/", "tests/clock/", "tests/portal/test_browser.py", "tests/portal/test_family_browser.py",
    "tests/portal/test_finding_browser.py",
)
"""Where tests start servers: Prefect's test harness, a Prefect server and runner, Chromium."""


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test in a slow place ``slow``, so ``-m "not slow"`` runs the fast ones alone."""
    root = Path(str(config.rootpath))
    for item in items:
        where = Path(str(item.path)).relative_to(root).as_posix()
        if where.startswith(SLOW_PLACES):
            item.add_marker(pytest.mark.slow)


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
