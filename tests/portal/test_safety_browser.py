"""Issue 24 items 6 and 7 in Chromium with axe-core at 390 and 1280 px: the sign-in page asking for a short wait
after failed sign-ins, and error pages of JSON and form routes opened in a browser, in the service's own layout."""

from __future__ import annotations

import pytest

from portal.accounts import Role
from portal.security import LoginThrottle
from portal.web import Portal
from tests.portal.conftest import make_account, urn_with_reviews
from tests.portal.test_browser import CHROMIUM, FLAGS, _axe, _sign_in, base_url, sync_api

__all__ = ["base_url"]  # the fixture that serves the app
pytestmark = pytest.mark.slow

WIDTHS = (390, 1280)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_sign_in_wait_and_the_error_pages_in_the_browser(width: int, factory, portal: Portal,
                                                             base_url: str) -> None:
    portal.throttle = LoginThrottle(2, 600, first_delay_s=60)
    urn, reference = urn_with_reviews(factory, 1)
    make_account(factory, "senco@school.example", Role.SETTING, (urn,))
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": width, "height": 900})
        for _ in range(2):
            page.goto(f"{base_url}/login")
            page.get_by_label("Email address").fill("senco@school.example")
            page.get_by_label("Password").fill("not the password")
            page.get_by_role("button", name="Sign in").click()
            sync_api.expect(page.get_by_text("There is a problem")).to_be_visible()
        page.get_by_label("Password").fill("not the password either")
        page.get_by_role("button", name="Sign in").click()
        wait = page.get_by_role("link", name="Too many failed sign-ins for this email address")
        sync_api.expect(wait).to_be_visible()
        _axe(page, f"safety-01-login-wait-{width}")

        opened = page.goto(f"{base_url}/api/reviews/{reference}")
        assert opened is not None and opened.status == 401
        sync_api.expect(page.get_by_role("heading", name="Sign in to use this")).to_be_visible()
        _axe(page, f"safety-02-api-in-browser-{width}")

        portal.throttle = LoginThrottle(5, 600)
        _sign_in(page, base_url, "senco@school.example")
        opened = page.goto(f"{base_url}/reviews/{reference}/stages/1")
        assert opened is not None and opened.status == 405
        sync_api.expect(page.get_by_role("heading", name="This page cannot be opened this way")).to_be_visible()
        assert page.get_by_role("button", name="Sign out").count() == 1  # the service's own header and session
        _axe(page, f"safety-03-form-address-opened-{width}")

        opened = page.goto(f"{base_url}/api/docs", wait_until="domcontentloaded")
        assert opened is not None and opened.status == 200
        assert page.evaluate("document.documentElement.lang") == "en"
        browser.close()
