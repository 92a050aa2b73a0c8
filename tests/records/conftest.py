"""Records tests run on SQLite and on PostgreSQL: each test gets its own freshly migrated database.

PostgreSQL comes from EHCP_TEST_POSTGRES_URL (an admin URL, e.g.
postgresql+psycopg://postgres@127.0.0.1:5432/postgres); tests create and drop uniquely named
databases on it. Without it the PostgreSQL cases skip, except under CI (CI set), where they fail.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from records.schema import upgrade
from records.session import SessionFactory, dispose_engines, get_engine, make_session_factory
from records.settings import Settings, get_settings

POSTGRES_ENV = "EHCP_TEST_POSTGRES_URL"
HOW_TO_ENABLE = (
    f"PostgreSQL tests need {POSTGRES_ENV}, e.g. "
    f"{POSTGRES_ENV}=postgresql+psycopg://postgres@127.0.0.1:5432/postgres (make test sets it when pg_isready answers)"
)
BACKENDS = ("sqlite", "postgresql")


def _admin_url() -> str:
    url = os.environ.get(POSTGRES_ENV)
    if url:
        return url
    if os.environ.get("CI"):
        pytest.fail(f"CI must run the PostgreSQL tests: {HOW_TO_ENABLE}", pytrace=False)
    pytest.skip(HOW_TO_ENABLE)


def _admin(sql: str, admin_url: str) -> None:
    engine = create_engine(admin_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as connection:
            connection.execute(text(sql))
    finally:
        engine.dispose()


def _pg_url(admin_url: str, name: str) -> str:
    return make_url(admin_url).set(database=name).render_as_string(hide_password=False)


class Databases:
    """Creates empty or migrated databases of one backend, and drops what it created."""

    def __init__(self, backend: str, folder: Path) -> None:
        self.backend = backend
        self.folder = folder
        self.created: list[str] = []
        self.template: str | None = None
        self.admin_url = _admin_url() if backend == "postgresql" else ""

    def empty(self) -> str:
        name = f"ehcp_test_{uuid.uuid4().hex[:12]}"
        if self.backend == "sqlite":
            return f"sqlite:///{self.folder / (name + '.sqlite3')}"
        _admin(f'CREATE DATABASE "{name}"', self.admin_url)
        self.created.append(name)
        return _pg_url(self.admin_url, name)

    def migrated(self) -> str:
        if self.template is None:
            self.template = self.empty()
            upgrade(get_engine(self.template))
            dispose_engines()
        if self.backend == "sqlite":
            copy = self.empty()
            shutil.copyfile(make_url(self.template).database or "", make_url(copy).database or "")
            return copy
        name = f"ehcp_test_{uuid.uuid4().hex[:12]}"
        _admin(f'CREATE DATABASE "{name}" TEMPLATE "{make_url(self.template).database}"', self.admin_url)
        self.created.append(name)
        return _pg_url(self.admin_url, name)

    def drop_all(self) -> None:
        dispose_engines()
        while self.created:
            _admin(f'DROP DATABASE IF EXISTS "{self.created.pop()}" WITH (FORCE)', self.admin_url)


@pytest.fixture(scope="session", params=BACKENDS)
def databases(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Databases]:
    made = Databases(request.param, tmp_path_factory.mktemp(request.param))
    yield made
    made.drop_all()


@pytest.fixture
def backend(databases: Databases) -> str:
    return databases.backend


@pytest.fixture
def database_url(databases: Databases) -> Iterator[str]:
    """A freshly migrated database of the current backend."""
    yield databases.migrated()
    dispose_engines()


@pytest.fixture
def empty_database_url(databases: Databases) -> Iterator[str]:
    """A database with no schema at all."""
    yield databases.empty()
    dispose_engines()


@pytest.fixture
def settings(database_url: str) -> Settings:
    return Settings(database_url=database_url, actor="test")


@pytest.fixture
def factory(settings: Settings) -> SessionFactory:
    return make_session_factory(settings)


@pytest.fixture
def cli_env(monkeypatch: pytest.MonkeyPatch, database_url: str) -> Iterator[str]:
    """Point the ``ehcp`` command at the test database (the settings cache is cleared around the test)."""
    monkeypatch.setenv("EHCP_DATABASE_URL", database_url)
    monkeypatch.setenv("EHCP_ACTOR", "test")
    get_settings.cache_clear()
    yield database_url
    get_settings.cache_clear()
