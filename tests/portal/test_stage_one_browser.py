"""Stage 1 through the product, in a real browser (Debian's Chromium) with axe-core at 1280 and 390 px.

A SENCO arranges the meeting, adds the family from the records and three professionals asked for advice, and sends
the invitations; two professionals send their advice through their links at once, the third is reminded by the
clock and replies late; the SENCO circulates the advice; stage 1's form holds the dates the product recorded, and a
caseworker sees all of it on the review page. Screenshots land in ``test-output/portal/``."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from notices.kinds import MessageKind
from notices.recipients import load_la_directory
from portal.accounts import Role
from portal.web import Portal
from records.models import AdviceMessage, Invitee, Notification
from records.session import SessionFactory, session_scope
from services.advice import queue_advice_reminders
from services.advice_messages import render_advice_message
from tests.portal.conftest import TODAY, make_account
from tests.portal.test_browser import CHROMIUM, FLAGS, _axe, _date, _sign_in, base_url, sync_api  # noqa: F401
from tests.portal.test_invitations import _stage_one

pytestmark = pytest.mark.slow  # it starts a server and Chromium

LA = load_la_directory(Path("examples/la_roles.toml"))
PROFESSIONALS = (("Educational psychologist", "Dr Pretend EP", "ep@la.example"),
                 ("Health professional", "Pretend Nurse", "nurse@nhs.example"),
                 ("Social care officer", "Pretend Social Worker", "sw@council.example"))
REMINDED_ON = date(2026, 12, 26)  # 3 days before the advice is needed (29 December, for a meeting on 12 January)
LATE_ON = date(2026, 12, 30)


def _links(factory: SessionFactory) -> dict[str, str]:
    """Each professional's link, as the outbox renders their advice request when it sends it."""
    found: dict[str, str] = {}
    with session_scope(factory) as session:
        rows = session.execute(select(Notification, Invitee.email).join(
            AdviceMessage, AdviceMessage.notification_id == Notification.id).join(
            Invitee, Invitee.id == AdviceMessage.invitee_id).where(
            Notification.template == MessageKind.ADVICE_REQUEST.value)).all()
        for row, email in rows:
            message, _ = render_advice_message(session, row, la=LA, today=TODAY, portal_url="http://unused")
            found[email or ""] = "/link/advice/" + message.body_text.split("/link/advice/")[1].split()[0]
    return found


def _views(browser: Any, factory: SessionFactory, base_url: str) -> None:  # noqa: F811
    """The family's views through the standard form at desktop width, the child's through the easy-read one on a
    phone; each link works once."""
    links = {}
    with session_scope(factory) as session:
        for kind in (MessageKind.FAMILY_VIEWS_REQUEST, MessageKind.CHILD_VIEWS_REQUEST):
            row = session.scalars(select(Notification).where(Notification.template == kind.value)
                                  .order_by(Notification.id)).first()
            assert row is not None
            message, _ = render_advice_message(session, row, la=LA, today=TODAY, portal_url="http://unused")
            links[kind] = link_in(message.body_text)
    for width, variant in ((390, ""), (1280, "/easy-read")):  # the other form of each link, at the other width
        other = browser.new_page(viewport={"width": width, "height": 900}, bypass_csp=True)
        other.goto(base_url + links[MessageKind.FAMILY_VIEWS_REQUEST].removesuffix("/easy-read") + variant)
        _axe(other, f"59-family-views-{width}")
        other.close()
    page = browser.new_page(viewport={"width": 1280, "height": 900}, bypass_csp=True)  # axe is an injected script
    page.goto(base_url + links[MessageKind.FAMILY_VIEWS_REQUEST])
    _axe(page, "59-family-views")
    page.get_by_label("What is hard, or not working?").fill("Pretend-family: mornings are hard")
    page.get_by_role("button", name="Send your views").click()
    sync_api.expect(page.get_by_role("heading", name="Thank you")).to_be_visible()
    phone = browser.new_page(viewport={"width": 390, "height": 844}, bypass_csp=True)
    phone.goto(base_url + links[MessageKind.CHILD_VIEWS_REQUEST])
    sync_api.expect(phone.get_by_role("img", name="A smiling face")).to_be_visible()
    _axe(phone, "60-child-views-easy-read")
    phone.get_by_role("button", name="Send").click()
    sync_api.expect(phone.get_by_text("Answer at least one question")).to_have_count(2)  # summary and field
    _axe(phone, "61-child-views-refused")
    phone.get_by_label("What is good?").fill("Pretend-child: art club")
    phone.get_by_role("button", name="Send").click()
    sync_api.expect(phone.get_by_role("heading", name="Thank you")).to_be_visible()
    phone.goto(base_url + links[MessageKind.CHILD_VIEWS_REQUEST])
    sync_api.expect(phone.get_by_role("heading", name="This link has expired or is not valid")).to_be_visible()
    page.close()
    phone.close()


def link_in(body: str) -> str:
    """The path of the link a rendered message carries."""
    return "/link/" + body.split("/link/")[1].split()[0]


def _advise(browser: Any, url: str, words: str, width: int, shot: str) -> None:
    page = browser.new_page(viewport={"width": width, "height": 900}, bypass_csp=True)  # axe is an injected script
    page.goto(url)
    sync_api.expect(page.get_by_role("heading", level=1)).to_contain_text("Send your advice for")
    _axe(page, shot)
    page.get_by_label("Your advice", exact=True).fill(words)
    page.get_by_role("button", name="Send advice").click()
    sync_api.expect(page.get_by_role("heading", name="Advice sent")).to_be_visible()
    page.close()


def test_a_senco_takes_stage_one_through_the_product_and_a_caseworker_sees_it(
    factory: SessionFactory, portal: Portal, base_url: str  # noqa: F811
) -> None:
    _, reference, urn = _stage_one(factory)
    make_account(factory, "senco@school.example", Role.SETTING, (urn,))
    make_account(factory, "caseworker@council.example", Role.CASEWORKER)
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=FLAGS)
        senco = browser.new_page(viewport={"width": 1280, "height": 900})
        _sign_in(senco, base_url, "senco@school.example")
        senco.goto(f"{base_url}/reviews/{reference}")
        senco.get_by_role("link", name="Arrange the meeting and send the invitations").first.click()
        _axe(senco, "50-invitations-empty")
        senco.get_by_role("button", name="Save the meeting").click()  # nothing entered: each field named
        sync_api.expect(senco.get_by_role("link", name="Enter the time the meeting starts, like 14:30")).to_be_visible()
        _axe(senco, "51-invitations-refused")
        _date(senco, "Date of the meeting", "12", "1", "2027")
        senco.get_by_label("Start time").fill("14:30")
        senco.get_by_label("Where (optional if it is online only)").fill("Room 2, Pretend School")
        senco.get_by_role("button", name="Save the meeting").click()
        sync_api.expect(senco.get_by_text("The meeting was saved")).to_be_visible()
        senco.get_by_role("button", name="Add the family from the records").click()
        sync_api.expect(senco.get_by_text("added to the list")).to_be_visible()
        for role, name, email in PROFESSIONALS:
            senco.get_by_label("Role", exact=True).select_option(role)
            senco.get_by_label("Name", exact=True).fill(name)
            senco.get_by_label("Work email address").fill(email)
            senco.get_by_label("Ask a professional for written advice").check()
            senco.get_by_role("button", name="Add to the list").click()
            sync_api.expect(senco.get_by_text(f"{name} was added to the list")).to_be_visible()
        senco.get_by_role("button", name="Send the invitations").click()
        sync_api.expect(senco.get_by_text("with 3 advice requests")).to_be_visible()
        assert senco.get_by_text("Not sent yet").count() == 0
        _axe(senco, "52-invitations-sent")
        phone = browser.new_page(viewport={"width": 390, "height": 844})
        _sign_in(phone, base_url, "senco@school.example")
        phone.goto(f"{base_url}/reviews/{reference}/invitations")
        _axe(phone, "53-invitations-phone")

        senco.get_by_role("button", name="Send the views links").click()
        sync_api.expect(senco.get_by_text("The views links were sent")).to_be_visible()
        _views(browser, factory, base_url)

        links = _links(factory)
        assert set(links) == {email for _, _, email in PROFESSIONALS}
        _advise(browser, base_url + links["ep@la.example"], "Pretend-advice: EP", 1280, "54-advice-link")
        _advise(browser, base_url + links["nurse@nhs.example"], "Pretend-advice: health", 390, "55-advice-link-phone")
        with session_scope(factory) as session:  # the clock's pass three days before the advice is needed
            assert queue_advice_reminders(session, REMINDED_ON) == 1
        portal.today = lambda: LATE_ON  # the social worker replies the day after the advice was needed
        _advise(browser, base_url + links["sw@council.example"], "Pretend-advice: social care", 1280, "56-late")

        senco.goto(f"{base_url}/reviews/{reference}/advice")
        sync_api.expect(senco.get_by_text("3 of 3 professionals asked for advice have replied")).to_be_visible()
        sync_api.expect(senco.get_by_text("Late", exact=True)).to_have_count(1)
        senco.get_by_role("button", name="Circulate the advice").click()
        sync_api.expect(senco.get_by_text("The advice was circulated:")).to_be_visible()
        senco.goto(f"{base_url}/reviews/{reference}")
        stage_one = senco.get_by_role("group", name="Date advice was circulated")
        assert stage_one.get_by_label("Day").input_value() == "30"
        assert senco.get_by_role("group", name="Date of the meeting").get_by_label("Day").input_value() == "12"
        assert senco.get_by_text("Recorded by the product. This date is the one recorded.").count() >= 3
        _axe(senco, "57-stage-one-filled")

        caseworker = browser.new_page(viewport={"width": 390, "height": 844})
        _sign_in(caseworker, base_url, "caseworker@council.example")
        caseworker.goto(f"{base_url}/reviews/{reference}")
        sync_api.expect(caseworker.get_by_role("heading", name="Invitations to the meeting")).to_be_visible()
        sync_api.expect(caseworker.get_by_role("heading", name="Advice for the meeting")).to_be_visible()
        sync_api.expect(caseworker.get_by_text("3 of 3 replied")).to_be_visible()
        sync_api.expect(caseworker.get_by_text("the child or young person replied")).to_be_visible()
        for _, name, _ in PROFESSIONALS:
            assert caseworker.get_by_text(name).count() >= 1
        _axe(caseworker, "58-caseworker-sees-stage-one")
        browser.close()
    with session_scope(factory) as session:
        reminders = session.scalars(select(Notification.idempotency_key).where(
            Notification.template == MessageKind.ADVICE_REMINDER.value)).all()
    assert len(reminders) == 1 and reminders[0].endswith("/3")
