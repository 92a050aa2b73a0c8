"""A stand-in for Prefect behind the run port (``services.runs.RunBridge``), for fast service tests.

Each review's run waits at the record's open wait unless a test says otherwise (``states``); starts,
resumes and retirements are remembered; ``up = False`` makes every call fail as an unreachable server.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from records.models import Review
from records.models.reviews import wait_key
from records.session import SessionFactory, session_scope
from services.runs import ResumeRefused, RunState, RunUnavailable


@dataclass
class FakeRuns:
    """Prefect as the services see it: where each run waits, and what was asked of it."""

    factory: SessionFactory
    up: bool = True
    states: dict[str, tuple[str, str | None]] = field(default_factory=dict)
    """flow run id -> (state type, pause key) to report instead of "waiting at the record's open wait"."""
    resumed: list[tuple[str, dict[str, Any]]] = field(default_factory=list)
    started: list[tuple[str, str]] = field(default_factory=list)  # (reference, idempotency key)
    retired: list[str] = field(default_factory=list)
    on_resume: Callable[[str, dict[str, Any]], None] | None = None
    """What a runner does with a resumed run (a test may apply the input at once)."""

    def _check(self) -> None:
        if not self.up:
            raise RunUnavailable("no Prefect server answered")

    def run_state(self, flow_run_id: str) -> RunState:
        self._check()
        if flow_run_id in self.states:
            state_type, key = self.states[flow_run_id]
            return RunState(flow_run_id, state_type, state_type.title(), None, key)
        with session_scope(self.factory) as session:
            found = session.execute(
                select(Review.stage, Review.wait_number).where(Review.flow_run_id == flow_run_id)
            ).first()
        if found is None or found.stage is None:
            return RunState(flow_run_id, "COMPLETED", "Completed", None, None)
        return RunState(flow_run_id, "PAUSED", "Suspended", None, wait_key(found.stage, found.wait_number))

    def resume(self, flow_run_id: str, run_input: dict[str, Any]) -> None:
        self._check()
        state = self.run_state(flow_run_id)
        if state.state_type != "PAUSED":
            raise ResumeRefused("Cannot resume a run that isn't paused!")
        self.resumed.append((flow_run_id, run_input))
        self.states[flow_run_id] = ("RUNNING", None)  # a resumed run works until it waits again
        if self.on_resume is not None:
            self.on_resume(flow_run_id, run_input)
            del self.states[flow_run_id]  # it waits at the record's open wait again

    def start(self, reference: str, setting_urn: str, stage: int, *, idempotency_key: str) -> str:
        self._check()
        self.started.append((reference, idempotency_key))
        run_id = f"run-{len(self.started)}-{reference}"
        self.states[run_id] = ("SCHEDULED", None)
        return run_id

    def retire(self, flow_run_id: str, why: str) -> None:
        self._check()
        self.retired.append(flow_run_id)
        self.states[flow_run_id] = ("CANCELLED", None)
