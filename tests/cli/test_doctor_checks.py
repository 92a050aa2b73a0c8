"""``ehcp doctor``'s Prefect-side checks against a fake API: each state of the installation gets the right level."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, datetime, timedelta
from typing import Any

from cli.doctor_checks import (
    Level,
    Thresholds,
    check_clock,
    check_server,
    check_stuck_runs,
    check_workers,
)

NOW = datetime(2026, 12, 1, 10, 0, tzinfo=UTC)


def at(minutes_ago: float) -> str:
    return (NOW - timedelta(minutes=minutes_ago)).isoformat()


class FakePrefect:
    """Answers like Prefect's API for the runs and workers it is given."""

    def __init__(
        self,
        *,
        healthy: bool = True,
        authorised: bool = True,
        workers: list[dict[str, Any]] | None = None,
        runs: list[dict[str, Any]] | None = None,
    ) -> None:
        self._healthy, self._authorised = healthy, authorised
        self._workers = workers
        self._runs = runs or []

    def healthy(self) -> bool:
        return self._healthy

    def authorised(self) -> bool:
        return self._authorised

    def workers(self, pool: str) -> list[dict[str, Any]] | None:
        return self._workers

    def flow_runs(self, flow: str, states: Iterable[str], *, sort: str, limit: int) -> list[dict[str, Any]]:
        wanted = set(states)
        found = [r for r in self._runs if r["flow"] == flow and r["state_type"] in wanted]
        key = "end_time" if sort.startswith("END") else "start_time"
        found.sort(key=lambda r: r.get(key) or "", reverse=sort.endswith("DESC"))
        return found[:limit]

    def run_states(self, run_ids: list[str]) -> dict[str, str]:
        return {r["id"]: r["state_type"] for r in self._runs if r["id"] in run_ids}


def clock_run(name: str, state: str, ended_minutes_ago: float) -> dict[str, Any]:
    return {"id": name, "name": name, "flow": "statutory-clock", "state_type": state, "end_time": at(ended_minutes_ago)}


def test_server_unreachable_or_refusing_the_auth_string_fails_and_says_what_to_set() -> None:
    down = check_server(FakePrefect(healthy=False), "http://x/api")
    refused = check_server(FakePrefect(authorised=False), "http://x/api")
    assert down.level is Level.FAIL and "PREFECT_API_URL" in down.fix
    assert refused.level is Level.FAIL and "PREFECT_API_AUTH_STRING" in refused.fix
    assert check_server(FakePrefect(), "http://x/api").level is Level.OK


def test_workers_missing_pool_none_online_one_online_and_enough() -> None:
    thresholds = Thresholds(min_workers=2)
    online = {"name": "w1", "status": "ONLINE"}
    assert check_workers(FakePrefect(workers=None), "ehcp-process", thresholds).level is Level.FAIL
    offline = FakePrefect(workers=[{"name": "w1", "status": "OFFLINE"}])
    assert check_workers(offline, "ehcp-process", thresholds).level is Level.FAIL
    one = check_workers(FakePrefect(workers=[online]), "ehcp-process", thresholds)
    assert one.level is Level.WARN and "python -m deployments.worker --pool ehcp-process" in one.fix
    two = FakePrefect(workers=[online, {"name": "w2", "status": "ONLINE"}])
    assert check_workers(two, "ehcp-process", thresholds).level is Level.OK


def test_clock_never_ran_late_last_failed_and_on_time() -> None:
    thresholds = Thresholds(clock_late=timedelta(minutes=45))
    assert check_clock(FakePrefect(), NOW, thresholds).level is Level.FAIL
    late = check_clock(FakePrefect(runs=[clock_run("clock-a", "COMPLETED", 60)]), NOW, thresholds)
    assert late.level is Level.FAIL and late.detail.startswith("late")
    failed = FakePrefect(runs=[clock_run("clock-a", "COMPLETED", 20), clock_run("clock-b", "FAILED", 5)])
    warned = check_clock(failed, NOW, thresholds)
    assert warned.level is Level.WARN and "clock-b FAILED" in warned.detail
    on_time = check_clock(FakePrefect(runs=[clock_run("clock-a", "COMPLETED", 10)]), NOW, thresholds)
    assert on_time.level is Level.OK and "10 min" in on_time.detail


def test_review_run_running_too_long_fails_pending_too_long_warns() -> None:
    thresholds = Thresholds(running_stuck=timedelta(minutes=30), pending_stuck=timedelta(minutes=10))

    def review(name: str, state: str, **times: float) -> dict[str, Any]:
        return {"id": name, "name": name, "flow": "annual-review", "state_type": state} | {
            k: at(v) for k, v in times.items()
        }

    fresh = FakePrefect(
        runs=[review("AR-1", "RUNNING", start_time=2), review("AR-2", "PENDING", expected_start_time=1)]
    )
    assert check_stuck_runs(fresh, NOW, thresholds).level is Level.OK
    dead = check_stuck_runs(FakePrefect(runs=[review("AR-3", "RUNNING", start_time=90)]), NOW, thresholds)
    assert dead.level is Level.FAIL and "AR-3" in dead.detail and "ehcp start --all-due" in dead.fix
    queued = FakePrefect(runs=[review("AR-4", "PENDING", expected_start_time=25)])
    assert check_stuck_runs(queued, NOW, thresholds).level is Level.WARN
