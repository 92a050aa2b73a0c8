"""Advice in a real browser (Debian's Chromium), with axe-core at 390 and 1280 px: a professional opens their link
(which loads nothing from anywhere but the service), is told what is missing, sends typed advice and a PDF, and the
SENCO sees the replies and circulates them. Screenshots land in ``test-output/portal/``."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from portal.accounts import Role
from tests.portal.advice_support import advice_review
from tests.portal.conftest import make_account, urn_with_reviews
from tests.portal.test_advice_pages import PDF, _tokens
from tests.portal.test_browser import CHROMIUM, FLAGS, _axe, _sign_in, base_url, sync_api  # noqa: F401

pytestmark = pytest.mark.slow  # it starts a server and Chromium


def _loads_only_the_service(browser: Any, base_url: str, url: str) -> None:  # noqa: F811
    """Open ``url`` under its own Content-Security-Policy: every request is to the service, none is refused."""
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    requested: list[str] = []
    refused: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    page.on("console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text
            else None)
    page.goto(url)
    sync_api.expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert requested and all(one.startswith(base_url) for one in requested), requested
    assert refused == []
    page.close()


def test_a_professional_sends_advice_and_the_senco_circulates_it(
    factory: Any, base_url: str, tmp_path: Path  # noqa: F811
) -> None:
    urn, reference = urn_with_reviews(factory, 1)
    review_id, _ = advice_review(factory, reference=reference)
    first, second = _tokens(factory, review_id)
    make_account(factory, "senco@school.example", Role.SETTING, (urn,))
    report = tmp_path / "SALT advice.pdf"
    report.write_bytes(PDF)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        _loads_only_the_service(browser, base_url, f"{base_url}/link/advice/{first}")
        _loads_only_the_service(browser, base_url, f"{base_url}/link/advice/not-a-token")

        # axe-core is injected as a script, which the link pages' policy rightly refuses: bypass it to check them
        phone = browser.new_page(viewport={"width": 390, "height": 844}, bypass_csp=True)
        phone.goto(f"{base_url}/link/advice/{first}")
        sync_api.expect(phone.get_by_role("heading", level=1)).to_contain_text("Send your advice for")
        _axe(phone, "40-advice-link-phone")
        phone.get_by_role("button", name="Send advice").click()
        sync_api.expect(phone.get_by_text("There is a problem")).to_be_visible()
        _axe(phone, "41-advice-link-refused-phone")
        phone.get_by_label("Your advice", exact=True).fill("Pretend-advice: a quiet room for tests")
        phone.get_by_role("button", name="Send advice").click()
        sync_api.expect(phone.get_by_role("heading", name="Advice sent")).to_be_visible()
        _axe(phone, "42-advice-sent-phone")

        page = browser.new_page(viewport={"width": 1280, "height": 900}, bypass_csp=True)
        page.goto(f"{base_url}/link/advice/{second}")
        _axe(page, "43-advice-link")
        page.get_by_label("Upload your advice (optional)").set_input_files(str(report))
        page.get_by_role("button", name="Send advice").click()
        sync_api.expect(page.get_by_role("heading", name="Advice sent")).to_be_visible()
        page.goto(f"{base_url}/link/advice/{second}")
        sync_api.expect(page.get_by_role("heading", name="This link has expired or is not valid")).to_be_visible()
        _axe(page, "44-advice-link-used")

        senco = browser.new_page(viewport={"width": 1280, "height": 900})
        _sign_in(senco, base_url, "senco@school.example")
        senco.goto(f"{base_url}/reviews/{reference}")
        sync_api.expect(senco.get_by_role("heading", name="Advice for the meeting")).to_be_visible()
        senco.get_by_role("link", name="See the advice and circulate it").click()
        sync_api.expect(senco.get_by_role("link", name="SALT advice.pdf")).to_be_visible()
        _axe(senco, "45-advice-page")
        senco.get_by_role("button", name="Circulate the advice").click()
        sync_api.expect(senco.get_by_text("The advice was circulated: 3 messages queued")).to_be_visible()
        _axe(senco, "46-advice-circulated")

        small = browser.new_page(viewport={"width": 390, "height": 844})
        _sign_in(small, base_url, "senco@school.example")
        small.goto(f"{base_url}/reviews/{reference}/advice")
        _axe(small, "47-advice-page-phone")
        browser.close()
