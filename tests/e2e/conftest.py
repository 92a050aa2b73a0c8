"""End-to-end fixtures: a real Prefect server (temporary PREFECT_HOME, SQLite, a free port), the deployment
served by a real runner process, and a records database, all started by the tests and stopped after.

Kept in this folder so the fast rules tests never pay for a server.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from email.message import Message
from pathlib import Path
from typing import Any

import httpx
import pytest

from deployments.mailbox import read_mailbox, start_mailbox
from deployments.processes import terminate

ROOT = Path(__file__).parents[2]
BIN = Path(sys.executable).parent
SERVER_START_TIMEOUT_S = 120


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_healthy(api_url: str, timeout_s: float, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"Prefect server exited: {log.read_text()[-3000:]}")
        try:
            if httpx.get(f"{api_url}/health", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"Prefect server not healthy after {timeout_s}s: {log.read_text()[-3000:]}")


def api(method: str, url: str, **kwargs: Any) -> httpx.Response:
    """Call the Prefect API as the UI does, retrying 503: the SQLite-backed server answers 503 while its
    database is locked by a burst of writes (Prefect's own client retries the same way)."""
    for attempt in range(8):
        response = httpx.request(method, url, timeout=30, **kwargs)
        if response.status_code != 503:
            response.raise_for_status()
            return response
        time.sleep(0.5 * (attempt + 1))
    response.raise_for_status()
    return response


def stop(process: subprocess.Popen[bytes], timeout_s: float = 20) -> None:
    terminate(process, timeout_s)


class Stack:
    """A running Prefect server (and optionally a runner), with the environment that reaches it."""

    def __init__(self, home: Path, port: int, database_url: str, auth: str | None = None) -> None:
        self.home, self.port = home, port
        self.mail_folder = home / "mailbox"
        self.mail_port = free_port()
        self.api_url = f"http://127.0.0.1:{port}/api"
        self.env = {
            **os.environ,
            "PREFECT_HOME": str(home),
            "PREFECT_API_URL": self.api_url,
            "PREFECT_SERVER_API_PORT": str(port),
            "PREFECT_SERVER_API_HOST": "127.0.0.1",
            "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
            "PREFECT_RUNNER_POLL_FREQUENCY": "1",
            "PREFECT_LOGGING_LEVEL": "INFO",
            "EHCP_DATABASE_URL": database_url,
            "EHCP_ACTOR": "e2e-test",
            "EHCP_CLOCK_CRON": "off",  # the tests run the clock on the dates they travel to, never on today's
            "EHCP_SMTP_HOST": "127.0.0.1",
            "EHCP_SMTP_PORT": str(self.mail_port),
            "EHCP_LA_ROLES_FILE": str(ROOT / "examples" / "la_roles.toml"),
        }
        if auth:
            self.env["PREFECT_SERVER_API_AUTH_STRING"] = auth
            self.env["PREFECT_API_AUTH_STRING"] = auth
        self.mailbox = start_mailbox(self.mail_folder, self.mail_port)
        self.server: subprocess.Popen[bytes] | None = None
        self.runner: subprocess.Popen[bytes] | None = None

    def _spawn(self, args: list[str], log_name: str) -> subprocess.Popen[bytes]:
        with (self.home / log_name).open("ab") as log:  # the child keeps its own copy of the descriptor
            return subprocess.Popen(
                args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def start_server(self) -> None:
        self.server = self._spawn([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1"], "server.log")
        wait_healthy(self.api_url, SERVER_START_TIMEOUT_S, self.server, self.home / "server.log")

    def stop_server(self) -> None:
        """Stop the server and wait until nothing answers on its port (a restart must not meet the old one)."""
        if self.server is not None:
            stop(self.server)
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(f"{self.api_url}/health", timeout=1)
            except httpx.HTTPError:
                return
            time.sleep(0.5)

    def start_runner(self) -> None:
        self.runner = self._spawn([sys.executable, "-m", "deployments.serve"], "runner.log")
        headers = {}
        deadline = time.monotonic() + 90
        auth = self.env.get("PREFECT_API_AUTH_STRING")
        while time.monotonic() < deadline:
            response = httpx.get(
                f"{self.api_url}/deployments/name/annual-review/embedded",
                headers=headers,
                auth=tuple(auth.split(":", 1)) if auth else None,
                timeout=5,
            )  # type: ignore[arg-type]
            if response.status_code == 200:
                time.sleep(1)
                return
            if self.runner.poll() is not None:
                break
            time.sleep(0.5)
        raise RuntimeError(f"runner did not register: {(self.home / 'runner.log').read_text()[-3000:]}")

    def stop_runner(self) -> None:
        if self.runner is not None:
            stop(self.runner)

    def stop_all(self) -> None:
        self.stop_runner()
        self.stop_server()
        self.mailbox.stop()

    def mails(self) -> list[Message]:
        return read_mailbox(self.mail_folder)

    def ehcp(self, *args: str, check: bool = True) -> subprocess.CompletedProcess[str]:
        result = subprocess.run(
            [str(BIN / "ehcp"), *args], cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=300
        )
        if check and result.returncode != 0:
            raise AssertionError(f"ehcp {' '.join(args)} -> {result.returncode}\n{result.stdout}\n{result.stderr}")
        return result


@pytest.fixture(scope="session")
def stack(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    home = tmp_path_factory.mktemp("prefect-home")
    database = tmp_path_factory.mktemp("records") / "ehcp.sqlite3"
    running = Stack(home, free_port(), f"sqlite:///{database}")
    try:
        running.start_server()
        running.ehcp("db", "upgrade")
        running.start_runner()
        yield running
    finally:
        running.stop_all()
