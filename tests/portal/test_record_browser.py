"""The meeting record in a real browser (Debian's Chromium), with axe-core at 1280 and 390 px: a SENCO fills the
record with six outcomes (adding rows with the page's own buttons), an advice row with its PDF, preparing for
adulthood, the personal budget and the head teacher's sign-off; a missing sign-off is refused with the error
summary; the record is sent, printed and downloaded as a tagged PDF. Screenshots land in ``test-output/portal/``."""

from __future__ import annotations

import io
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from portal.accounts import Role
from tests.portal.conftest import apply_received, make_account, urn_with_reviews
from tests.portal.test_browser import CHROMIUM, FLAGS, _axe, _date, _sign_in, base_url, sync_api  # noqa: F401
from tests.portal.test_meeting_record import SMALL_PDF

pytestmark = pytest.mark.slow  # it starts a server and Chromium

AREAS = ("Employment, further or higher education", "Independent living",
         "Participating in society: friends, relationships and the community",
         "Being as healthy as possible in adult life")


def _fill_record(page: Any, tmp_path: Path) -> None:
    page.get_by_label("Who attended").fill("Pretend-attendance: Mum, Ms Example (SENCO)")
    page.get_by_label("The child's or young person's views").fill("Pretend-views: I like the quiet room")
    page.get_by_label("The child's or young person's aspirations (optional)").fill("Pretend-aspiration: a vet")
    page.get_by_label("The family's views").fill("Pretend-family: we worry about the move")
    page.get_by_role("button", name="Add an advice or report").click()
    page.wait_for_url("**#advice")
    row = page.get_by_role("group", name="Advice or report 1")
    row.get_by_label("From whom").fill("Pretend-EP: Dr Example")
    row.get_by_label("Their role (optional)").fill("Educational psychologist")
    _date(row, "Date received", "20", "11", "2026")
    report = tmp_path / "EP report.pdf"
    report.write_bytes(SMALL_PDF)
    row.get_by_label("Attach the advice or report (optional)").set_input_files(str(report))
    for i in range(1, 5):
        page.get_by_label(f"Outcome {i} (from section E, or a new one)").fill(f"Pretend-outcome {i}")
    for _ in range(2):  # a fifth and a sixth outcome, through the page's own submit button
        page.get_by_role("button", name="Add another outcome").click()
        page.wait_for_url("**#outcomes")
    for i in (5, 6):
        page.get_by_label(f"Outcome {i} (from section E, or a new one)").fill(f"Pretend-outcome {i}")
        page.get_by_label(f"Progress towards outcome {i}").fill(f"Pretend-progress {i}")
    for area in AREAS:
        page.get_by_label(area, exact=True).fill(f"Pretend-pfa: {area}")
    page.get_by_role("group", name="Was a personal budget requested?").get_by_label("No").check()
    page.get_by_label("Maintain the plan as it is").check()
    page.get_by_label("Reasons for the recommendation").fill("Pretend-reason: good progress")
    page.get_by_label("Role", exact=True).fill("Head teacher")
    _date(page, "Date signed off", "1", "12", "2026")


def test_a_senco_fills_sends_prints_and_downloads_the_meeting_record(
    factory: Any, base_url: str, bridge: Any, tmp_path: Path  # noqa: F811
) -> None:
    urn, reference = urn_with_reviews(factory, 3)
    make_account(factory, "senco@school.example", Role.SETTING, (urn,))
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1280, "height": 900}, accept_downloads=True)
        _sign_in(page, base_url, "senco@school.example")
        page.goto(f"{base_url}/reviews/{reference}")
        sync_api.expect(page.get_by_role("heading", name="Stage 3: the meeting record")).to_be_visible()
        _axe(page, "30-record-form")
        _fill_record(page, tmp_path)
        page.get_by_role("button", name="Send to the council and everyone invited").click()
        sync_api.expect(page.get_by_text("There is a problem")).to_be_visible()
        missing = "Enter the name of the head teacher or principal who signed the record off"
        link = page.get_by_role("link", name=missing)
        sync_api.expect(link).to_be_visible()
        assert page.get_by_label("Outcome 6 (from section E, or a new one)").input_value() == "Pretend-outcome 6"
        assert page.get_by_role("link", name="the file for advice or report 1").count() == 1  # the file was kept
        _axe(page, "31-record-refused")

        phone = browser.new_page(viewport={"width": 390, "height": 844})
        _sign_in(phone, base_url, "senco@school.example")
        phone.goto(f"{base_url}/reviews/{reference}")
        sync_api.expect(phone.get_by_label("Outcome 6 (from section E, or a new one)")).to_have_value(
            "Pretend-outcome 6")
        _axe(phone, "32-phone-record-form")

        link.click()
        page.get_by_label("Name", exact=True).fill("Pretend-head: Ms Headteacher")
        page.get_by_role("button", name="Send to the council and everyone invited").click()
        sync_api.expect(page.get_by_role("heading", name="Being recorded")).to_be_visible()
        assert bridge.resumed[-1][1]["recommendation"] == "maintain"
        assert "Pretend" not in str(bridge.resumed)
        apply_received(factory, reference)
        page.goto(f"{base_url}/reviews/{reference}")
        sync_api.expect(page.get_by_role("heading", name="Meeting record", exact=True)).to_be_visible()
        _axe(page, "33-record-sent")
        with page.expect_download() as caught:
            page.get_by_role("link", name="Download the meeting record (PDF)").click()
        download = caught.value
        assert download.suggested_filename == f"{reference}-meeting-record.pdf"
        pdf = Path(download.path()).read_bytes()
        reader = PdfReader(io.BytesIO(pdf))
        root = reader.trailer["/Root"]
        assert root["/Lang"] == "en-GB" and root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
        assert "Pretend-outcome 6" in "\n".join(p.extract_text() for p in reader.pages)

        page.get_by_role("link", name="Open the meeting record to print").click()
        sync_api.expect(page.get_by_role("heading", name=f"Annual review meeting record {reference}")).to_be_visible()
        _axe(page, "34-record-print-page")
        page.emulate_media(media="print")
        assert page.locator(".govuk-header").is_hidden() and page.locator(".govuk-footer").is_hidden()
        assert page.get_by_text("Pretend-outcome 6").is_visible()
        page.screenshot(path=str(Path(__file__).resolve().parents[2] / "test-output" / "portal"
                                 / "35-record-printed.png"), full_page=True)
        phone.goto(f"{base_url}/reviews/{reference}/meeting-record")
        _axe(phone, "36-phone-record-print-page")
        browser.close()
