"""The clock's few Prefect API calls about review runs, batched: read many runs at once, re-tag, re-publish.

Plain functions over Prefect's sync client (no flow context needed). One ``read_flow_runs``
call answers for up to ``READ_CHUNK`` runs, so a clock run reads every review run it cares
about in a handful of calls (the SQLite-backed server answers 503 under bursts of single calls).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final
from uuid import UUID

import httpx
from prefect.client.orchestration import get_client
from prefect.client.schemas.actions import ArtifactCreate
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId, FlowRunFilterState, FlowRunFilterStateType
from prefect.client.schemas.objects import FlowRun, StateType
from prefect.events.filters import EventFilter, EventNameFilter, EventOccurredFilter, EventResourceFilter
from prefect.states import Cancelled, Crashed

__all__ = [
    "RunSnapshot",
    "deployment_problem",
    "last_heartbeats",
    "mark_cancelled",
    "mark_crashed",
    "publish_markdown",
    "read_runs",
    "read_wait_input",
    "set_tags",
]

READ_CHUNK: Final = 200
EVENTS_CHUNK: Final = 50  # the events API's page limit


@dataclass(frozen=True, slots=True)
class RunSnapshot:
    """What the clock needs of one review run: its state, since when, and its tags."""

    flow_run_id: str
    state_type: str
    state_since: datetime | None
    tags: tuple[str, ...]
    pause_key: str | None = None


def _snapshot(run: FlowRun) -> RunSnapshot:
    state = run.state
    return RunSnapshot(
        str(run.id),
        state.type.value if state is not None else "UNKNOWN",
        state.timestamp if state is not None else None,
        tuple(run.tags),
        state.state_details.pause_key if state is not None else None,
    )


def _valid(ids: Iterable[str]) -> list[UUID]:
    found = []
    for one in ids:
        try:
            found.append(UUID(one))
        except ValueError:
            continue
    return found


SETTLED_STATES: Final = (StateType.PAUSED, StateType.SCHEDULED)
"""Runs waiting for a person or for a runner: what a quick liveness pass need not read."""


def read_runs(flow_run_ids: Sequence[str], *, unsettled_only: bool = False) -> dict[str, RunSnapshot]:
    """Return a snapshot of each run that exists, by id, in chunks of ``READ_CHUNK`` per API call.

    With ``unsettled_only`` the server leaves out runs that wait (Paused or Scheduled): a quick pass reads only
    the few runs that are working or ended."""
    ids = _valid(flow_run_ids)
    found: dict[str, RunSnapshot] = {}
    state = FlowRunFilterState(type=FlowRunFilterStateType(not_any_=list(SETTLED_STATES))) if unsettled_only else None
    with get_client(sync_client=True) as client:
        for start in range(0, len(ids), READ_CHUNK):
            chunk = ids[start : start + READ_CHUNK]
            runs = client.read_flow_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=chunk), state=state), limit=len(chunk)
            )
            found.update((str(run.id), _snapshot(run)) for run in runs)
    return found


def last_heartbeats(flow_run_ids: Sequence[str], *, since: datetime) -> dict[str, datetime]:
    """Return when each run last sent a heartbeat (``prefect.flow-run.heartbeat``) since ``since``, by id.

    A run's process sends one every ``PREFECT_FLOWS_HEARTBEAT_FREQUENCY`` seconds while it runs, so a run
    Running whose heartbeats stopped has lost its process (kill -9 of its worker, a machine gone)."""
    ids = [str(one) for one in _valid(flow_run_ids)]
    found: dict[str, datetime] = {}
    with get_client(sync_client=True) as client:
        for start in range(0, len(ids), EVENTS_CHUNK):
            chunk = ids[start : start + EVENTS_CHUNK]
            wanted = EventFilter(
                occurred=EventOccurredFilter(since=since),  # type: ignore[arg-type]  # any aware datetime
                event=EventNameFilter(name=["prefect.flow-run.heartbeat"]),
                resource=EventResourceFilter(id=[f"prefect.flow-run.{one}" for one in chunk], distinct=True),
            )
            for event in client.read_events(filter=wanted, limit=EVENTS_CHUNK).events:
                run_id = event.resource.id.removeprefix("prefect.flow-run.")
                if run_id not in found or event.occurred > found[run_id]:
                    found[run_id] = event.occurred
    return found


def mark_crashed(flow_run_id: str, message: str) -> None:
    """Force the run into Crashed (its process is gone), so nothing treats it as live again."""
    with get_client(sync_client=True) as client:
        client.set_flow_run_state(UUID(flow_run_id), Crashed(message=message), force=True)


def mark_cancelled(flow_run_id: str, message: str) -> None:
    """Force the run into Cancelled: it waits at a wait the record has left, and a fresh run replaces it."""
    with get_client(sync_client=True) as client:
        client.set_flow_run_state(UUID(flow_run_id), Cancelled(message=message), force=True)


def read_wait_input(flow_run_id: str, pause_key: str) -> dict[str, Any] | None:
    """The input a person gave the run at its wait ``pause_key``, or None if it was never resumed there.

    Prefect keeps a suspended run's input under ``suspended-<pause key>-response`` on the run itself,
    so the input outlives the run's process (read back when that process was killed mid-stage)."""
    with get_client(sync_client=True) as client:
        try:
            raw = client.read_flow_run_input(UUID(flow_run_id), f"suspended-{pause_key}-response")
        except httpx.HTTPStatusError as exc:
            if exc.response.status_code == 404:
                return None
            raise
    value = json.loads(raw)
    return value if isinstance(value, dict) else None


def set_tags(flow_run_id: str, tags: Sequence[str]) -> None:
    """Replace the run's tags."""
    with get_client(sync_client=True) as client:
        client.update_flow_run(UUID(flow_run_id), tags=list(tags))


def publish_markdown(flow_run_id: str | None, key: str, markdown: str, description: str) -> None:
    """Publish a markdown artifact under ``key``, attached to the given run (so it shows on that run's page)."""
    artifact = ArtifactCreate(
        key=key,
        type="markdown",
        data=markdown,
        description=description,
        flow_run_id=UUID(flow_run_id) if flow_run_id else None,
    )
    with get_client(sync_client=True) as client:
        client.create_artifact(artifact)


def deployment_problem(name: str) -> str | None:
    """Return why runs of the deployment would not start now (missing, or no runner polling), else None."""
    with get_client(sync_client=True) as client:
        try:
            deployment = client.read_deployment_by_name(name)
        except Exception as exc:
            return f"deployment {name!r} cannot be read ({type(exc).__name__})"
    status = getattr(deployment, "status", None)
    if status is not None and str(getattr(status, "value", status)) == "NOT_READY":
        return f"deployment {name!r} has no runner or worker polling it: its runs stay scheduled"
    return None
