"""Starting, reading and resuming review runs through the Prefect API (used by ``ehcp`` and the clock).

Plain functions, not tasks: they are called from the CLI's process and from
the statutory clock. A review run is always a top-level run (never a subflow:
Prefect refuses to suspend a subflow), created with an idempotency key derived
from the review and the run it replaces, so two starters racing make one run.
A review's run is found by the id the record keeps; its wait is found by the
pause key ``stage-<n>-<wait number>`` of the suspended state.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Final
from uuid import UUID

from prefect.client.orchestration import get_client
from prefect.client.schemas.objects import FlowRun
from prefect.deployments import run_deployment
from prefect.exceptions import NotPausedError
from prefect.flow_runs import resume_flow_run

from records.models.reviews import stage_of_wait
from records.review_runs import run_key
from tasks.run_bridge import ResumeRefused

__all__ = [
    "FINAL_STATES",
    "REVIEW_DEPLOYMENT",
    "RunState",
    "read_run_state",
    "resume_review_run",
    "run_key",
    "start_review_run",
    "ui_link",
]

REVIEW_DEPLOYMENT: Final = "annual-review/embedded"
FINAL_STATES: Final = frozenset({"COMPLETED", "FAILED", "CANCELLED", "CRASHED"})


@dataclass(frozen=True, slots=True)
class RunState:
    """Where a review's run stands: its state and, when waiting, the stage and key it waits at."""

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


def _state_of(run: FlowRun) -> RunState:
    state = run.state
    if state is None:
        return RunState(str(run.id), "UNKNOWN", "unknown", None, None)
    return RunState(
        str(run.id), state.type.value, state.name or state.type.value, state.message, state.state_details.pause_key
    )


def read_run_state(flow_run_id: str) -> RunState:
    """Return the run's current state."""
    with get_client(sync_client=True) as client:
        return _state_of(client.read_flow_run(UUID(flow_run_id)))


def start_review_run(
    review_ref: str,
    setting_urn: str,
    stage: int | None,
    deployment: str = REVIEW_DEPLOYMENT,
    *,
    idempotency_key: str,
) -> str:
    """Create the review's top-level flow run (named by its reference, tagged by setting and stage); return its id."""
    run: FlowRun = run_deployment(  # type: ignore[assignment]  # sync call: returns the run, not a coroutine
        deployment,
        parameters={"review_ref": review_ref},
        flow_run_name=review_ref,
        tags=[f"setting:{setting_urn}", f"stage:{stage}" if stage else "stage:complete"],
        timeout=0,
        as_subflow=False,
        idempotency_key=idempotency_key,
    )
    return str(run.id)


def resume_review_run(flow_run_id: str, run_input: dict[str, Any]) -> None:
    """Resume a waiting run with a form's input; raise ResumeRefused with Prefect's reason.

    A run that is no longer paused (another person's input got there first) is a refusal too."""
    try:
        resume_flow_run(UUID(flow_run_id), run_input=run_input)
    except (RuntimeError, NotPausedError) as exc:  # validation rejections are RuntimeErrors
        raise ResumeRefused(str(exc) or "the run is not waiting for input") from None


def ui_link(flow_run_id: str, api_url: str) -> str:
    """Return the Prefect UI page of a run, from the API URL (``.../api`` -> UI root)."""
    return f"{api_url.removesuffix('/').removesuffix('/api')}/runs/flow-run/{flow_run_id}"
