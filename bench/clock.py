"""Benchmark: the statutory clock end to end (record, escalate, deliver through a local SMTP sink).

Loads a synthetic caseload (``records.demo``) into SQLite, and into PostgreSQL when
EHCP_BENCH_POSTGRES_URL or EHCP_TEST_POSTGRES_URL is set; starts a temporary Prefect server
(``prefect_test_harness``, SQLite-backed) and an in-process SMTP sink on loopback; then runs the
real ``statutory_clock`` flow in-process:

1. "history": the clock for the day before, as if it had always run (timed, but it is a backlog);
2. "one day": the next business date;
3. "one-month catch-up": thirty days later in one run (the clock was down for a month).

Each line prints the phase seconds the flow reports (record, escalate, deliver, runs, refresh, ...),
the events raised, the notifications queued and the mails the sink accepted. No runner serves review
runs here, so "runs" measures the clock reporting that it could not start them. Prints figures;
asserts nothing.

    python bench/clock.py [PLANS] [--no-month]
"""

from __future__ import annotations

import os
import socket
import sys
import time
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


def _run(label: str, day: date, sink: Sink, backend: str) -> None:
    from flows.statutory_clock import statutory_clock

    before, started = sink.count, time.perf_counter()
    summary = statutory_clock(as_of=day)
    elapsed = time.perf_counter() - started
    phases = ", ".join(f"{name} {seconds:.1f}" for name, seconds in summary["seconds"].items())
    print(
        f"{backend:10} {label:20} {elapsed:7.1f} s: {summary['new_events']:,} events, {summary['raised']:,} raised, "
        f"{summary['superseded']:,} superseded, {summary['notifications_queued']:,} queued, "
        f"{sink.count - before:,} mails; phases (s): {phases}",
        flush=True,
    )


def main(plans: int, month: bool) -> None:
    from prefect.testing.utilities import prefect_test_harness

    demo = demo_caseload(plans, seed=3, today=AS_OF)
    context = CaseloadContext(ENGLAND_2014, england_and_wales_working_days(), "bench")
    sink, port = Sink(), _free_port()
    controller = Controller(sink, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        with prefect_test_harness(server_startup_timeout=120):
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
                    _run("history", AS_OF - timedelta(days=1), sink, backend)
                    _run("one day", AS_OF, sink, backend)
                    if month:
                        _run("one-month catch-up", AS_OF + timedelta(days=30), sink, backend)
    finally:
        controller.stop()


if __name__ == "__main__":
    arguments = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(int(arguments[0]) if arguments else 10_000, "--no-month" not in sys.argv)
