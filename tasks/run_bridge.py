"""The one way from a door to a review's Prefect run: read where it waits, resume it, start or retire it.

A Protocol, so the services are tested with a double. ``PrefectBridge`` calls ``tasks.run_control``
(imported only when first used, so a door that never reaches Prefect never loads it) and turns
"Prefect cannot be reached" into ``RunUnavailable``: the input stays in the review's inbox, shown as
received, and is handed over when Prefect answers again.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from tasks.run_control import RunState


class RunUnavailable(RuntimeError):
    """Prefect did not answer (down, restarting, or refusing connections)."""


class ResumeRefused(RuntimeError):
    """Prefect would not resume the run (not waiting any more, or its input failed the form's schema)."""


class RunBridge(Protocol):
    def run_state(self, flow_run_id: str) -> RunState: ...

    def resume(self, flow_run_id: str, run_input: dict[str, Any]) -> None: ...

    def start(self, reference: str, setting_urn: str, stage: int, *, idempotency_key: str) -> str: ...

    def retire(self, flow_run_id: str, why: str) -> None: ...


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


class PrefectBridge:
    """The real bridge: the Prefect API named by ``PREFECT_API_URL``, the review deployment of the settings."""

    def __init__(self, deployment: str | None = None) -> None:
        self.deployment = deployment

    def run_state(self, flow_run_id: str) -> RunState:
        from tasks.run_control import read_run_state

        try:
            return read_run_state(flow_run_id)
        except Exception as exc:
            if _unreachable(exc):
                raise RunUnavailable(_why(exc)) from None
            raise

    def resume(self, flow_run_id: str, run_input: dict[str, Any]) -> None:
        from tasks.run_control import resume_review_run

        try:
            resume_review_run(flow_run_id, run_input)
        except ResumeRefused:
            raise
        except Exception as exc:
            if _unreachable(exc):
                raise RunUnavailable(_why(exc)) from None
            raise

    def start(self, reference: str, setting_urn: str, stage: int, *, idempotency_key: str) -> str:
        from tasks.db import settings
        from tasks.run_control import start_review_run

        deployment = self.deployment or settings().review_deployment
        try:
            return start_review_run(reference, setting_urn, stage, deployment, idempotency_key=idempotency_key)
        except Exception as exc:
            if _unreachable(exc):
                raise RunUnavailable(_why(exc)) from None
            raise

    def retire(self, flow_run_id: str, why: str) -> None:
        from tasks.prefect_runs import mark_cancelled

        try:
            mark_cancelled(flow_run_id, why)
        except Exception as exc:
            if _unreachable(exc):
                raise RunUnavailable(_why(exc)) from None
            raise
