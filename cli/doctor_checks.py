"""The checks behind ``ehcp doctor``: each looks at one part of a running installation and says what to do.

Plain functions over two narrow ports, so the tests can hand them fakes: ``PrefectApi`` (a few REST
calls, made with httpx so the doctor does not import Prefect) and the records (a session factory).
The instant ``now`` and the business date come from the command; nothing here reads the clock.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, Protocol

import httpx
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from records.health import open_review_runs, outbox_health
from records.schema import UPGRADE_COMMAND, current_revision, head_revision
from records.session import SessionFactory, session_scope

REVIEW_FLOW = "annual-review"
CLOCK_FLOW = "statutory-clock"
LIVE_STATES = ("SCHEDULED", "PENDING", "RUNNING", "PAUSED", "CANCELLING")
PAGE = 200


class Level(StrEnum):
    OK = "OK"
    WARN = "WARN"
    FAIL = "FAIL"


@dataclass(frozen=True, slots=True)
class Check:
    """One line of the doctor's report: what was checked, how it stands, and what to do about it."""

    name: str
    level: Level
    detail: str
    fix: str = ""


@dataclass(frozen=True, slots=True)
class Thresholds:
    """When a late clock or a long-running stage stops being normal."""

    clock_late: timedelta = timedelta(minutes=45)
    running_stuck: timedelta = timedelta(minutes=30)
    pending_stuck: timedelta = timedelta(minutes=10)
    min_workers: int = 2


class PrefectApi(Protocol):
    """The few Prefect API answers the doctor needs."""

    def healthy(self) -> bool: ...

    def authorised(self) -> bool: ...

    def workers(self, pool: str) -> list[dict[str, Any]] | None:
        """The pool's workers (``status``, ``name``), or None when the pool does not exist."""

    def flow_runs(self, flow: str, states: Iterable[str], *, sort: str, limit: int) -> list[dict[str, Any]]: ...

    def run_states(self, run_ids: list[str]) -> dict[str, str]:
        """State type of each run id Prefect knows."""


class HttpPrefectApi:
    """``PrefectApi`` over Prefect's REST API (``PREFECT_API_URL``, ``PREFECT_API_AUTH_STRING``)."""

    def __init__(self, api_url: str, auth_string: str | None) -> None:
        auth = tuple(auth_string.split(":", 1)) if auth_string and ":" in auth_string else None
        self._client = httpx.Client(base_url=api_url.rstrip("/"), auth=auth, timeout=15)  # type: ignore[arg-type]

    def healthy(self) -> bool:
        try:
            return self._client.get("/health").status_code == 200
        except httpx.HTTPError:
            return False

    def authorised(self) -> bool:
        return self._client.get("/admin/version").status_code == 200

    def workers(self, pool: str) -> list[dict[str, Any]] | None:
        response = self._client.post(f"/work_pools/{pool}/workers/filter", json={})
        if response.status_code == 404:
            return None
        response.raise_for_status()
        return list(response.json())

    def flow_runs(self, flow: str, states: Iterable[str], *, sort: str, limit: int) -> list[dict[str, Any]]:
        body = {
            "flows": {"name": {"any_": [flow]}},
            "flow_runs": {"state": {"type": {"any_": list(states)}}},
            "sort": sort,
            "limit": limit,
        }
        response = self._client.post("/flow_runs/filter", json=body)
        response.raise_for_status()
        return list(response.json())

    def run_states(self, run_ids: list[str]) -> dict[str, str]:
        states: dict[str, str] = {}
        for start in range(0, len(run_ids), PAGE):
            body = {"flow_runs": {"id": {"any_": run_ids[start : start + PAGE]}}, "limit": PAGE}
            response = self._client.post("/flow_runs/filter", json=body)
            response.raise_for_status()
            states.update({run["id"]: run["state_type"] for run in response.json()})
        return states


def _when(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def _age(now: datetime, value: str | None) -> timedelta | None:
    moment = _when(value)
    return None if moment is None else now - moment


def check_server(api: PrefectApi, api_url: str) -> Check:
    if not api.healthy():
        return Check("Prefect server", Level.FAIL, f"no answer at {api_url}", "start it, or set PREFECT_API_URL")
    if not api.authorised():
        return Check(
            "Prefect server",
            Level.FAIL,
            f"{api_url} answers but refuses this client (401)",
            "set PREFECT_API_AUTH_STRING to the server's user:password",
        )
    return Check("Prefect server", Level.OK, f"{api_url} answers, auth accepted")


def check_workers(api: PrefectApi, pool: str, thresholds: Thresholds) -> Check:
    workers = api.workers(pool)
    if workers is None:
        return Check(
            "workers", Level.FAIL, f"no work pool {pool!r}", "create it and deploy (deployments/README.md, Production)"
        )
    online = sorted(w["name"] for w in workers if w.get("status") == "ONLINE")
    start = f"`python -m deployments.worker --pool {pool}` (a worker and its warm engine) on a worker machine"
    if not online:
        return Check("workers", Level.FAIL, f"no worker online for pool {pool!r}: nothing runs reviews", start)
    if len(online) < thresholds.min_workers:
        return Check("workers", Level.WARN, f"{len(online)} online ({', '.join(online)}): no spare", start)
    return Check("workers", Level.OK, f"{len(online)} online for pool {pool!r} ({', '.join(online)})")


def check_schema(engine: Engine) -> Check:
    try:
        current, head = current_revision(engine), head_revision(engine)
    except SQLAlchemyError as exc:
        where = engine.url.render_as_string(hide_password=True)
        detail = f"cannot read {where}: {type(exc).__name__}"
        return Check("records schema", Level.FAIL, detail, "check EHCP_DATABASE_URL")
    if current != head:
        return Check("records schema", Level.FAIL, f"at {current or 'nothing'}, code needs {head}", UPGRADE_COMMAND)
    return Check("records schema", Level.OK, f"at {head} (current)")


def check_clock(api: PrefectApi, now: datetime, thresholds: Thresholds) -> Check:
    fix = "check the workers and that statutory-clock/production is not paused; `ehcp clock` runs it now"
    done = api.flow_runs(CLOCK_FLOW, ["COMPLETED"], sort="END_TIME_DESC", limit=1)
    last = api.flow_runs(CLOCK_FLOW, ["COMPLETED", "FAILED", "CRASHED"], sort="END_TIME_DESC", limit=1)
    if not done:
        return Check("statutory clock", Level.FAIL, "no clock run has ever completed", fix)
    age = _age(now, done[0].get("end_time"))
    ended = f"last completed {_minutes(age)} ago ({done[0]['name']})"
    if last and last[0]["state_type"] != "COMPLETED":
        latest = f"latest run {last[0]['name']} {last[0]['state_type']}"
        return Check("statutory clock", Level.WARN, f"{latest}; {ended}", fix)
    if age is not None and age > thresholds.clock_late:
        return Check("statutory clock", Level.FAIL, f"late: {ended}", fix)
    return Check("statutory clock", Level.OK, ended)


def _minutes(age: timedelta | None) -> str:
    return "?" if age is None else f"{age.total_seconds() / 60:.0f} min"


def check_outbox(factory: SessionFactory) -> Check:
    with session_scope(factory) as session:
        health = outbox_health(session)
    detail = f"{health.queued} queued ({health.retrying} retrying), {health.failed} failed for good"
    if health.failed:
        return Check(
            "outbox", Level.FAIL, detail, "`ehcp escalations --json` names them: fix the address or channel, re-queue"
        )
    if health.retrying:
        return Check("outbox", Level.WARN, detail, "a channel is failing: check the mail server and webhooks")
    return Check("outbox", Level.OK, detail)


def _older_than(runs: list[dict[str, Any]], field: str, now: datetime, limit: timedelta) -> list[str]:
    return [run["name"] for run in runs if (_age(now, run.get(field)) or timedelta()) > limit]


def check_stuck_runs(api: PrefectApi, now: datetime, thresholds: Thresholds) -> Check:
    running = api.flow_runs(REVIEW_FLOW, ["RUNNING"], sort="START_TIME_ASC", limit=PAGE)
    pending = api.flow_runs(REVIEW_FLOW, ["PENDING"], sort="EXPECTED_START_TIME_ASC", limit=PAGE)
    stuck = _older_than(running, "start_time", now, thresholds.running_stuck)
    waiting = _older_than(pending, "expected_start_time", now, thresholds.pending_stuck)
    if stuck:
        return Check(
            "review runs",
            Level.FAIL,
            f"{len(stuck)} RUNNING for over {_minutes(thresholds.running_stuck)}: {', '.join(stuck[:5])}",
            "their process probably died: mark them Crashed (UI) or wait for the heartbeat automation, "
            "then `ehcp start --all-due`",
        )
    if waiting:
        return Check(
            "review runs",
            Level.WARN,
            f"{len(waiting)} PENDING for over {_minutes(thresholds.pending_stuck)}",
            "workers at their limit or down: add a worker",
        )
    return Check("review runs", Level.OK, f"{len(running)} running, {len(pending)} pending, none stuck")


def check_open_reviews(api: PrefectApi, factory: SessionFactory, as_of: date) -> Check:
    with session_scope(factory) as session:
        kept = open_review_runs(session, as_of)
    states = api.run_states([run_id for run_id in kept.values() if run_id])
    orphans = [ref for ref, run_id in kept.items() if run_id is None or states.get(run_id) not in LIVE_STATES]
    if orphans:
        return Check(
            "open reviews",
            Level.WARN,
            f"{len(orphans)} of {len(kept)} open reviews have no live run: {', '.join(orphans[:5])}",
            "`ehcp start --all-due` starts a fresh run for each, carrying on from the records",
        )
    return Check("open reviews", Level.OK, f"all {len(kept)} open reviews have a live run")


@dataclass(frozen=True, slots=True)
class Installation:
    """What the doctor examines: the Prefect API, the records, and the names that tie them."""

    api: PrefectApi
    api_url: str
    engine: Engine
    factory: SessionFactory
    pool: str


def _guarded(name: str, check: Callable[[], Check]) -> Check:
    """Run one check; an unexpected error becomes its FAIL line (naming the error) rather than a traceback."""
    try:
        return check()
    except Exception as exc:
        return Check(name, Level.FAIL, f"the check could not finish: {type(exc).__name__}: {exc}", "see the error")


def run_checks(where: Installation, now: datetime, as_of: date, thresholds: Thresholds) -> Iterator[Check]:
    """Yield every check in order; the Prefect checks are skipped when the server cannot be used."""
    server = _guarded("Prefect server", lambda: check_server(where.api, where.api_url))
    yield server
    schema = check_schema(where.engine)
    yield schema
    prefect_ok, records_ok = server.level is Level.OK, schema.level is Level.OK
    if prefect_ok:
        yield _guarded("workers", lambda: check_workers(where.api, where.pool, thresholds))
        yield _guarded("statutory clock", lambda: check_clock(where.api, now, thresholds))
        yield _guarded("review runs", lambda: check_stuck_runs(where.api, now, thresholds))
    if records_ok:
        yield _guarded("outbox", lambda: check_outbox(where.factory))
    if prefect_ok and records_ok:
        yield _guarded("open reviews", lambda: check_open_reviews(where.api, where.factory, as_of))
