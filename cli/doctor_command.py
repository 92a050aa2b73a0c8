"""``ehcp doctor``: check a running installation and say, for each part, OK / WARN / FAIL and what to do.

It reads the Prefect API named by ``PREFECT_API_URL`` (with ``PREFECT_API_AUTH_STRING``) and the
records named by ``EHCP_DATABASE_URL``. Exit status 1 when any check fails, so a probe can use it.
"""

from __future__ import annotations

import json
import os
from datetime import timedelta
from typing import Annotated

import typer
from rich.console import Console

from cli.deadlines_command import parse_as_of
from cli.doctor_checks import HttpPrefectApi, Installation, Level, Thresholds, run_checks
from cli.records_access import current_settings
from records.session import engine_for, make_session_factory
from records.system_time import system_now

STYLE = {Level.OK: "green", Level.WARN: "yellow", Level.FAIL: "bold red"}
console = Console(highlight=False, soft_wrap=True)


def doctor(
    pool: Annotated[str, typer.Option("--pool", envvar="EHCP_WORK_POOL", help="The work pool of the workers.")] = (
        "ehcp-process"
    ),
    clock_late_minutes: Annotated[
        int, typer.Option("--clock-late-minutes", min=1, help="The clock is late when no run completed for this long.")
    ] = 45,
    stuck_minutes: Annotated[
        int, typer.Option("--stuck-minutes", min=1, help="A review run RUNNING for longer than this is stuck.")
    ] = 30,
    min_workers: Annotated[int, typer.Option("--min-workers", min=1, help="Fewer workers online is a warning.")] = 2,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Business date for open reviews (default: today).")] = (
        None
    ),
    as_json: Annotated[bool, typer.Option("--json", help="Print the checks as JSON.")] = False,
) -> None:
    """Check a running installation: server, workers, schema, clock, outbox and review runs."""
    api_url = os.environ.get("PREFECT_API_URL", "")
    settings = current_settings()
    engine = engine_for(settings)
    where = Installation(
        HttpPrefectApi(api_url, os.environ.get("PREFECT_API_AUTH_STRING")),
        api_url,
        engine,
        make_session_factory(settings),
        pool,
    )
    thresholds = Thresholds(
        clock_late=timedelta(minutes=clock_late_minutes),
        running_stuck=timedelta(minutes=stuck_minutes),
        min_workers=min_workers,
    )
    business_date = parse_as_of(as_of)
    checks = list(run_checks(where, system_now(), business_date, thresholds))
    if as_json:
        print(json.dumps([{"check": c.name, "level": c.level.value, "detail": c.detail, "fix": c.fix} for c in checks]))  # noqa: T201
    else:
        for check in checks:
            console.print(f"[{STYLE[check.level]}]{check.level.value:<4}[/] {check.name}: {check.detail}")
            if check.fix:
                console.print(f"     -> {check.fix}", markup=False)
    if any(check.level is Level.FAIL for check in checks):
        raise typer.Exit(code=1)
