"""The embedded stack behind ``make run``: one command brings up everything on a laptop.

It starts a local Prefect server on SQLite (unless one already answers), applies
the records migrations, loads a synthetic demo caseload when the records are
empty, serves the deployments from one runner process, starts a review run for
every review someone may act on (and restarts any run that ended
while its review was still open), then prints the UI address. Ctrl-C stops it
gracefully: it waits for stages that are executing to finish before stopping
the runner (a runner stopped mid-stage cancels that run), then the server.
Mail the demo authority sends lands in ``data/mailbox/`` (a local SMTP sink).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from typing import Final

import httpx

from deployments.mailbox import start_mailbox
from deployments.processes import terminate

DATA: Final = Path("data")
DEFAULT_PORT: Final = 4200
MAIL_PORT: Final = 2525
DEMO_PLANS: Final = int(os.environ.get("EHCP_DEMO_PLANS", "200"))
BUSY_STATES: Final = ["RUNNING", "PENDING"]
GRACE_SECONDS: Final = 120


def say(message: str) -> None:
    print(f"[ehcp] {message}", flush=True)  # noqa: T201  (this is the stack's console)


def stack_environment() -> dict[str, str]:
    """Return the environment every process of the stack shares (explicit settings win)."""
    port = os.environ.get("PREFECT_SERVER_API_PORT", str(DEFAULT_PORT))
    defaults = {
        "PREFECT_HOME": str((DATA / "prefect").resolve()),
        "PREFECT_SERVER_API_PORT": port,
        "PREFECT_SERVER_API_HOST": "127.0.0.1",
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_RUNNER_POLL_FREQUENCY": "2",
        # Running review runs emit prefect.flow-run.heartbeat events every 30 s (Prefect's minimum); the liveness
        # flow replaces a run whose heartbeats stopped for EHCP_RUN_SILENT_AFTER_SECONDS (tasks/liveness.py).
        "PREFECT_FLOWS_HEARTBEAT_FREQUENCY": "30",
        "PREFECT_UI_URL": f"http://127.0.0.1:{port}",
        "EHCP_SMTP_HOST": "127.0.0.1",
        "EHCP_SMTP_PORT": str(MAIL_PORT),
    }
    return {**defaults, **os.environ}


STACK_ENV: Final = DATA / "embedded-stack.env"
"""The settings ``ehcp`` in another terminal needs to reach this stack (Prefect API, mail sink); read by ``cli``."""
SHARED_WITH_CLI: Final = ("PREFECT_API_URL", "EHCP_SMTP_HOST", "EHCP_SMTP_PORT")


def write_stack_env(env: dict[str, str]) -> None:
    """Write the addresses the CLI should default to while this stack runs (no secrets: no auth string)."""
    STACK_ENV.parent.mkdir(parents=True, exist_ok=True)
    STACK_ENV.write_text("".join(f"{name}={env[name]}\n" for name in SHARED_WITH_CLI if name in env))


def auth(env: dict[str, str]) -> tuple[str, str] | None:
    value = env.get("PREFECT_API_AUTH_STRING")
    if not value or ":" not in value:
        return None
    user, password = value.split(":", 1)
    return user, password


def is_healthy(env: dict[str, str]) -> bool:
    try:
        return httpx.get(f"{env['PREFECT_API_URL']}/health", timeout=2).status_code == 200
    except httpx.HTTPError:
        return False


def spawn(args: list[str], env: dict[str, str], log_name: str) -> subprocess.Popen[bytes]:
    """Start a process in its own session (Ctrl-C reaches only us), logging to data/prefect/."""
    log_path = Path(env["PREFECT_HOME"]) / log_name
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("ab") as log:
        return subprocess.Popen(args, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)


def wait_for(condition_name: str, check, process: subprocess.Popen[bytes] | None, timeout_s: float) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout_s
    while not check():
        if process is not None and process.poll() is not None:
            raise SystemExit(f"[ehcp] {condition_name}: the process exited (see data/prefect/*.log)")
        if time.monotonic() > deadline:
            raise SystemExit(f"[ehcp] {condition_name}: not ready after {timeout_s:.0f}s (see data/prefect/*.log)")
        time.sleep(0.5)


def ehcp(env: dict[str, str], *args: str) -> None:
    """Run an ``ehcp`` command of this installation, failing the stack if it fails."""
    command = [str(Path(sys.executable).parent / "ehcp"), *args]
    if subprocess.run(command, env=env).returncode != 0:
        raise SystemExit(f"[ehcp] `ehcp {' '.join(args)}` failed")


def has_reviews(env: dict[str, str]) -> bool:
    command = [str(Path(sys.executable).parent / "ehcp"), "reviews", "--json"]
    result = subprocess.run(command, env=env, capture_output=True, text=True)
    return result.returncode == 0 and '"reference"' in result.stdout


def deployment_registered(env: dict[str, str]) -> bool:
    url = f"{env['PREFECT_API_URL']}/deployments/name/annual-review/embedded"
    try:
        return httpx.get(url, auth=auth(env), timeout=5).status_code == 200
    except httpx.HTTPError:
        return False


def busy_runs(env: dict[str, str]) -> int:
    body = {"flow_runs": {"state": {"type": {"any_": BUSY_STATES}}}}
    try:
        response = httpx.post(f"{env['PREFECT_API_URL']}/flow_runs/count", json=body, auth=auth(env), timeout=5)
        return int(response.json())
    except (httpx.HTTPError, ValueError):
        return 0


def stop(process: subprocess.Popen[bytes] | None, name: str) -> None:
    if process is None or process.poll() is not None:
        return
    say(f"stopping the {name}")
    terminate(process)


def shut_down(
    env: dict[str, str],
    runner: subprocess.Popen[bytes] | None,
    server: subprocess.Popen[bytes] | None,
    portal: subprocess.Popen[bytes] | None = None,
) -> None:
    """Stop the front door, let executing stages finish, then stop the runner, then the server we started."""
    stop(portal, "front door")
    deadline = time.monotonic() + GRACE_SECONDS
    while (count := busy_runs(env)) and time.monotonic() < deadline:
        say(f"waiting for {count} executing review run(s) to reach their next wait")
        time.sleep(2)
    stop(runner, "runner")
    stop(server, "Prefect server")


RESTARTS: Final = 5
RESTART_WINDOW_S: Final = 600.0


def keep_serving(env: dict[str, str], runner: subprocess.Popen[bytes]) -> subprocess.Popen[bytes]:
    """Watch the runner; start it again if it dies (killed, out of memory), giving up after repeated deaths.

    A run whose process died with it stops sending heartbeats: the liveness flow, served by the new runner,
    replaces it and its input is recorded; nobody has to restart the stack."""
    deaths: list[float] = []
    while True:
        while runner.poll() is None:
            time.sleep(1)
        now = time.monotonic()
        deaths = [at for at in deaths if now - at < RESTART_WINDOW_S] + [now]
        if len(deaths) > RESTARTS:
            minutes = RESTART_WINDOW_S / 60
            say(f"the runner stopped {len(deaths)} times in {minutes:.0f} minutes; see data/prefect/runner.log")
            return runner
        say(f"the runner stopped unexpectedly (exit {runner.returncode}); starting it again (data/prefect/runner.log)")
        time.sleep(2)
        runner = spawn([sys.executable, "-m", "deployments.serve"], env, "runner.log")


def main() -> None:
    env = stack_environment()
    env.setdefault("EHCP_PORTAL_URL", f"http://127.0.0.1:{env.get('EHCP_PORTAL_PORT', '8000')}")  # links in messages
    server = runner = mailbox = portal = None
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started in the background
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        write_stack_env(env)
        if is_healthy(env):
            say(f"using the Prefect server already answering at {env['PREFECT_API_URL']}")
        else:
            say("starting a local Prefect server on SQLite (first start takes about 15 seconds)")
            server = spawn(
                [str(Path(sys.executable).parent / "prefect"), "server", "start", "--host", "127.0.0.1"],
                env,
                "server.log",
            )
            wait_for("Prefect server", lambda: is_healthy(env), server, 180)
        if env["EHCP_SMTP_PORT"] == str(MAIL_PORT):
            mailbox = start_mailbox(DATA / "mailbox", MAIL_PORT)
            say(f"mail from the demo lands in {DATA / 'mailbox'}/ (a local SMTP sink on port {MAIL_PORT})")
            say(f"posted letters (PDF) land in {DATA / 'print-batches'}/<date>/ (EHCP_PRINT_BATCH_DIR)")
        ehcp(env, "db", "upgrade")
        if not has_reviews(env):
            say(f"loading a synthetic demo caseload of {DEMO_PLANS} plans (invented names)")
            ehcp(env, "demo-data", "--plans", str(DEMO_PLANS), "--seed", "1")
        say("serving the deployments (runner)")
        runner = spawn([sys.executable, "-m", "deployments.serve"], env, "runner.log")
        wait_for("runner", lambda: deployment_registered(env), runner, 120)
        say("starting review runs for every review someone may act on (preparation open, or past stage 1)")
        ehcp(env, "start", "--all-due")
        ehcp(env, "users", "demo")  # one demo account per role, only while there are none
        portal = spawn([str(Path(sys.executable).parent / "ehcp"), "portal"], env, "portal.log")
        say(f"front door: http://127.0.0.1:{env.get('EHCP_PORTAL_PORT', '8000')} (log: data/prefect/portal.log)")
        ui = env["PREFECT_API_URL"].removesuffix("/api")
        say(f"ready. Prefect UI: {ui}/runs (filter by tag stage:1 ... stage:5, setting:<URN>)")
        say("move a review on from its run page (Resume) or with `ehcp submit|decide|issue`; Ctrl-C stops")
        say("the statutory clock runs every 15 minutes; time-travel with `.venv/bin/ehcp clock --as-of 2027-01-15`")
        runner = keep_serving(env, runner)
    except KeyboardInterrupt:
        say("Ctrl-C: shutting down gracefully")
    finally:
        shut_down(env, runner, server, portal)
        if mailbox is not None:
            mailbox.stop()


if __name__ == "__main__":
    main()
