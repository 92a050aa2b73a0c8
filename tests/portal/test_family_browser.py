"""The family's pages in a real browser (Debian's Chromium), with axe-core: the review page's "Who the letters go
to" panel and letters table, the family form, and the form refused with the GOV.UK error summary, at desktop and
phone widths; no WCAG 2.2 AA violation on any of them. Screenshots land in ``test-output/portal/``."""

from __future__ import annotations

from typing import Any

from portal.accounts import Role
from tests.portal.conftest import make_account
from tests.portal.test_browser import CHROMIUM, FLAGS, _axe, _sign_in, base_url, sync_api  # noqa: F401
from tests.portal.test_family import _reference


def test_the_family_pages_have_no_accessibility_violations(factory: Any, base_url: str) -> None:  # noqa: F811
    young = _reference(factory, young=True)
    make_account(factory, "cw@council.example", Role.CASEWORKER)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": 1100, "height": 900})
        _sign_in(page, base_url, "cw@council.example")
        page.goto(f"{base_url}/reviews/{young}")
        sync_api.expect(page.get_by_role("heading", name="Who the letters go to")).to_be_visible()
        _axe(page, "20-family-panel")
        page.get_by_role("link", name="Change the family's contacts").click()
        sync_api.expect(page.get_by_role("heading", name="The family's contacts")).to_be_visible()
        _axe(page, "21-family-form")
        page.locator("#parent1-email").fill("not an address")
        page.locator("#parent1-postcode").fill("75001")
        page.get_by_role("button", name="Save the contacts").click()
        sync_api.expect(page.get_by_text("There is a problem")).to_be_visible()
        sync_api.expect(page.get_by_role("link", name="Parent or carer: not a UK postcode (for example NR1 2DH)"))
        _axe(page, "22-family-form-refused")
        phone = browser.new_page(viewport={"width": 375, "height": 800})
        _sign_in(phone, base_url, "cw@council.example")
        phone.goto(f"{base_url}/reviews/{young}")
        _axe(phone, "23-phone-family-panel")
        browser.close()
