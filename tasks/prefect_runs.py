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
from prefect.client.schemas.filters import FlowRunFilter, FlowRunFilterId
from prefect.client.schemas.objects import FlowRun
from prefect.states import Crashed

__all__ = [
    "RunSnapshot",
    "deployment_problem",
    "mark_crashed",
    "publish_markdown",
    "read_runs",
    "read_wait_input",
    "set_tags",
]

READ_CHUNK: Final = 200


@dataclass(frozen=True, slots=True)
class RunSnapshot:
    """What the clock needs of one review run: its state, since when, and its tags."""

    flow_run_id: str
    state_type: str
    state_since: datetime | None
    tags: tuple[str, ...]


def _snapshot(run: FlowRun) -> RunSnapshot:
    state = run.state
    return RunSnapshot(
        str(run.id),
        state.type.value if state is not None else "UNKNOWN",
        state.timestamp if state is not None else None,
        tuple(run.tags),
    )


def _valid(ids: Iterable[str]) -> list[UUID]:
    found = []
    for one in ids:
        try:
            found.append(UUID(one))
        except ValueError:
            continue
    return found


def read_runs(flow_run_ids: Sequence[str]) -> dict[str, RunSnapshot]:
    """Return a snapshot of each run that exists, by id, in chunks of ``READ_CHUNK`` per API call."""
    ids = _valid(flow_run_ids)
    found: dict[str, RunSnapshot] = {}
    with get_client(sync_client=True) as client:
        for start in range(0, len(ids), READ_CHUNK):
            chunk = ids[start : start + READ_CHUNK]
            runs = client.read_flow_runs(
                flow_run_filter=FlowRunFilter(id=FlowRunFilterId(any_=chunk)), limit=len(chunk)
            )
            found.update((str(run.id), _snapshot(run)) for run in runs)
    return found


def mark_crashed(flow_run_id: str, message: str) -> None:
    """Force the run into Crashed (its process is gone), so nothing treats it as live again."""
    with get_client(sync_client=True) as client:
        client.set_flow_run_state(UUID(flow_run_id), Crashed(message=message), force=True)


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
