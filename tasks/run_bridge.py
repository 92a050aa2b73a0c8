"""The portal's one way to a review's Prefect run: read where it waits, resume it. A Protocol, so tests use a double.

``PrefectBridge`` calls ``tasks.run_control`` (the same functions ``ehcp`` uses) and turns "Prefect
cannot be reached" into ``RunUnavailable``, which the caller answers by keeping the submission.
"""

from __future__ import annotations

from typing import Any, Protocol

import httpx

from tasks.run_control import RunState, read_run_state, resume_review_run


class RunUnavailable(RuntimeError):
    """Prefect did not answer (down, restarting, or refusing connections)."""


class RunBridge(Protocol):
    def run_state(self, flow_run_id: str) -> RunState: ...

    def resume(self, flow_run_id: str, run_input: dict[str, Any]) -> None: ...


class PrefectBridge:
    """The real bridge: the Prefect API named by ``PREFECT_API_URL``."""

    def run_state(self, flow_run_id: str) -> RunState:
        try:
            return read_run_state(flow_run_id)
        except (httpx.HTTPError, OSError) as exc:
            raise RunUnavailable(type(exc).__name__) from None

    def resume(self, flow_run_id: str, run_input: dict[str, Any]) -> None:
        try:
            resume_review_run(flow_run_id, run_input)
        except (httpx.HTTPError, OSError) as exc:
            raise RunUnavailable(type(exc).__name__) from None
