"""The services' one port to Prefect: where review runs stand, and starting, resuming and retiring them.

Prefect is imported inside each call, never when this module is imported, so the front door and ``ehcp``
load it only when they talk to a run. ``RunBridge`` is the door's protocol (``services.inbox`` hands inputs
over through it; tests use a stand-in); ``PrefectBridge`` is the real one and turns "Prefect cannot be
reached" into ``RunUnavailable``, so an input stays in the inbox, shown as received, until Prefect answers.
The batched reads and writes the clock and the liveness flow need (many runs per call, heartbeats, tags,
artifacts) are plain functions here too. A review run is always top-level (Prefect refuses to suspend a
subflow), created with an idempotency key (``records.review_runs.run_key``), named by its reference, tagged
by setting and stage; its wait is the pause key ``stage-<n>-<wait number>``.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any, Final, Protocol
from uuid import UUID

from records.models.reviews import stage_of_wait

if TYPE_CHECKING:
    from prefect.client.schemas.objects import FlowRun

__all__ = [
    "FINAL_STATES",
    "PrefectBridge",
    "ResumeRefused",
    "RunBridge",
    "RunSnapshot",
    "RunState",
    "RunUnavailable",
    "deployment_problem",
    "last_heartbeats",
    "mark_cancelled",
    "mark_crashed",
    "publish_markdown",
    "read_run_state",
    "read_runs",
    "read_wait_input",
    "resume_review_run",
    "review_tags",
    "set_tags",
    "create_run_at_wait",
    "start_review_run",
    "wait_form",
    "ui_link",
]

FINAL_STATES: Final = frozenset({"COMPLETED", "FAILED", "CANCELLED", "CRASHED"})
SETTLED_STATES: Final = ("PAUSED", "SCHEDULED")
"""Runs waiting for a person or for a runner: what a quick liveness pass need not read."""
READ_CHUNK: Final = 200  # the flow-runs API's page limit
EVENTS_CHUNK: Final = 50  # the events API's page limit


class RunUnavailable(RuntimeError):
    """Prefect did not answer (down, restarting, refusing connections or the credentials)."""


class ResumeRefused(RuntimeError):
    """Prefect would not resume the run (not waiting any more, or its input failed the form's schema)."""


@dataclass(frozen=True, slots=True)
class RunState:
    """Where a review's run stands: its state and, when waiting, the key it waits at."""

    flow_run_id: str
    state_type: str
    state_name: str
    message: str | None
    pause_key: str | None

    @property
    def waiting_stage(self) -> int | None:
        if self.state_type != "PAUSED" or not self.pause_key:
            return None
        return stage_of_wait(self.pause_key)

    @property
    def is_final(self) -> bool:
        return self.state_type in FINAL_STATES


@dataclass(frozen=True, slots=True)
class RunSnapshot:
    """What the clock needs of one review run: its state, since when, its tags and the key it waits at."""

    flow_run_id: str
    state_type: str
    state_since: datetime | None
    tags: tuple[str, ...]
    pause_key: str | None = None


def review_tags(existing: Sequence[str], setting_urn: str, stage: int | None, *, overdue: bool = False) -> list[str]:
    """The tags of a review's run as the review stands: ``setting:<urn>``, ``stage:<n>``, ``overdue``; others kept."""
    kept = [t for t in existing if not t.startswith(("stage:", "setting:")) and t != "overdue"]
    stage_tag = f"stage:{stage}" if stage else "stage:complete"
    return sorted({*kept, f"setting:{setting_urn}", stage_tag, *(["overdue"] if overdue else [])})


def _state_of(run: FlowRun) -> RunState:
    state = run.state
    if state is None:
        return RunState(str(run.id), "UNKNOWN", "unknown", None, None)
    return RunState(
        str(run.id), state.type.value, state.name or state.type.value, state.message, state.state_details.pause_key
    )


def read_run_state(flow_run_id: str) -> RunState:
    """Return the run's current state."""
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        return _state_of(client.read_flow_run(UUID(flow_run_id)))


def start_review_run(
    review_ref: str, setting_urn: str, stage: int | None, deployment: str, *, idempotency_key: str
) -> str:
    """Create the review's top-level flow run (named by its reference, tagged by setting and stage); return its id.

    A review waiting for a person, with no input in its inbox, gets its run created already suspended at that
    wait (``create_run_at_wait``): no process is spawned to reach a wait it would reach at once, so bringing a
    council's caseload live costs a few API calls per review, not a flow-run execution (issue 22). Any other
    review (an input already waiting, or complete) gets a run that starts at once and applies it."""
    from prefect.context import SyncClientContext

    from services import stages

    review = stages.read_review(review_ref)
    if review.wait_key is not None and not stages.has_received_input(review_ref, review.wait_number):
        # One Prefect client for the start's six calls, Prefect's own included (each client opened costs an SSL
        # context and a CSRF round trip: measured, a third of a start's CPU when each call opened its own).
        with SyncClientContext.get_or_create():
            return create_run_at_wait(
                review, deployment, idempotency_key=idempotency_key, as_of=stages.recorded_business_date()
            )
    from prefect.deployments import run_deployment

    run: FlowRun = run_deployment(  # type: ignore[assignment]  # sync call: returns the run, not a coroutine
        deployment,
        parameters={"review_ref": review_ref},
        flow_run_name=review_ref,
        tags=review_tags((), setting_urn, stage),
        timeout=0,
        as_subflow=False,
        idempotency_key=idempotency_key,
    )
    return str(run.id)


def wait_form(stage: int, description: str | None = None) -> Any:
    """The Prefect form (a RunInput) of a stage's wait, with what to enter and what is due shown above it."""
    from prefect.input import RunInput

    from rules.stages import Stage
    from services.forms import FORMS

    form = _run_input_of(RunInput, FORMS[Stage(stage)])
    return form.with_initial_data(description=description) if description else form


_RUN_INPUTS: dict[Any, Any] = {}


def _run_input_of(run_input: Any, model: Any) -> Any:
    if model not in _RUN_INPUTS:
        _RUN_INPUTS[model] = run_input.subclass_from_base_model_type(model)
    return _RUN_INPUTS[model]


def create_run_at_wait(view: Any, deployment: str, *, idempotency_key: str, as_of: Any) -> str:
    """Create the review's run already suspended at its open wait, exactly as the flow would have left it.

    Prefect's own pieces, in the order the flow's ``suspend_flow_run`` would have written them: the Suspended
    state with the wait's pause key and input keyset; the pause key marked as fired on the run (so that when
    the run is resumed and replays from the top, its ``suspend_flow_run`` at that key returns the input given
    instead of waiting again); the form's schema and description (the Prefect UI's Resume form); the tags and
    the timeline. Repeating it (the same idempotency key returns the same run) repairs a half-made one."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import DeploymentFlowRunCreate
    from prefect.client.schemas.objects import FlowRunPolicy
    from prefect.input.run_input import keyset_from_paused_state
    from prefect.states import Suspended, to_state_create

    from services.timeline import form_description, refresh_run

    key = view.wait_key
    state: Any = Suspended(timeout_seconds=None, pause_key=key)
    keyset = keyset_from_paused_state(state)
    state.state_details.run_input_keyset = keyset
    tags = review_tags((), view.setting_urn, view.stage)
    with get_client(sync_client=True) as client:
        run = _create_from_deployment(client, deployment, DeploymentFlowRunCreate(
            parameters={"review_ref": view.reference}, name=view.reference, tags=tags, state=to_state_create(state),
            idempotency_key=idempotency_key, empirical_policy=FlowRunPolicy(pause_keys={key}),
        ))  # fmt: skip
        current = run.state
        if current is None or not current.is_paused() or current.state_details.pause_key != key:
            return str(run.id)  # an existing run of this key has moved on: it is its own
        fired = set(run.empirical_policy.pause_keys or set())
        if key not in fired:
            policy = run.empirical_policy.model_copy(update={"pause_keys": fired | {key}})
            client.update_flow_run(run.id, empirical_policy=policy)
    wait_form(view.stage, form_description(view, as_of)).save(keyset, flow_run_id=run.id)
    refresh_run(view, str(run.id), tags, as_of)
    return str(run.id)


_DEPLOYMENT_IDS: dict[str, UUID] = {}


def _create_from_deployment(client: Any, deployment: str, run: Any) -> FlowRun:
    """Create ``run`` (a DeploymentFlowRunCreate) from the deployment named ``deployment``; return it.

    Prefect's client method takes no run policy, so the run is posted as a whole: created with its pause key
    already fired, rather than created and then updated (a call saved per start). The deployment's id is kept
    per process (a call saved per start) and looked up again if the deployment was recreated meanwhile."""
    from httpx import HTTPStatusError
    from prefect.client.schemas.objects import FlowRun

    body = run.model_dump(mode="json", exclude_unset=True)
    for attempt in (1, 2):
        if deployment not in _DEPLOYMENT_IDS:
            _DEPLOYMENT_IDS[deployment] = client.read_deployment_by_name(deployment).id
        try:
            response = client.request(
                "POST", "/deployments/{id}/create_flow_run", path_params={"id": _DEPLOYMENT_IDS[deployment]}, json=body
            )
        except HTTPStatusError as exc:
            if exc.response.status_code != 404 or attempt == 2:
                raise
            _DEPLOYMENT_IDS.pop(deployment, None)  # recreated under the same name: look it up again
            continue
        found: FlowRun = FlowRun.model_validate(response.json())
        return found
    raise AssertionError("unreachable: the second attempt returns or raises")


def resume_review_run(flow_run_id: str, run_input: dict[str, Any]) -> None:
    """Resume a waiting run with a form's input; raise ResumeRefused with Prefect's reason.

    A run that is no longer paused (another person's input got there first) is a refusal too."""
    from prefect.exceptions import NotPausedError
    from prefect.flow_runs import resume_flow_run

    try:
        resume_flow_run(UUID(flow_run_id), run_input=run_input)
    except (RuntimeError, NotPausedError) as exc:  # validation rejections are RuntimeErrors
        raise ResumeRefused(str(exc) or "the run is not waiting for input") from None


def _set_state(flow_run_id: str, state: Any) -> None:
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        client.set_flow_run_state(UUID(flow_run_id), state, force=True)


def mark_crashed(flow_run_id: str, message: str) -> None:
    """Force the run into Crashed (its process is gone), so nothing treats it as live again."""
    from prefect.states import Crashed

    _set_state(flow_run_id, Crashed(message=message))


def mark_cancelled(flow_run_id: str, message: str) -> None:
    """Force the run into Cancelled: it waits at a wait the record has left, and a fresh run replaces it."""
    from prefect.states import Cancelled

    _set_state(flow_run_id, Cancelled(message=message))


def _unreachable(exc: Exception) -> bool:
    import httpx

    return isinstance(exc, httpx.HTTPError | OSError)


def _why(exc: Exception) -> str:
    """Say in a line why Prefect could not be reached, with the fix when there is one."""
    import httpx

    if isinstance(exc, httpx.HTTPStatusError) and exc.response.status_code in (401, 403):
        return f"the Prefect server refused the credentials ({exc.response.status_code}): set PREFECT_API_AUTH_STRING"
    if isinstance(exc, httpx.ConnectError | ConnectionError):
        return "no Prefect server answered"
    return type(exc).__name__


class RunBridge(Protocol):
    """What a door needs of a review's run: where it waits, resume it, start one, retire one."""

    def run_state(self, flow_run_id: str) -> RunState: ...

    def resume(self, flow_run_id: str, run_input: dict[str, Any]) -> None: ...

    def start(self, reference: str, setting_urn: str, stage: int, *, idempotency_key: str) -> str: ...

    def retire(self, flow_run_id: str, why: str) -> None: ...


class PrefectBridge:
    """The real bridge: the Prefect API named by ``PREFECT_API_URL``, the review deployment of the settings."""

    def __init__(self, deployment: str | None = None) -> None:
        self.deployment = deployment

    def run_state(self, flow_run_id: str) -> RunState:
        state: RunState = self._call(read_run_state, flow_run_id)
        return state

    def resume(self, flow_run_id: str, run_input: dict[str, Any]) -> None:
        self._call(resume_review_run, flow_run_id, run_input)

    def start(self, reference: str, setting_urn: str, stage: int, *, idempotency_key: str) -> str:
        from records.settings import get_settings

        deployment = self.deployment or get_settings().review_deployment
        started: str = self._call(
            start_review_run, reference, setting_urn, stage, deployment, idempotency_key=idempotency_key
        )
        return started

    def retire(self, flow_run_id: str, why: str) -> None:
        self._call(mark_cancelled, flow_run_id, why)

    @staticmethod
    def _call(call: Any, *args: Any, **kwargs: Any) -> Any:
        try:
            return call(*args, **kwargs)
        except ResumeRefused:
            raise
        except Exception as exc:
            if _unreachable(exc):
                raise RunUnavailable(_why(exc)) from None
            raise


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


def read_runs(flow_run_ids: Sequence[str], *, unsettled_only: bool = False) -> dict[str, RunSnapshot]:
    """Return a snapshot of each run that exists, by id, in chunks of ``READ_CHUNK`` per API call.

    With ``unsettled_only`` the server leaves out runs that wait (Paused or Scheduled): a quick pass reads only
    the few runs that are working or ended."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import (
        FlowRunFilter,
        FlowRunFilterId,
        FlowRunFilterState,
        FlowRunFilterStateType,
    )
    from prefect.client.schemas.objects import StateType

    ids = _valid(flow_run_ids)
    found: dict[str, RunSnapshot] = {}
    settled = [StateType(name) for name in SETTLED_STATES]
    state = FlowRunFilterState(type=FlowRunFilterStateType(not_any_=settled)) if unsettled_only else None
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
    from prefect.client.orchestration import get_client
    from prefect.events.filters import EventFilter, EventNameFilter, EventOccurredFilter, EventResourceFilter

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


def read_wait_input(flow_run_id: str, pause_key: str) -> dict[str, Any] | None:
    """The input a person gave the run at its wait ``pause_key``, or None if it was never resumed there.

    Prefect keeps a suspended run's input under ``suspended-<pause key>-response`` on the run itself,
    so the input outlives the run's process (read back when that process was killed mid-stage)."""
    import httpx
    from prefect.client.orchestration import get_client

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
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        client.update_flow_run(UUID(flow_run_id), tags=list(tags))


def publish_markdown(flow_run_id: str | None, key: str, markdown: str, description: str) -> None:
    """Publish a markdown artifact under ``key``, attached to the given run (so it shows on that run's page)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.actions import ArtifactCreate

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
    from prefect.client.orchestration import get_client

    with get_client(sync_client=True) as client:
        try:
            deployment = client.read_deployment_by_name(name)
        except Exception as exc:
            return f"deployment {name!r} cannot be read ({type(exc).__name__})"
    status = getattr(deployment, "status", None)
    if status is not None and str(getattr(status, "value", status)) == "NOT_READY":
        return f"deployment {name!r} has no runner or worker polling it: its runs stay scheduled"
    return None


def ui_link(flow_run_id: str, api_url: str) -> str:
    """Return the Prefect UI page of a run, from the API URL (``.../api`` -> UI root)."""
    return f"{api_url.removesuffix('/').removesuffix('/api')}/runs/flow-run/{flow_run_id}"
