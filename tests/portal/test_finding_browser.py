"""Finding a child among 72 reviews in Chromium, at 1280 px and at 390 px, with axe-core on every page state.

A SENCO whose setting has 72 open reviews searches by part of a child's name, filters by stage and by when the
next deadline falls, pages through the list and opens the review, whose header names the child. At phone width
each review is a GOV.UK summary card and no page is wider than the screen; every table's wrapper takes the
keyboard focus (axe's ``scrollable-region-focusable``).
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from sqlalchemy import select

from portal.accounts import Role
from portal.timeline import stage_label
from records.models import Child, Plan, Review, Setting
from records.session import SessionFactory, session_scope
from tests.portal.conftest import TODAY, make_account, urn_with_reviews
from tests.portal.test_browser import CHROMIUM, FLAGS, _axe, _sign_in, base_url, sync_api  # noqa: F401
from tests.portal.test_finding import FAMILY, GIVEN, name_child

GIVEN_NAMES = ("Ash", "Bo", "Cal", "Dee", "Eli", "Fen", "Gus", "Hal", "Ivy")
FAMILY_NAMES = ("Synthetic-Oak", "Synthetic-Elm", "Synthetic-Yew", "Synthetic-Fir")
WIDE, PHONE = {"width": 1280, "height": 900}, {"width": 390, "height": 844}


def crowd(factory: SessionFactory, urn: str, wanted: int) -> int:
    """Add invented children with open reviews to the setting until it has ``wanted``; return how many it has."""
    with session_scope(factory) as session:
        setting = session.scalar(select(Setting).where(Setting.urn == urn))
        model = session.scalar(select(Review).where(Review.stage.is_not(None)))
        assert setting is not None and model is not None
        have = len(session.scalars(select(Review.id).join(Plan).where(Plan.setting_id == setting.id,
                                                                      Review.stage.is_not(None))).all())
        for number in range(wanted - have):
            child = Child(child_ref=f"CROWD-{number:03d}", given_name=GIVEN_NAMES[number % len(GIVEN_NAMES)],
                          family_name=FAMILY_NAMES[number % len(FAMILY_NAMES)],
                          date_of_birth=date(2014, 1, 1) + timedelta(days=number * 11), year_group=str(number % 9 + 2))
            plan = Plan(child=child, setting=setting, first_issued_on=date(2020, 3, 2))
            session.add(Review(
                plan=plan, reference=f"AR-2099-{number:05d}", cycle_number=1, stage=number % 3 + 1,
                rule_set_name=model.rule_set_name, rule_set_version=model.rule_set_version,
                cycle_anchor=model.cycle_anchor, next_deadline_key="meeting_due",
                next_due_on=TODAY + timedelta(days=number * 3 - 30), next_owner="setting",
            ))  # fmt: skip
        return max(have, wanted)


def _no_wider_than_the_screen(page: Any, width: int) -> None:
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    assert scroll_width <= width, f"the page is {scroll_width} px wide on a {width} px screen"


def _search(page: Any, words: str, stage: str = "Any stage", due: str = "Any time") -> None:
    page.get_by_label("Child's name, review reference or setting").fill(words)
    page.get_by_label("Stage").select_option(label=stage)
    page.get_by_label("Next deadline").select_option(label=due)
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()


def test_a_senco_with_72_reviews_finds_a_child_by_name_at_desktop_and_phone_width(
    factory: SessionFactory, base_url: str  # noqa: F811
) -> None:
    urn, reference = urn_with_reviews(factory, 1)
    name_child(factory, reference)
    assert crowd(factory, urn, 72) >= 72
    make_account(factory, "senco@school.example", Role.SETTING, (urn,))
    make_account(factory, "cw@council.example", Role.CASEWORKER)
    make_account(factory, "manager@council.example", Role.MANAGER)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        page = browser.new_page(viewport=WIDE)
        _sign_in(page, base_url, "senco@school.example")
        sync_api.expect(page.get_by_text("72 reviews. Page 1 of 2.")).to_be_visible()
        _axe(page, "finding-01-senco-72-reviews-1280")
        _search(page, "feather")
        sync_api.expect(page.get_by_text("1 review matches your search")).to_be_visible()
        sync_api.expect(page.get_by_role("cell", name=f"{GIVEN} {FAMILY}")).to_be_visible()
        assert "feather" not in page.title().lower()
        _axe(page, "finding-02-search-by-name-1280")
        _search(page, "", stage=stage_label(2), due="Overdue")
        rows = page.locator(".portal-wide tbody tr")
        assert rows.count() >= 1
        _axe(page, "finding-03-filtered-1280")
        page.goto(f"{base_url}/reviews?page=2")
        sync_api.expect(page.get_by_role("navigation", name="Pages of reviews")).to_be_visible()
        _axe(page, "finding-04-page-2-1280")
        page.goto(f"{base_url}/reviews")
        _search(page, "MARIGOLD")
        page.get_by_role("link", name=reference).click()
        sync_api.expect(page.get_by_role("heading", name=f"Review {reference}: {GIVEN} {FAMILY}")).to_be_visible()
        sync_api.expect(page.get_by_text("Date of birth")).to_be_visible()
        _axe(page, "finding-05-review-named-1280")

        phone = browser.new_page(viewport=PHONE)
        _sign_in(phone, base_url, "senco@school.example")
        assert phone.locator(".portal-wide").first.is_hidden()
        sync_api.expect(phone.locator(".govuk-summary-card").first).to_be_visible()
        _no_wider_than_the_screen(phone, 390)
        _axe(phone, "finding-06-senco-72-reviews-390")
        _search(phone, "featherstonehaugh")
        card = phone.locator(".govuk-summary-card").filter(has_text=f"{GIVEN} {FAMILY}")
        sync_api.expect(card).to_be_visible()
        _no_wider_than_the_screen(phone, 390)
        _axe(phone, "finding-07-search-by-name-390")
        card.get_by_role("link", name=f"Open review {reference}").click()
        sync_api.expect(phone.get_by_role("heading", name=f"Review {reference}: {GIVEN} {FAMILY}")).to_be_visible()
        _no_wider_than_the_screen(phone, 390)
        _axe(phone, "finding-08-review-named-390")
        browser.close()


def test_the_queue_and_the_managers_tables_at_both_widths_reachable_by_keyboard(
    factory: SessionFactory, base_url: str  # noqa: F811
) -> None:
    make_account(factory, "manager@council.example", Role.MANAGER)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        for viewport, width in ((WIDE, "1280"), (PHONE, "390")):
            page = browser.new_page(viewport=viewport)
            _sign_in(page, base_url, "manager@council.example")
            for path, name in (("/queue", "queue"), ("/manage/compliance", "compliance"),
                               ("/manage/compliance.html", "compliance-report"), ("/manage/termly", "termly")):
                if path.endswith(".html"):  # the full report is a download: read it as the person's browser saves it
                    page.set_content(page.request.get(f"{base_url}{path}").text())
                else:
                    page.goto(f"{base_url}{path}")
                if path != "/queue":
                    region = page.locator('[role="region"][tabindex="0"]').first
                    region.focus()
                    assert page.evaluate("document.activeElement.getAttribute('role')") == "region", path
                if path == "/queue" and width == "390":
                    _no_wider_than_the_screen(page, 390)
                _axe(page, f"finding-10-{name}-{width}")
            page.close()
        browser.close()
