"""The front door against a real Prefect server and runner: a SENCO records stages 1-3 (with the meeting record)
in the portal, the review's run moves on, a caseworker decides; then a scan of everything Prefect stored (its
database, its result files, its logs) finds none of the meeting record's text."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from prefect.settings import PREFECT_API_URL, temporary_settings

from portal.accounts import Role
from portal.app import create_app
from portal.security import LoginThrottle
from portal.settings import PortalSettings
from portal.web import Portal
from records.session import make_session_factory
from records.settings import Settings
from services.runs import PrefectBridge, read_run_state
from services.wall_clock import today_in_london
from tests.e2e.caseload import Records, write_caseload
from tests.e2e.conftest import Stack
from tests.e2e.test_review_flow import start
from tests.portal.conftest import csrf_of, make_account, sign_in

SECRETS = {
    "child_views": "Zebracorn-child-view: I like the quiet room",
    "family_views": "Zebracorn-family-view: we worry about the move",
    "attendance": "Zebracorn-attendance: Mum and the SENCO",
    "recommendation_reasons": "Zebracorn-reason: progress in reading",
    "disagreements": "Zebracorn-disagreement: more one-to-one hours",
    "outcome_1": "Zebracorn-outcome: read simple sentences",
    "progress_1": "Zebracorn-progress: reads CVC words",
    "head_name": "Zebracorn-head: Ms Headteacher",
}
SIGNED_OFF = {"head_role": "Head teacher", "budget_requested": "no",  # the record's other required answers
              "head_signed_on-day": "20", "head_signed_on-month": "10", "head_signed_on-year": "2026"}


@pytest.fixture(scope="module")
def portal_records(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Records:
    settings, caseload = write_caseload(tmp_path_factory.mktemp("portal-caseload"), [("E2E-PORTAL", "5")])
    stack.ehcp("import", "settings", str(settings))
    stack.ehcp("import", "caseload", str(caseload))
    return Records(stack.env["EHCP_DATABASE_URL"])


@pytest.fixture
def web(stack: Stack) -> Iterator[Portal]:
    factory = make_session_factory(Settings(database_url=stack.env["EHCP_DATABASE_URL"], actor="portal"))
    settings = PortalSettings(secret_key="e2e")
    with temporary_settings({PREFECT_API_URL: stack.api_url}):
        yield Portal(factory, PrefectBridge(), today_in_london, settings, LoginThrottle(5, 900))


def _wait_at(stack: Stack, run_id: str, stage: int | None, timeout_s: float = 120) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        state = read_run_state(run_id)
        if (stage is None and state.is_final) or (stage is not None and state.waiting_stage == stage):
            return
        time.sleep(1)
    raise AssertionError(f"run {run_id} did not reach stage {stage}: {read_run_state(run_id)}")


def _post(client: TestClient, reference: str, stage: int, data: dict[str, str], timeout_s: float = 120) -> str:
    """Send a stage's form; then reload the page (as its script does) until it says "Recorded"."""
    token = csrf_of(client, f"/reviews/{reference}")
    response = client.post(f"/reviews/{reference}/stages/{stage}", data={**data, "csrf_token": token})
    assert response.status_code == 200, response.text
    assert "It is being recorded now" in response.text and "Recorded." not in response.text, response.text
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        page = client.get(f"/reviews/{reference}").text
        if "Recorded. The review is" in page:
            return page
        assert "Being recorded" in page, page
        time.sleep(1)
    raise AssertionError(f"{reference}: stage {stage} not recorded within {timeout_s:.0f} s")


def _day(name: str, iso: str) -> dict[str, str]:
    year, month, day = iso.split("-")
    return {f"{name}-day": day, f"{name}-month": month, f"{name}-year": year}


def _prefect_bytes(home: Path) -> bytes:
    """Everything Prefect keeps: its database (with WAL), results and logs (the demo mailbox excluded)."""
    found = b""
    for path in home.rglob("*"):
        if path.is_file() and "mailbox" not in path.parts:
            found += path.read_bytes()
    return found


def test_senco_and_caseworker_carry_a_review_through_the_front_door(stack: Stack, portal_records: Records,
                                                                     web: Portal) -> None:
    reference = start(stack, portal_records, "E2E-PORTAL")
    run_id = str(portal_records.review_row(reference)["flow_run_id"])
    urn = "900901"
    make_account(web.factory, "senco@e2e.example", Role.SETTING, (urn,))
    make_account(web.factory, "cw@e2e.example", Role.CASEWORKER)
    with TestClient(create_app(web)) as senco:
        assert sign_in(senco, "senco@e2e.example").status_code == 303
        _post(senco, reference, 1, {**_day("meeting_planned_on", "2026-10-20"),
                                    **_day("invited_family", "2026-10-01"),
                                    **_day("advice_circulated_on", "2026-10-02"), "action": "send"})
        _wait_at(stack, run_id, 2)
        _post(senco, reference, 2, {**_day("meeting_held_on", "2026-10-20"), "action": "send"})
        _wait_at(stack, run_id, 3)
        _post(senco, reference, 3, {**SECRETS, **SIGNED_OFF, "recommendation": "maintain", "action": "send"})
        _wait_at(stack, run_id, 4)
    assert portal_records.review_row(reference)["stage"] == 4
    with TestClient(create_app(web)) as caseworker:
        assert sign_in(caseworker, "cw@e2e.example").status_code == 303
        page = caseworker.get(f"/reviews/{reference}").text
        assert SECRETS["child_views"] in page  # the caseworker reads the meeting record
        _post(caseworker, reference, 4, {"outcome": "maintain", **_day("notified_on", "2026-11-03"),
                                         "action": "send"})
        _wait_at(stack, run_id, None)
    assert portal_records.review_row(reference)["decision_outcome"] == "maintain"
    stored = _prefect_bytes(stack.home)
    assert b"staff-" in stored  # the staff ID did reach Prefect: the scan reads what the runs were given
    for text in SECRETS.values():
        assert text.encode() not in stored, f"meeting record text reached Prefect: {text}"
