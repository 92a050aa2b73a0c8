"""Fixtures for the statutory clock's in-process tests: one Prefect test server for the whole package,
the records databases (SQLite and PostgreSQL), one stored review, the SMTP sink (tests.notifications).
"""

from __future__ import annotations

import pytest

from tests.notifications.conftest import (  # noqa: F401  (fixtures)
    clean_environ,
    mailbox,
    review,
    smtp_port,
    task_env,
)
from tests.records.conftest import backend, cli_env, database_url, databases, factory, settings  # noqa: F401


@pytest.fixture(scope="session", autouse=True)
def prefect_server(prefect_harness: None) -> None:
    """The session's temporary Prefect server (tests/conftest.py), used by every clock test."""


@pytest.fixture(autouse=True)
def no_review_deployment(clean_environ: None, monkeypatch: pytest.MonkeyPatch) -> None:  # noqa: F811
    """No runner serves review runs here: the clock must stand alone and say so."""
    monkeypatch.setenv("EHCP_REVIEW_DEPLOYMENT", "annual-review/not-served")
