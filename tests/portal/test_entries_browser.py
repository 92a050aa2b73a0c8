"""No double entries and lawful by default, in Chromium with axe-core at phone (390 px) and desktop (1280 px) widths.

- A slow double click on "Save and send" sends one post (GOV.UK's ``data-prevent-double-click``), and the page
  shows "Being recorded" in place of the form; a second tab opened before then is told who is recording the
  stage and when, with that status in place of its form.
- A final plan inside the family's 15 days is stopped at a check step with the earliest lawful date and a box
  to tick; sending it again without the box is an error naming the box; ticked, it is sent and recorded.
"""

from __future__ import annotations

import time
from typing import Any

import pytest
from sqlalchemy import select

from portal.accounts import Role
from records.models import InboxEntry
from records.session import SessionFactory, session_scope
from tests.portal.conftest import make_account, urn_with_reviews
from tests.portal.test_browser import CHROMIUM, FLAGS, _axe, _date, _sign_in, base_url, sync_api  # noqa: F401
from tests.portal.test_entries import EARLIEST, _amend_at_stage_5

WIDTHS = (390, 1280)
pytestmark = pytest.mark.slow  # starts Chromium (as tests.conftest.SLOW_PLACES marks the other browser tests)


def _meeting(page: Any, day: str) -> None:
    _date(page, "Date the meeting was held", day, "12", "2026")
    adulthood = page.get_by_label("The meeting considered preparing for adulthood")
    if adulthood.count():  # asked from Year 9
        adulthood.check()


def _inbox(factory: SessionFactory) -> list[str]:
    with session_scope(factory) as session:
        return [row.status for row in session.scalars(select(InboxEntry).order_by(InboxEntry.id))]


@pytest.mark.parametrize("width", WIDTHS)
def test_a_double_click_and_a_second_tab_make_one_entry_and_a_clear_message(
    factory, base_url: str, bridge, width: int  # noqa: F811
) -> None:
    urn, reference = urn_with_reviews(factory, 2)
    make_account(factory, "senco@school.example", Role.SETTING, (urn,))
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        context = browser.new_context(viewport={"width": width, "height": 900})
        page = context.new_page()
        _sign_in(page, base_url, "senco@school.example")
        page.goto(f"{base_url}/reviews/{reference}")
        other = context.new_page()  # the second tab, open on the same form before the first is sent
        other.goto(f"{base_url}/reviews/{reference}")
        posts: list[str] = []

        def slow(route: Any) -> None:  # a slow network: the first post is still on its way at the second click
            if route.request.method == "POST":
                posts.append(route.request.url)
                time.sleep(0.6)
            route.continue_()

        page.route("**/stages/**", slow)
        _meeting(page, "1")
        button = page.get_by_role("button", name="Save and send").element_handle()
        page.evaluate("b => { b.click(); setTimeout(() => b.click(), 300); }", button)  # a slow double click
        sync_api.expect(page.get_by_role("heading", name="Being recorded")).to_be_visible(timeout=15_000)
        assert len(posts) == 1 and _inbox(factory) == ["received"]
        assert page.get_by_role("button", name="Save and send").count() == 0  # no form to fill again
        _axe(page, f"entries-{width}-01-being-recorded")
        _meeting(other, "2")
        other.get_by_role("button", name="Save and send").click()
        sync_api.expect(other.get_by_text("There is a problem")).to_be_visible()
        summary = other.locator(".govuk-error-summary")
        sync_api.expect(summary).to_contain_text("already being recorded: sent by senco@school.example (setting staff)")
        sync_api.expect(other.get_by_role("heading", name="Being recorded")).to_be_visible()
        assert other.get_by_role("button", name="Save and send").count() == 0
        assert _inbox(factory) == ["received"] and len(bridge.resumed) == 1
        _axe(other, f"entries-{width}-02-second-tab")
        browser.close()


@pytest.mark.parametrize("width", WIDTHS)
def test_a_final_plan_inside_the_family_s_15_days_is_stopped_at_a_check_step(
    factory, base_url: str, bridge, width: int  # noqa: F811
) -> None:
    reference = _amend_at_stage_5(factory)
    make_account(factory, "cw@council.example", Role.CASEWORKER)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport={"width": width, "height": 900})
        _sign_in(page, base_url, "cw@council.example")
        page.goto(f"{base_url}/reviews/{reference}")
        page.get_by_label("Final amended plan issued").check()
        _date(page, "Date the document was issued", "1", "12", "2026")
        page.get_by_role("button", name="Record and issue").click()
        sync_api.expect(page.get_by_role("heading", name="Check before you send")).to_be_visible()
        earliest = page.get_by_text(f"The earliest lawful date to issue the final plan is {EARLIEST}")
        sync_api.expect(earliest).to_be_visible()
        assert _inbox(factory) == []
        _axe(page, f"entries-{width}-03-final-plan-check")
        page.get_by_role("button", name="Record and issue").click()  # again, without ticking the box
        sync_api.expect(page.get_by_text("There is a problem")).to_be_visible()
        page.locator(".govuk-error-summary").get_by_role("link").first.click()
        sync_api.expect(page.locator("#confirm_warnings")).to_be_focused()
        assert _inbox(factory) == []
        _axe(page, f"entries-{width}-04-final-plan-unticked")
        page.get_by_label("I have read the warning").check()
        page.get_by_role("button", name="Record and issue").click()
        sync_api.expect(page.get_by_role("heading", name="Being recorded")).to_be_visible()
        assert _inbox(factory) == ["received"]
        assert bridge.resumed[-1][1]["issued_on"] == "2026-12-01"
        browser.close()
