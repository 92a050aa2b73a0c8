"""Engines, session factories and the unit of work (STYLE.md section 4).

``get_engine`` is cached: one engine per URL per process. ``session_scope`` is the one place that
commits, rolls back and closes. Nothing here connects until a caller asks for a session.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from records.audit import guard_audit_log
from records.settings import Settings

SessionFactory = sessionmaker[Session]


@cache
def get_engine(url: str, *, sqlite_busy_timeout_ms: int = 30_000) -> Engine:
    """Return the process's engine for ``url``; SQLite gets foreign keys, WAL and a busy timeout."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        engine = create_engine(url, pool_pre_ping=True)
    else:
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"timeout": sqlite_busy_timeout_ms / 1000})
        event.listen(engine, "connect", _sqlite_pragmas(sqlite_busy_timeout_ms))
    _CREATED.append(engine)
    return engine


def _sqlite_pragmas(busy_timeout_ms: int) -> Any:
    def on_connect(dbapi_connection: Any, _record: Any) -> None:
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    return on_connect


def engine_for(settings: Settings) -> Engine:
    """Return the cached engine named by the settings."""
    return get_engine(settings.database_url, sqlite_busy_timeout_ms=settings.sqlite_busy_timeout_ms)


def make_session_factory(settings: Settings) -> SessionFactory:
    """Return a session factory bound to the settings' database, with the audit-log guard installed."""
    factory = sessionmaker(bind=engine_for(settings), expire_on_commit=False)
    guard_audit_log(factory)
    return factory


@contextmanager
def session_scope(factory: SessionFactory) -> Iterator[Session]:
    """Yield a session inside one transaction: commit on success, roll back on error, always close."""
    with factory.begin() as session:
        yield session


def dispose_engines() -> None:
    """Close every cached engine's connections and forget them (tests, and before dropping a database)."""
    while _CREATED:
        _CREATED.pop().dispose()
    get_engine.cache_clear()


_CREATED: list[Engine] = []  # what get_engine's cache holds, so dispose_engines can close it
