"""The inbox service's tests: one synthetic review (SQLite and PostgreSQL), the task layer pointed at it, and a
stand-in for Prefect behind the run port, so every path of an input runs in milliseconds."""

from __future__ import annotations

import pytest

from records.review_runs import set_flow_run
from records.session import SessionFactory, session_scope
from tests.fake_runs import FakeRuns
from tests.notifications.conftest import (  # noqa: F401  (fixtures)
    clean_environ,
    mailbox,
    review,
    smtp_port,
    task_env,
)
from tests.records.conftest import backend, cli_env, database_url, databases, factory, settings  # noqa: F401

RUN_ID = "00000000-0000-4000-8000-000000000001"


@pytest.fixture
def runs(factory: SessionFactory, review: tuple[int, str]) -> FakeRuns:  # noqa: F811
    """Prefect as the services see it; the review's run waits at its open wait."""
    with session_scope(factory) as session:
        set_flow_run(session, review[1], RUN_ID, actor="test")
    return FakeRuns(factory)
