"""The production profile's pieces on one machine, as one object the CLI, the drills and the benchmark share.

A ``ProductionStack`` starts (and stops, in reverse order) a Prefect server on PostgreSQL with the API
auth string on, the records on PostgreSQL (created and migrated), a ``process`` work pool served by
several ``prefect worker`` processes, the deployments of ``deployments/prefect.yaml`` created by
``prefect deploy``, result storage in one folder every worker shares, a local mail sink, a local
stand-in for the operators' webhook, and the operators' automations. Every process it starts runs
in its own session and is stopped by its own id.
"""

from __future__ import annotations

import os
import secrets
import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Final

import httpx
import psycopg
from aiosmtpd.controller import Controller

from deployments.embedded import auth, busy_runs, is_healthy, say, wait_for
from deployments.mailbox import start_mailbox
from deployments.operator_alerts import create_operator_alerts
from deployments.processes import terminate
from deployments.webhook_sink import WebhookSink

ROOT: Final = Path(__file__).resolve().parents[1]
BIN: Final = Path(sys.executable).parent
PG_ADMIN_URL: Final = "postgresql://postgres@127.0.0.1:5432/postgres"
POOL: Final = "ehcp-process"
REVIEW_DEPLOYMENT: Final = "annual-review/production"
CLOCK_DEPLOYMENT: Final = "statutory-clock/production"
GRACE_SECONDS: Final = 120


@dataclass
class Profile:
    """Where one production-profile installation lives: its folder, ports and database names."""

    home: Path = ROOT / "data" / "production"
    prefect_port: int = 4400
    mail_port: int = 2626
    webhook_port: int = 2627
    prefect_database: str = "ehcp_prefect"
    records_database: str = "ehcp"
    workers: int = 2
    worker_limit: int = 8
    heartbeat_seconds: int = 30
    extra_env: dict[str, str] = field(default_factory=dict)

    @property
    def api_url(self) -> str:
        return f"http://127.0.0.1:{self.prefect_port}/api"

    @property
    def records_url(self) -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:5432/{self.records_database}"

    @property
    def prefect_database_url(self) -> str:
        return f"postgresql+asyncpg://postgres@127.0.0.1:5432/{self.prefect_database}"

    @property
    def results(self) -> Path:
        return self.home / "results"

    @property
    def mailbox(self) -> Path:
        return self.home / "mailbox"

    @property
    def logs(self) -> Path:
        return self.home / "logs"


def ensure_database(name: str) -> bool:
    """Create the PostgreSQL database ``name`` unless it exists; return whether it was created."""
    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
        if connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone():
            return False
        connection.execute(f'CREATE DATABASE "{name}"')
        return True


def auth_string(path: Path) -> str:
    """Return the installation's API auth string, generating it (mode 0600, under git-ignored data/) once."""
    if path.exists():
        return path.read_text().strip()
    path.parent.mkdir(parents=True, exist_ok=True)
    value = f"ehcp-admin:{secrets.token_urlsafe(32)}"
    path.touch(mode=0o600)
    path.write_text(value + "\n")
    return value


def profile_environment(profile: Profile, secret: str, webhook_url: str) -> dict[str, str]:
    """Return the environment every process of the profile shares (server, workers, ``ehcp``)."""
    return {
        **os.environ,
        "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}",  # the pool's command, ehcp-engine, is in BIN
        "PREFECT_HOME": str(profile.home / "prefect"),
        "PREFECT_SERVER_API_HOST": "127.0.0.1",
        "PREFECT_SERVER_API_PORT": str(profile.prefect_port),
        "PREFECT_SERVER_DATABASE_CONNECTION_URL": profile.prefect_database_url,
        "PREFECT_SERVER_API_AUTH_STRING": secret,
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_API_URL": profile.api_url,
        "PREFECT_API_AUTH_STRING": secret,
        "PREFECT_UI_URL": profile.api_url.removesuffix("/api"),
        "PREFECT_LOCAL_STORAGE_PATH": str(profile.results),
        "PREFECT_WORKER_QUERY_SECONDS": "2",
        "PREFECT_FLOWS_HEARTBEAT_FREQUENCY": str(profile.heartbeat_seconds),
        "EHCP_DATABASE_URL": profile.records_url,
        "EHCP_REVIEW_DEPLOYMENT": REVIEW_DEPLOYMENT,
        "EHCP_WORK_POOL": POOL,
        "EHCP_SMTP_HOST": "127.0.0.1",
        "EHCP_SMTP_PORT": str(profile.mail_port),
        "EHCP_LA_ROLES_FILE": str(ROOT / "examples" / "la_roles.toml"),
        "EHCP_OPERATORS_WEBHOOK_URL": webhook_url,
        **profile.extra_env,
    }


def _stop(process: subprocess.Popen[bytes], name: str, timeout_s: float = 30) -> None:
    if process.poll() is not None:
        return
    say(f"stopping the {name}")
    terminate(process, timeout_s)


class ProductionStack:
    """The profile's running processes; ``start`` brings them up in order, ``stop`` ends each one it started."""

    def __init__(self, profile: Profile) -> None:
        self.profile = profile
        self.secret = auth_string(profile.home / "api-auth-string")
        given_webhook = os.environ.get("EHCP_OPERATORS_WEBHOOK_URL")
        self.webhook: WebhookSink | None = None
        self.webhook_url = given_webhook or f"http://127.0.0.1:{profile.webhook_port}/operators"
        self.env = profile_environment(profile, self.secret, self.webhook_url)
        self.server: subprocess.Popen[bytes] | None = None
        self.workers: dict[str, subprocess.Popen[bytes]] = {}
        self.portal: subprocess.Popen[bytes] | None = None
        self.mail: Controller | None = None
        self.timings: dict[str, float] = {}

    # -- processes -----------------------------------------------------------------------------------------
    def spawn(self, args: list[str], log_name: str) -> subprocess.Popen[bytes]:
        """Start a process in its own session (Ctrl-C reaches only us), logging to the profile's logs/."""
        self.profile.logs.mkdir(parents=True, exist_ok=True)
        with (self.profile.logs / log_name).open("ab") as log:
            return subprocess.Popen(
                args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )

    def run(self, *args: str, check: bool = True, timeout_s: float = 600) -> subprocess.CompletedProcess[str]:
        """Run a command of this installation (``ehcp ...``, ``prefect ...``) in the profile's environment."""
        command = [str(BIN / args[0]), *args[1:]]
        result = subprocess.run(command, cwd=ROOT, env=self.env, capture_output=True, text=True, timeout=timeout_s)
        if check and result.returncode != 0:
            raise SystemExit(f"[ehcp] `{' '.join(args)}` failed ({result.returncode}):\n{result.stdout}{result.stderr}")
        return result

    def api(self, method: str, path: str, **kwargs: object) -> httpx.Response:
        """Call the profile's Prefect API with its auth string."""
        return httpx.request(method, f"{self.profile.api_url}{path}", auth=auth(self.env), timeout=30, **kwargs)  # type: ignore[arg-type]

    def start_server(self) -> None:
        ensure_database(self.profile.prefect_database)
        self.server = self.spawn([str(BIN / "prefect"), "server", "start", "--host", "127.0.0.1"], "server.log")
        wait_for("Prefect server", lambda: is_healthy(self.env), self.server, 180)

    def stop_server(self) -> None:
        if self.server is not None:
            _stop(self.server, "Prefect server")
        deadline = time.monotonic() + 30
        while is_healthy(self.env) and time.monotonic() < deadline:
            time.sleep(0.5)

    def start_worker(self, name: str) -> None:
        args = [sys.executable, "-m", "deployments.worker", "--pool", POOL, "--type", "process", "--name", name]
        args += ["--limit", str(self.profile.worker_limit)]
        self.workers[name] = self.spawn(args, f"{name}.log")

    def stop_worker(self, name: str) -> None:
        process = self.workers.pop(name, None)
        if process is not None:
            _stop(process, f"worker {name}")

    def kill_worker(self, name: str) -> None:
        """kill -9 the worker and every flow-run process it started (its whole process group)."""
        process = self.workers.pop(name)
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()

    def online_workers(self) -> int:
        response = self.api("POST", f"/work_pools/{POOL}/workers/filter", json={})
        if response.status_code != 200:
            return 0
        return sum(1 for worker in response.json() if worker.get("status") == "ONLINE")

    def start_mail(self) -> None:
        self.mail = start_mailbox(self.profile.mailbox, self.profile.mail_port)

    def stop_mail(self) -> None:
        if self.mail is not None:
            self.mail.stop()
            self.mail = None

    # -- set-up steps ---------------------------------------------------------------------------------------
    def prepare_records(self, demo_plans: int) -> None:
        ensure_database(self.profile.records_database)
        self.run("ehcp", "db", "upgrade")
        listing = self.run("ehcp", "reviews", "--json", check=False)
        if demo_plans and '"reference"' not in listing.stdout:
            say(f"loading a synthetic demo caseload of {demo_plans} plans (invented names)")
            self.run("ehcp", "demo-data", "--plans", str(demo_plans), "--seed", "1")

    def deploy(self) -> None:
        """Create the work pool (once) and the deployments of prefect.yaml with ``prefect deploy``."""
        if self.api("GET", f"/work_pools/{POOL}").status_code == 404:
            self.run("prefect", "work-pool", "create", POOL, "--type", "process")
        env_before = self.env.get("EHCP_CHECKOUT_DIR")
        self.env["EHCP_CHECKOUT_DIR"] = str(ROOT)
        try:
            self.run("prefect", "--no-prompt", "deploy", "--prefect-file", "deployments/prefect.yaml", "--all")
        finally:
            if env_before is None:
                self.env.pop("EHCP_CHECKOUT_DIR")

    def start_webhook(self) -> None:
        if "EHCP_OPERATORS_WEBHOOK_URL" not in os.environ:
            self.webhook = WebhookSink(self.profile.home / "operators-webhook", self.profile.webhook_port)

    def start_portal(self) -> bool:
        """Start the front door (``ehcp portal``) if this version has it; return whether it started."""
        if "portal" not in self.run("ehcp", "--help").stdout:
            return False
        self.portal = self.spawn([str(BIN / "ehcp"), "portal"], "portal.log")
        return True

    def _timed(self, name: str, step: object) -> None:
        began = time.monotonic()
        step()  # type: ignore[operator]
        self.timings[name] = time.monotonic() - began

    def start(self, *, demo_plans: int = 0, start_due: bool = True) -> None:
        """Bring every piece up, in order, timing each step."""
        self.profile.results.mkdir(parents=True, exist_ok=True)
        self._timed("mail sink and operators' webhook", self._start_sinks)
        self._timed("Prefect server (PostgreSQL)", self.start_server)
        self._timed("records (PostgreSQL, migrated)", lambda: self.prepare_records(demo_plans))
        self._timed("work pool and deployments", self.deploy)
        self._timed(
            "operators' automations",
            lambda: create_operator_alerts(self.profile.api_url, auth(self.env), self.webhook_url),
        )
        self._timed("workers", self._start_workers)
        if start_due:
            self._timed("review runs for open reviews", lambda: self.run("ehcp", "start", "--all-due"))

    def _start_sinks(self) -> None:
        self.start_mail()
        self.start_webhook()

    def _start_workers(self) -> None:
        for number in range(1, self.profile.workers + 1):
            self.start_worker(f"ehcp-worker-{number}")
        wait_for("workers online", lambda: self.online_workers() >= self.profile.workers, None, 120)

    def stop(self) -> None:
        """Let executing stages finish, then stop each process this stack started, last started first."""
        deadline = time.monotonic() + GRACE_SECONDS
        while self.server is not None and (count := busy_runs(self.env)) and time.monotonic() < deadline:
            say(f"waiting for {count} executing run(s) to reach their next wait")
            time.sleep(2)
        if self.portal is not None:
            _stop(self.portal, "front door")
        for name in list(self.workers):
            self.stop_worker(name)
        self.stop_server()
        self.stop_mail()
        if self.webhook is not None:
            self.webhook.stop()

    def exports(self) -> list[str]:
        """The lines an operator exports in another terminal to reach this installation."""
        return [
            f"export PREFECT_API_URL={self.profile.api_url}",
            f"export PREFECT_API_AUTH_STRING='{self.secret}'",
            f"export EHCP_DATABASE_URL={self.profile.records_url}",
            f"export EHCP_REVIEW_DEPLOYMENT={REVIEW_DEPLOYMENT}",
            f"export EHCP_WORK_POOL={POOL}",
            f"export EHCP_SMTP_HOST=127.0.0.1 EHCP_SMTP_PORT={self.profile.mail_port}",
        ]
