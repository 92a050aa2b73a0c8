"""Benchmark: the statutory clock end to end (record, escalate, deliver through a local SMTP sink).

Loads a synthetic caseload (``records.demo``) into SQLite, and into PostgreSQL when
EHCP_BENCH_POSTGRES_URL or EHCP_TEST_POSTGRES_URL is set; starts a temporary Prefect server
(``prefect_test_harness``, SQLite-backed) and an in-process SMTP sink on loopback; then runs the
real ``statutory_clock`` flow in-process:

1. "history": the clock for the day before, as if it had always run (timed, but it is a backlog);
2. "one day": the next business date;
3. "one-month catch-up": thirty days later in one run (the clock was down for a month).

Each line prints the phase seconds the flow reports (record, escalate, deliver, runs, refresh, ...),
the events raised, the notifications queued, the mails the sink accepted and the clock run's task runs
(with their rate). No runner serves review runs here, so "runs" measures the clock reporting that it
could not start them. The Prefect server's own log (its standard error) is kept in a file and searched
for dropped events ("Subscription queue is full"). Ends with issue 22's goals side by side: what the
issue measured, this run, and a bare flow of as many empty task runs on the same server. Prints
figures; asserts nothing.

    python bench/clock.py [PLANS] [--no-month]
"""

from __future__ import annotations

import os
import re
import socket
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller
from bench_databases import backends, fresh_database
from sqlalchemy import func, select, text

from records.demo.caseload import demo_caseload
from records.importing.caseload_import import CaseloadContext, import_caseload_rows
from records.importing.settings_import import import_setting_values
from records.importing.settings_rows import setting_values
from records.models import Review
from records.session import session_scope
from rules.bank_holidays import england_and_wales_working_days
from rules.rule_set import ENGLAND_2014

AS_OF = date(2026, 3, 2)


class Sink:
    """Counts the mails it accepts (bodies are dropped)."""

    def __init__(self) -> None:
        self.count = 0

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.count += 1
        return "250 OK"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _point_tasks_at(url: str, port: int) -> None:
    os.environ.update(
        EHCP_DATABASE_URL=url,
        EHCP_SMTP_HOST="127.0.0.1",
        EHCP_SMTP_PORT=str(port),
        EHCP_REVIEW_DEPLOYMENT="annual-review/not-served",
        EHCP_ACTOR="bench",
        EHCP_LA_ROLES_FILE=str(Path(__file__).resolve().parents[1] / "examples" / "la_roles.toml"),
    )
    from services.setup import clear_caches

    clear_caches()


def _task_runs_of_last(flow_name: str) -> int:
    """How many task runs the newest run of ``flow_name`` made (read back from Prefect's API)."""
    from prefect.client.orchestration import get_client
    from prefect.client.schemas.filters import FlowFilter, FlowFilterName, FlowRunFilter, FlowRunFilterId
    from prefect.client.schemas.sorting import FlowRunSort

    with get_client(sync_client=True) as client:
        (run,) = client.read_flow_runs(
            flow_filter=FlowFilter(name=FlowFilterName(any_=[flow_name])), sort=FlowRunSort.START_TIME_DESC, limit=1
        )
        flow_runs = FlowRunFilter(id=FlowRunFilterId(any_=[run.id])).model_dump(mode="json", exclude_unset=True)
        return int(client.request("POST", "/task_runs/count", json={"flow_runs": flow_runs}).json())


def _run(label: str, day: date, sink: Sink, backend: str) -> tuple[float, int]:
    """Run the clock for ``day``; print its figures; return its seconds and task runs."""
    from flows.statutory_clock import statutory_clock

    before, started = sink.count, time.perf_counter()
    summary = statutory_clock(as_of=day)
    elapsed = time.perf_counter() - started
    tasks = _task_runs_of_last("statutory-clock")
    phases = ", ".join(f"{name} {seconds:.1f}" for name, seconds in summary["seconds"].items())
    print(
        f"{backend:10} {label:20} {elapsed:7.1f} s: {summary['new_events']:,} events, {summary['raised']:,} raised, "
        f"{summary['superseded']:,} superseded, {summary['notifications_queued']:,} queued, "
        f"{sink.count - before:,} mails, {tasks:,} task runs ({tasks / elapsed:.1f}/s); phases (s): {phases}",
        flush=True,
    )
    return elapsed, tasks


def _bare(task_runs: int) -> float:
    """Seconds for a bare flow of ``task_runs`` empty task runs, called one after another as the clock calls its own."""
    from prefect import flow, task

    @task
    def nothing(n: int) -> int:
        return n

    @flow(name="bare-clock")
    def bare() -> None:
        for n in range(task_runs):
            nothing(n)

    started = time.perf_counter()
    bare()
    return time.perf_counter() - started


@contextmanager
def server_log() -> Iterator[Path]:
    """Send this process's standard error (and so the harness server's, which inherits it) to a file meanwhile."""
    with tempfile.NamedTemporaryFile(prefix="ehcp-bench-server-", suffix=".log", delete=False) as log:
        saved = os.dup(2)
        sys.stderr.flush()
        os.dup2(log.fileno(), 2)
        try:
            yield Path(log.name)
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def dropped_events(log: Path) -> int:
    return len(re.findall(r"Subscription queue is full, dropping message", log.read_text(errors="replace")))


def print_goals(plans: int, figures: dict[str, tuple[float, int]], bare_seconds: float | None, dropped: int) -> None:
    """Issue 22's clock goals side by side: the issue's figures, this run, a bare flow of as many task runs."""

    def cell(label: str) -> str:
        if label not in figures:
            return "not run"
        seconds, tasks = figures[label]
        return f"{seconds:,.0f} s, {tasks:,} task runs"

    day = figures.get("one day", (0.0, 0))[1]
    rows = [
        ("history pass", "stopped unfinished after 8 min (110 -> 8 task runs/s)", cell("history"), "-", "to the end"),
        ("one day", "never measured", cell("one day"),
         f"{bare_seconds:,.0f} s for {day:,} empty task runs" if bare_seconds is not None else "-",
         "under 300 s" if plans >= 100_000 else "under 300 s at 100,000 plans"),
        ("one-month catch-up", "never measured", cell("one-month catch-up"), "-", "to the end"),
        ("dropped events (server log)", "264,000", f"{dropped:,}", "-", "0"),
    ]  # fmt: skip
    header = ("figure", "issue 22 measured (100,000 plans)", f"this run ({plans:,} plans)", "bare flow", "goal")
    widths = [max(len(row[n]) for row in [header, *rows]) for n in range(len(header))]
    print("goals (issue 22, the clock):")
    for row in [header, *rows]:
        print("  " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


def main(plans: int, month: bool) -> None:
    from prefect.testing.utilities import prefect_test_harness

    demo = demo_caseload(plans, seed=3, today=AS_OF)
    context = CaseloadContext(ENGLAND_2014, england_and_wales_working_days(), "bench")
    sink, port = Sink(), _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    figures: dict[str, tuple[float, int]] = {}
    bare_seconds: float | None = None
    try:
        with server_log() as log, prefect_test_harness(server_startup_timeout=120):
            print(f"Prefect server log: {log}", flush=True)
            for backend in backends():
                with fresh_database(backend) as (settings, factory):
                    import_setting_values(factory, setting_values(demo.settings), actor="bench")
                    import_caseload_rows(factory, demo.caseload, context)
                    with session_scope(factory) as session:
                        session.execute(text("ANALYZE"))
                        open_reviews = session.scalar(
                            select(func.count()).select_from(Review).where(Review.stage.is_not(None))
                        )
                    print(f"{backend:10} {plans:,} plans, {open_reviews:,} open reviews", flush=True)
                    _point_tasks_at(settings.database_url, port)
                    figures["history"] = _run("history", AS_OF - timedelta(days=1), sink, backend)
                    figures["one day"] = _run("one day", AS_OF, sink, backend)
                    if month:
                        figures["one-month catch-up"] = _run(
                            "one-month catch-up", AS_OF + timedelta(days=30), sink, backend
                        )
            if figures["one day"][1]:
                bare_seconds = _bare(figures["one day"][1])
                print(f"bare flow: {figures['one day'][1]:,} empty task runs in {bare_seconds:.1f} s", flush=True)
            dropped = dropped_events(log)
            print(f"dropped events in the server log: {dropped:,}", flush=True)
    finally:
        controller.stop()
    print_goals(plans, figures, bare_seconds, dropped)


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(int(arguments[0]) if arguments else 10_000, "--no-month" not in sys.argv)
