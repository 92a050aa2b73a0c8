"""Prefect's API auth string set (as in production): the runner and every ``ehcp`` command still work."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator

import httpx
import pytest

from tests.e2e.caseload import Records, write_caseload
from tests.e2e.conftest import Stack, free_port

AUTH = "ehcp-admin:correct-horse"


@pytest.fixture(scope="module")
def secured(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Stack]:
    home = tmp_path_factory.mktemp("prefect-auth")
    database = tmp_path_factory.mktemp("records-auth") / "ehcp.sqlite3"
    running = Stack(home, free_port(), f"sqlite:///{database}", auth=AUTH)
    try:
        running.start_server()
        running.ehcp("db", "upgrade")
        running.start_runner()
        yield running
    finally:
        running.stop_all()


def test_api_refuses_callers_without_the_auth_string(secured: Stack) -> None:
    assert httpx.post(f"{secured.api_url}/flow_runs/count", json={}, timeout=10).status_code == 401
    user, password = AUTH.split(":")
    assert (
        httpx.post(f"{secured.api_url}/flow_runs/count", json={}, auth=(user, password), timeout=10).status_code == 200
    )


def test_cli_and_runner_work_with_the_auth_string(secured: Stack, tmp_path_factory: pytest.TempPathFactory) -> None:
    settings, caseload = write_caseload(tmp_path_factory.mktemp("auth-caseload"), [("AUTH-1", "5")])
    secured.ehcp("import", "settings", str(settings))
    secured.ehcp("import", "caseload", str(caseload))
    reference = Records(secured.env["EHCP_DATABASE_URL"]).reference_of("AUTH-1")
    secured.ehcp("start", reference)
    deadline = time.monotonic() + 90
    while json.loads(secured.ehcp("status", reference, "--json").stdout)["run"]["waiting_at"] != "stage-1-1":
        assert time.monotonic() < deadline, "the run never reached its first wait"
        time.sleep(1)
    secured.ehcp(
        "submit",
        "preparation",
        reference,
        "--meeting-planned-on",
        "2026-10-20",
        "--invitations-sent-on",
        "2026-10-01",
        "--advice-circulated-on",
        "2026-10-02",
    )
    assert json.loads(secured.ehcp("status", reference, "--json").stdout)["stage"] == 2
