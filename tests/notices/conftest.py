"""Fixtures for the notices tests: synthetic people, a clean environment and loopback servers.

Network rule: tests talk only to servers they start themselves on 127.0.0.1.
"""

from __future__ import annotations

import json
import os
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any

import pytest
from notice_samples import CHILD_NAME, FAMILY_ADDRESSEE, REFERENCE

from notices.context import AuthorityContext, ReviewContext
from notices.recipients import LaDirectory, load_la_directory
from rules.bank_holidays import england_and_wales_working_days
from rules.calendar import IsWorkingDay
from tests.http_support import serving

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch: pytest.MonkeyPatch) -> None:
    """Drop EHCP_* settings and proxy variables so nothing outside the test steers it."""
    for name in list(os.environ):
        if name.startswith("EHCP_") or name.lower() in {"http_proxy", "https_proxy", "all_proxy", "no_proxy"}:
            monkeypatch.delenv(name)


@pytest.fixture(scope="session")
def is_working_day() -> IsWorkingDay:
    return england_and_wales_working_days()


@pytest.fixture
def authority() -> AuthorityContext:
    return AuthorityContext(
        name="Norfolk County Council (test)",
        team_name="SEN annual reviews team",
        team_email="annual-reviews@example.org",
        team_phone="01603 000 000",
        sendiass_name="Test SENDIASS",
        sendiass_contact="0300 000 0001",
        mediation_service_name="Test Mediation Service",
        mediation_contact="0300 000 0002",
        disagreement_resolution_contact="0300 000 0003",
        local_offer="the Test SEND Local Offer, https://local-offer.example.org",
    )


@pytest.fixture
def review(authority: AuthorityContext) -> ReviewContext:
    return ReviewContext(REFERENCE, "Holly & Ivy Primary School", authority, CHILD_NAME, FAMILY_ADDRESSEE)


@pytest.fixture
def la_directory() -> LaDirectory:
    return load_la_directory(ROOT / "examples" / "la_roles.toml")


def free_port() -> int:
    """Return a loopback port that nothing listens on (closed again at once)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


@dataclass
class Recorded:
    """One HTTP request the local server received."""

    method: str
    path: str
    headers: dict[str, str]
    body: Any


@dataclass
class LocalHttpServer:
    """A loopback HTTP server that records requests and answers with a chosen status and JSON body."""

    url: str
    requests: list[Recorded] = field(default_factory=list)
    status: int = 200
    reply: Any = field(default_factory=dict)


@pytest.fixture
def http_server() -> Iterator[LocalHttpServer]:
    state = LocalHttpServer(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            raw = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            state.requests.append(Recorded("POST", self.path, dict(self.headers.items()), json.loads(raw or b"null")))
            payload = json.dumps(state.reply).encode()
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        def log_message(self, format: str, *args: Any) -> None:
            """Keep test output quiet."""

    with serving(Handler) as url:
        state.url = url
        yield state
