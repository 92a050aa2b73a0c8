"""The manager's compliance page, the backlog and its list of reviews in Chromium at 390 and 1280 px, with axe-core.

No page may have a WCAG 2.2 AA violation at either width; the counts are links a keyboard reaches, and a
count opens its reviews inside the service (the header, the breadcrumbs back). Screenshots in test-output/portal/.
"""

from __future__ import annotations

from typing import Any

import pytest

from portal.accounts import Role
from tests.portal.conftest import make_account
from tests.portal.test_backlog import make_overdue
from tests.portal.test_browser import CHROMIUM, FLAGS, _axe, _sign_in, base_url, sync_api  # noqa: F401


@pytest.mark.parametrize("width", [390, 1280])
def test_the_compliance_and_backlog_pages_have_no_accessibility_violations(
    factory: Any, base_url: str, width: int  # noqa: F811
) -> None:
    make_overdue(factory)
    make_account(factory, "manager@council.example", Role.MANAGER)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": width, "height": 900})
        requested: list[str] = []
        page.on("request", lambda request: requested.append(request.url))
        _sign_in(page, base_url, "manager@council.example")
        page.goto(f"{base_url}/manage/compliance")
        sync_api.expect(page.get_by_role("heading", name="Deadline compliance")).to_be_visible()
        chart = page.get_by_role("table", name="On-time rate of each deadline due in the period")
        sync_api.expect(chart).to_have_count(1)
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # tables scroll, not the page
        _axe(page, f"backlog-01-compliance-{width}")
        page.get_by_role("link", name="Backlog of overdue reviews by setting, stage and months overdue").click()
        sync_api.expect(page.get_by_role("heading", name="Backlog of overdue reviews")).to_be_visible()
        sync_api.expect(page.get_by_role("link", name="Reports and feedback").first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # tables scroll, not the page
        _axe(page, f"backlog-02-backlog-{width}")
        link = page.get_by_role("link", name="reviews 6 months or more overdue").first
        count = int(link.inner_text().split()[0])
        link.click()
        sync_api.expect(page.get_by_role("heading", name="Overdue reviews: 6 months or more overdue")).to_be_visible()
        assert page.locator("a[href^='/reviews/AR-']").count() == count
        assert page.evaluate("document.documentElement.scrollWidth") <= width  # tables scroll, not the page
        _axe(page, f"backlog-03-list-{width}")
        page.get_by_role("link", name="Backlog", exact=True).click()
        sync_api.expect(page.get_by_role("heading", name="Backlog of overdue reviews")).to_be_visible()
        browser.close()
    assert all(url.startswith(base_url) for url in requested), [u for u in requested if not u.startswith(base_url)]
