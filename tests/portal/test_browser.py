"""The front door in a real browser (Debian's Chromium through Playwright), with axe-core injected into every page.

A SENCO signs in, sees her setting's reviews, records the preparation, gets a refused meeting date back with
the error summary, and saves a meeting record draft; a caseworker previews a decision letter; a manager opens
the reports. axe-core (from the npm registry, ``make assets``) must find no WCAG 2.2 AA violation on any page.
Screenshots land in ``test-output/portal/``. The run bridge is the test double: Prefect is not needed here.
"""

from __future__ import annotations

import shutil
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import uvicorn

from portal.accounts import Role
from portal.app import create_app
from portal.settings import DEFAULT_ASSETS
from portal.web import Portal
from tests.portal.conftest import PASSWORD, apply_received, make_account, review_at_decision, urn_with_reviews

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
AXE = DEFAULT_ASSETS / "axe-core" / "axe.min.js"
OUTPUT = Path(__file__).resolve().parents[2] / "test-output" / "portal"
FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
         "--disable-sync", "--no-first-run", "--disable-quic"]
WCAG_22_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]

sync_api = pytest.importorskip("playwright.sync_api", reason="browser tests need Playwright: pip install playwright")
if not Path(CHROMIUM).exists():
    pytest.skip("browser tests need Debian's Chromium: apt-get install chromium", allow_module_level=True)
if not AXE.exists():
    pytest.skip(f"browser tests need axe-core at {AXE}: run `make assets` (needs npm)", allow_module_level=True)


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def base_url(portal: Portal) -> Iterator[str]:
    port = _free_port()
    server = uvicorn.Server(uvicorn.Config(create_app(portal), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}"
    server.should_exit = True
    thread.join(10)


def _axe(page: Any, name: str) -> None:
    """Screenshot the page, run axe-core on it and fail on any WCAG 2.2 AA violation."""
    OUTPUT.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(OUTPUT / f"{name}.png"), full_page=True)
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG_22_AA)
    found = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3]) for v in result["violations"]]
    assert found == [], f"{name}: {found}"


def _sign_in(page: Any, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)


def _date(page: Any, legend: str, day: str, month: str, year: str) -> None:
    group = page.get_by_role("group", name=legend)
    group.get_by_label("Day").fill(day)
    group.get_by_label("Month").fill(month)
    group.get_by_label("Year").fill(year)


def test_a_senco_and_a_caseworker_in_the_browser_with_no_accessibility_violations(
    factory, base_url: str, bridge
) -> None:
    urn, preparing = urn_with_reviews(factory, 1)
    meeting_urn, meeting = urn_with_reviews(factory, 2)
    other_urn, elsewhere = urn_with_reviews(factory, 1, not_urns=(urn, meeting_urn))
    make_account(factory, "senco@school.example", Role.SETTING, (urn, meeting_urn))
    make_account(factory, "cw@council.example", Role.CASEWORKER)
    make_account(factory, "manager@council.example", Role.MANAGER)
    _, deciding = review_at_decision(factory)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        page.goto(f"{base_url}/login")
        _axe(page, "01-login")
        page.get_by_role("button", name="Sign in").click()
        sync_api.expect(page.get_by_text("There is a problem")).to_be_visible()
        _axe(page, "02-login-errors")
        _sign_in(page, base_url, "senco@school.example")
        sync_api.expect(page.get_by_role("heading", name="Your reviews")).to_be_visible()
        assert page.get_by_role("link", name=preparing).count() == 1
        assert page.get_by_role("link", name=elsewhere).count() == 0
        _axe(page, "03-reviews")
        page.get_by_role("link", name=preparing).click()
        _axe(page, "04-stage-1")
        _date(page, "Date of the meeting", "20", "12", "2026")
        _date(page, "Parent or young person: date invited", "30", "11", "2026")
        _date(page, "Date advice was circulated", "1", "12", "2026")
        page.get_by_role("button", name="Save and send").click()
        sync_api.expect(page.get_by_text("It is being recorded now")).to_be_visible()
        sync_api.expect(page.get_by_role("heading", name="Being recorded")).to_be_visible()
        assert page.get_by_role("button", name="Save and send").count() == 0  # nobody can enter it twice
        assert bridge.resumed[-1][1]["meeting_planned_on"] == "2026-12-20"
        _axe(page, "04b-being-recorded")
        apply_received(factory, preparing)  # the review's run records it: the page's script notices by itself
        sync_api.expect(page.get_by_text("Recorded. The review is now at stage 2")).to_be_visible(timeout=15_000)
        page.goto(f"{base_url}/reviews/{meeting}")
        _date(page, "Date the meeting was held", "8", "12", "2026")
        page.get_by_role("button", name="Save and send").click()
        sync_api.expect(page.get_by_text("There is a problem")).to_be_visible()
        sync_api.expect(page.get_by_text("8 December 2026 is after today").first).to_be_visible()
        _axe(page, "05-stage-2-refused")
        response = page.goto(f"{base_url}/reviews/{elsewhere}")
        assert response is not None and response.status == 404
        _axe(page, "06-not-found")
        page.goto(f"{base_url}/feedback?page_path=/reviews")
        _axe(page, "07-feedback")
        page.context.clear_cookies()
        _sign_in(page, base_url, "cw@council.example")
        _axe(page, "08-queue")
        page.goto(f"{base_url}/reviews/{deciding}")
        page.get_by_label("Maintain the plan", exact=True).check()
        _date(page, "Date the decision was notified", "1", "12", "2026")
        page.get_by_role("button", name="Preview the family's letter").click()
        sync_api.expect(page.get_by_text("The family's letter (preview)")).to_be_visible()
        _axe(page, "09-decision-preview")
        page.context.clear_cookies()
        _sign_in(page, base_url, "manager@council.example")
        for path, name in (("/manage/compliance", "10-compliance"), ("/manage/sen2", "11-sen2"),
                           ("/manage/termly", "12-termly"), ("/manage/feedback", "13-feedback-list")):
            page.goto(f"{base_url}{path}")
            _axe(page, name)
        phone = browser.new_page(viewport={"width": 375, "height": 800})
        _sign_in(phone, base_url, "senco@school.example")
        phone.goto(f"{base_url}/reviews/{meeting}")
        _axe(phone, "14-phone-review")
        browser.close()
    assert other_urn != urn
