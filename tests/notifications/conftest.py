"""Fixtures for outbox and delivery tests: the records databases (SQLite and PostgreSQL), one stored
review with synthetic contacts, the task layer pointed at them, and a real SMTP server on loopback.

Network rule: tests talk only to servers they start themselves on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import EmailMessage
from email.policy import default as default_policy
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from records.models import Review
from records.session import SessionFactory, dispose_engines, session_scope
from services import setup
from tests.http_support import serving
from tests.records.conftest import backend, cli_env, database_url, databases, factory, settings  # noqa: F401
from tests.records.support import run, write_csv

ROOT = Path(__file__).resolve().parents[2]
CHILD_GIVEN_NAME = "Zephyrine"  # distinctive synthetic names: found anywhere public means a leak
CHILD_FAMILY_NAME = "Quillfeather"
SENCO_EMAIL = "senco.900901@example.invalid"
HEAD_EMAIL = "head.900901@example.invalid"
SETTING = {
    "urn": "900901",
    "name": "Synthetic Rowan Primary",
    "phase": "primary",
    "senco_name": "SENCO of setting 900901",
    "senco_email": SENCO_EMAIL,
    "head_teacher_name": "Head of setting 900901",
    "head_teacher_email": HEAD_EMAIL,
}
CHILD = {
    "child_ref": "NOTE-1",
    "given_name": CHILD_GIVEN_NAME,
    "family_name": CHILD_FAMILY_NAME,
    "date_of_birth": "2015-05-05",
    "setting_urn": "900901",
    "plan_first_issued_on": "2025-12-01",
    "year_group": "5",
}


def free_port() -> int:
    """Return a loopback port that nothing listens on (closed again at once)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def clear_task_caches() -> None:
    setup.clear_caches()


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Drop EHCP_* settings and proxies so nothing outside the test steers it; forget cached settings."""
    for name in list(os.environ):
        if name.startswith("EHCP_") and name != "EHCP_TEST_POSTGRES_URL":
            monkeypatch.delenv(name)
        elif name.lower() in {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}:
            monkeypatch.delenv(name)
    clear_task_caches()
    yield
    clear_task_caches()


class Mailbox:
    """An aiosmtpd handler that keeps every message it accepts."""

    def __init__(self) -> None:
        self.messages: list[tuple[list[str], EmailMessage]] = []

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        mail = message_from_bytes(envelope.original_content, policy=default_policy)
        assert isinstance(mail, EmailMessage)
        self.messages.append((list(envelope.rcpt_tos), mail))
        return "250 Message accepted for delivery"


@pytest.fixture
def smtp_port() -> int:
    """The port the task layer's SMTP settings point at (nothing listens unless ``mailbox`` starts)."""
    return free_port()


@pytest.fixture
def mailbox(smtp_port: int) -> Iterator[Mailbox]:
    handler = Mailbox()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port)
    controller.start()
    try:
        yield handler
    finally:
        controller.stop()


@pytest.fixture
def task_env(cli_env: str, smtp_port: int, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:  # noqa: F811
    """Point the task layer (records database, SMTP, roles file) at the test's own servers."""
    monkeypatch.setenv("EHCP_SMTP_HOST", "127.0.0.1")
    monkeypatch.setenv("EHCP_SMTP_PORT", str(smtp_port))
    monkeypatch.setenv("EHCP_SMTP_TIMEOUT_SECONDS", "5")
    monkeypatch.setenv("EHCP_LA_ROLES_FILE", str(ROOT / "examples" / "la_roles.toml"))
    clear_task_caches()
    yield cli_env
    clear_task_caches()
    dispose_engines()


@pytest.fixture
def review(task_env: str, factory: SessionFactory, tmp_path: Path) -> tuple[int, str]:  # noqa: F811
    """One stored review of a synthetic child at a setting with SENCO and head teacher addresses: (id, ref)."""
    assert run("import", "settings", str(write_csv(tmp_path / "s.csv", [SETTING]))).exit_code == 0
    assert run("import", "caseload", str(write_csv(tmp_path / "c.csv", [CHILD]))).exit_code == 0
    with session_scope(factory) as session:
        found = session.execute(select(Review.id, Review.reference)).one()
        return int(found.id), str(found.reference)


@dataclass
class Posted:
    """One HTTP POST the local server received."""

    path: str
    body: Any


@dataclass
class LocalHttpServer:
    """A loopback HTTP server that records POSTs and answers 200."""

    url: str
    requests: list[Posted] = field(default_factory=list)


@pytest.fixture
def http_server() -> Iterator[LocalHttpServer]:
    state = LocalHttpServer(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.requests.append(Posted(self.path, json.loads(raw or b"null")))
            self.send_response(200)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, format: str, *args: Any) -> None:
            """Keep test output quiet."""

    with serving(Handler) as url:
        state.url = url
        yield state
