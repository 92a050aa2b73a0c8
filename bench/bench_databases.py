"""Throwaway databases for the benchmarks: a SQLite file, and PostgreSQL when a server URL is known."""

from __future__ import annotations

import os
import shutil
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from records.schema import upgrade
from records.session import SessionFactory, dispose_engines, make_session_factory
from records.settings import Settings

POSTGRES_ENV = ("EHCP_BENCH_POSTGRES_URL", "EHCP_TEST_POSTGRES_URL")


def postgres_admin_url() -> str | None:
    """Return an admin URL for PostgreSQL from the environment, if any."""
    return next((os.environ[name] for name in POSTGRES_ENV if os.environ.get(name)), None)


def _admin(url: str, sql: str) -> None:
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    with engine.connect() as connection:
        connection.execute(text(sql))
    engine.dispose()


@contextmanager
def fresh_database(backend: str) -> Iterator[tuple[Settings, SessionFactory]]:
    """Yield settings and a session factory on a new, migrated database; drop it afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="ehcp-bench-"))
    name = f"ehcp_bench_{uuid.uuid4().hex[:10]}"
    admin = postgres_admin_url() or ""
    if backend == "sqlite":
        url = f"sqlite:///{folder / 'bench.sqlite3'}"
    else:
        _admin(admin, f'CREATE DATABASE "{name}"')
        url = make_url(admin).set(database=name).render_as_string(hide_password=False)
    settings = Settings(database_url=url, actor="bench")
    try:
        factory = make_session_factory(settings)
        upgrade(factory.kw["bind"])
        yield settings, factory
    finally:
        dispose_engines()
        if backend != "sqlite":
            _admin(admin, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(folder, ignore_errors=True)


def backends() -> list[str]:
    """Return the backends to measure: SQLite always, PostgreSQL when a URL is set.

    ``EHCP_BENCH_BACKENDS=postgresql`` (a comma list) measures only those (the production backend at scale)."""
    found = ["sqlite", "postgresql"] if postgres_admin_url() else ["sqlite"]
    chosen = [name.strip() for name in os.environ.get("EHCP_BENCH_BACKENDS", "").split(",") if name.strip()]
    return [name for name in found if name in chosen] if chosen else found


def load_demo(factory: SessionFactory, plans: int, as_of: date, backend: str) -> None:
    """Import a seeded synthetic demo caseload of ``plans`` plans standing on ``as_of``, and print how long it took."""
    from records.demo.caseload import demo_caseload
    from records.importing.caseload_import import CaseloadContext, import_caseload_rows
    from records.importing.settings_import import import_setting_values
    from records.importing.settings_rows import setting_values
    from rules.bank_holidays import england_and_wales_working_days
    from rules.rule_set import ENGLAND_2014

    demo = demo_caseload(plans, seed=1, today=as_of)
    context = CaseloadContext(ENGLAND_2014, england_and_wales_working_days(), "bench")
    start = time.perf_counter()
    import_setting_values(factory, setting_values(demo.settings), actor="bench")
    import_caseload_rows(factory, demo.caseload, context)
    print(f"{backend:10} loaded {plans} plans in {time.perf_counter() - start:.1f} s")
