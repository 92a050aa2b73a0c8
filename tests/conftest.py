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


def _runs_late(where: str) -> int:
    """The longest files run first (end-to-end: a Prefect server, a runner and whole reviews; then the browser
    files), so that under ``make test``'s processes (``--dist loadfile``) short files fill the other processes
    meanwhile instead of one long file running alone at the end. The order within each group is kept."""
    return 0 if where.startswith("tests/e2e/") else 1 if where.endswith("_browser.py") else 2


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark every test in a slow place ``slow``, so ``-m "not slow"`` runs the fast ones alone; longest first."""
    root = Path(str(config.rootpath))
    places = {id(item): Path(str(item.path)).relative_to(root).as_posix() for item in items}
    for item in items:
        if places[id(item)].startswith(SLOW_PLACES):
            item.add_marker(pytest.mark.slow)
    items.sort(key=lambda item: _runs_late(places[id(item)]))  # a stable sort


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
