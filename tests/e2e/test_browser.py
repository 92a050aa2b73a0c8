"""A caseworker's path through the real Prefect UI in a real browser (Debian's Chromium driven by Playwright).

Finds a suspended review run by its reference on the runs page, opens it, fills the decision form
(amend, notified today, their staff ID), submits it, and checks the records: the review is at stage 5.
A screenshot of the filled form and of the run afterwards lands in ``test-output/browser/``.
Without Chromium (``apt-get install chromium``) or Playwright (``pip install playwright``) it skips.
"""

from __future__ import annotations

import shutil
import time
from pathlib import Path

import pytest

from tests.e2e.caseload import Records, write_caseload
from tests.e2e.conftest import ROOT, Stack
from tests.e2e.test_review_flow import PREPARATION, start

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
OUTPUT = ROOT / "test-output" / "browser"
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]

playwright_api = pytest.importorskip(
    "playwright.sync_api", reason="browser test needs Playwright: pip install playwright"
)
if not Path(CHROMIUM).exists():
    pytest.skip("browser test needs Debian's Chromium: apt-get install chromium", allow_module_level=True)


@pytest.fixture(scope="module")
def records(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Records:
    settings, caseload = write_caseload(tmp_path_factory.mktemp("browser-caseload"), [("BROWSER-1", "5")])
    stack.ehcp("import", "settings", str(settings))
    stack.ehcp("import", "caseload", str(caseload))
    return Records(stack.env["EHCP_DATABASE_URL"])


def test_a_caseworker_records_a_decision_in_the_prefect_ui(stack: Stack, records: Records) -> None:
    reference = start(stack, records, "BROWSER-1")
    stack.ehcp("submit", "preparation", reference, *PREPARATION)
    stack.ehcp("submit", "meeting", reference, "--held-on", "2026-10-20")
    stack.ehcp("submit", "report", reference, "--received-on", "2026-10-27", "--recommendation", "amend")
    OUTPUT.mkdir(parents=True, exist_ok=True)
    ui = stack.api_url.removesuffix("/api")
    with playwright_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1200})
        page.goto(f"{ui}/runs")
        page.locator("input[placeholder='Search by flow run name']:visible").first.fill(reference)
        page.get_by_role("link", name=reference).first.click()
        page.get_by_role("button", name="Resume").click()
        form = page.locator(".p-modal__card")
        form.get_by_text(f"Review {reference}: stage 4").wait_for()
        assert form.get_by_text("(Optional)").count() == 1  # only the amendment notice date; required fields say so
        assert form.get_by_text("Statutory clock").count() == 0
        form.locator("button.p-select-button__control").first.click()
        page.keyboard.press("ArrowDown")
        page.locator(".p-select__options").get_by_text("amend", exact=True).click()
        form.get_by_text("Select date").first.click()  # "Notified on" (the amendment notice date is optional)
        page.locator(".p-date-picker").get_by_role("button", name="Today").click()
        page.locator(".p-date-picker").get_by_role("button", name="Apply").click()
        form.locator("textarea").first.fill("caseworker.e2e@example.org")
        page.screenshot(path=str(OUTPUT / "decision-form.png"), full_page=True)
        form.get_by_role("button", name="Submit").click()
        deadline = time.monotonic() + 90
        while records.review_row(reference)["stage"] != 5:
            assert time.monotonic() < deadline, "the review never reached stage 5"
            time.sleep(1)
        page.reload()
        page.screenshot(path=str(OUTPUT / "after-decision.png"), full_page=True)
        browser.close()
    row = records.review_row(reference)
    assert (row["stage"], row["decision_outcome"]) == (5, "amend")
    assert (OUTPUT / "decision-form.png").stat().st_size > 10_000
