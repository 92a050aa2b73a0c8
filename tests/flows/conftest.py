"""In-process review-flow tests: Prefect's test harness (a temporary server, once per session) and the
engine driven in this process (``prefect.flow_engine.run_flow``), so a suspend and a resume take
milliseconds, not a runner's poll. The records come from the notification tests' fixtures: one synthetic
review on SQLite and on PostgreSQL. The business date is pinned by a recorded clock run.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

import pytest
from prefect.client.orchestration import get_client
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId, TaskRunFilter
from prefect.client.schemas.objects import FlowRun
from prefect.exceptions import Pause
from prefect.flow_engine import run_flow
from prefect.flow_runs import resume_flow_run
from sqlalchemy import select

from flows.annual_review import annual_review
from records.business_dates import start_clock_run
from records.models import AuditEntry, Notification, Review
from records.review_runs import set_flow_run
from records.session import SessionFactory, session_scope
from tests.notifications.conftest import (  # noqa: F401
    backend,
    clean_environ,
    cli_env,
    database_url,
    databases,
    factory,
    review,
    settings,
    smtp_port,
    task_env,
)

BUSINESS_DATE = date(2027, 1, 15)
"""The date the tests stand on (later than every fact they record)."""


@pytest.fixture(scope="session")
def prefect_server(prefect_harness: None) -> UUID:
    """The session's temporary Prefect server with the review flow deployed; returns the deployment id."""
    deployment_id: UUID = annual_review.to_deployment(name="test").apply()
    return deployment_id


@dataclass
class ReviewRun:
    """One review's run driven in this process."""

    reference: str
    flow_run_id: UUID
    factory: SessionFactory

    def flow_run(self) -> FlowRun:
        with get_client(sync_client=True) as client:
            return client.read_flow_run(self.flow_run_id)

    def drive(self) -> Any:
        """Run the flow until it suspends (return its paused state) or ends (return its result)."""
        run = self.flow_run()
        try:
            return run_flow(annual_review, flow_run=run, parameters={"review_ref": self.reference})
        except Pause as pause:
            return pause.state

    def answer(self, **run_input: Any) -> Any:
        """Resume the run's open wait with a person's input and drive it to its next wait."""
        resume_flow_run(self.flow_run_id, run_input={"submitted_by": "staff-0042", **run_input})
        return self.drive()

    @property
    def pause_key(self) -> str | None:
        state = self.flow_run().state
        return state.state_details.pause_key if state is not None else None

    def task_run_names(self) -> list[str]:
        with get_client(sync_client=True) as client:
            runs = client.read_task_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=[self.flow_run_id])),
                task_run_filter=TaskRunFilter(),
            )
        return sorted(run.name for run in runs)

    def stage(self) -> int | None:
        with session_scope(self.factory) as session:
            return session.scalars(select(Review.stage).where(Review.reference == self.reference)).one()

    def letters(self) -> list[tuple[str, str]]:
        with session_scope(self.factory) as session:
            rows = session.execute(
                select(Notification.template, Notification.recipient_role).order_by(Notification.id)
            ).all()
        return [(str(kind), str(role)) for kind, role in rows]

    def inputs_recorded(self) -> list[str]:
        with session_scope(self.factory) as session:
            return list(
                session.scalars(
                    select(AuditEntry.action).where(AuditEntry.action.like("review.input_%")).order_by(AuditEntry.id)
                )
            )


def new_run(deployment_id: UUID, reference: str) -> UUID:
    with get_client(sync_client=True) as client:
        return client.create_flow_run_from_deployment(deployment_id, parameters={"review_ref": reference}).id


@pytest.fixture
def review_run(
    prefect_server: UUID,
    factory: SessionFactory,  # noqa: F811
    review: tuple[int, str],  # noqa: F811
) -> ReviewRun:
    """The synthetic review's run, created from the deployment and suspended at its first wait."""
    with session_scope(factory) as session:
        start_clock_run(session, BUSINESS_DATE)
    run = ReviewRun(review[1], new_run(prefect_server, review[1]), factory)
    with session_scope(factory) as session:
        set_flow_run(session, run.reference, str(run.flow_run_id), actor="test")
    run.drive()
    return run
