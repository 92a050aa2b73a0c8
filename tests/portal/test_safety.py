"""Issue 24 item 6 in the front door: sign-in a stranger cannot lock, OIDC never throttled by local failures, CSV
cells escaped in every download, anonymous feedback limited, security headers on every response, and hostile input
refused with a 4xx naming the field (never a 500); item 7: error pages in the service's layout, Swagger in English.
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from portal.accounts import Role, create_api_token, find_user
from portal.app import create_app
from portal.security import Delays, FeedbackThrottle, LoginThrottle
from portal.web import Portal
from records.models import Child, Feedback, Plan, Review, Setting
from records.session import SessionFactory, session_scope
from reports.csv_safety import FORMULA_STARTS
from tests.portal.conftest import csrf_of, make_account, review_at_decision, sign_in, urn_with_reviews

HOSTILE = '=HYPERLINK("http://evil.example","x")'


@pytest.fixture
def manager(factory: SessionFactory, client_for) -> TestClient:
    make_account(factory, "manager@council.example", Role.MANAGER)
    client: TestClient = client_for("manager@council.example")
    return client


def _token(factory: SessionFactory, email: str) -> str:
    with session_scope(factory) as session:
        user = find_user(session, email)
        assert user is not None
        return create_api_token(session, user, "test")


# --- sign-in ----------------------------------------------------------------------------------------------------


def test_a_strangers_wrong_passwords_for_a_made_up_email_do_not_lock_the_caseworker_out(
        factory: SessionFactory, app_client: TestClient) -> None:
    make_account(factory, "cw@council.example", Role.CASEWORKER)
    for _ in range(5):  # the audit's M5: five failures for nobody@audit.invalid from the same address
        assert sign_in(app_client, "nobody@audit.invalid", "guess").status_code in (400, 429)  # slowed, not locked
    assert sign_in(app_client, "cw@council.example").status_code == 303


def test_failures_for_an_account_ask_for_a_short_wait_and_say_how_long(
        factory: SessionFactory, portal: Portal, app_client: TestClient) -> None:
    portal.throttle = LoginThrottle(3, 600, first_delay_s=30)
    make_account(factory, "cw@council.example", Role.CASEWORKER)
    for _ in range(3):
        assert sign_in(app_client, "cw@council.example", "not the password").status_code == 400
    waiting = sign_in(app_client, "cw@council.example")
    assert waiting.status_code == 429
    assert re.search(r"Too many failed sign-ins for this email address\. Wait \d+ seconds, then try again",
                     waiting.text)
    assert 0 < int(waiting.headers["retry-after"]) <= 30
    assert 'href="#email"' in waiting.text  # the GOV.UK error summary links to the field


def test_oidc_users_are_never_throttled_by_local_failures(factory: SessionFactory, portal: Portal,
                                                         app_client: TestClient) -> None:
    make_account(factory, "cw@council.example", Role.CASEWORKER)

    class FakeOidc:
        async def authorize_access_token(self, _request: Any) -> dict[str, Any]:
            return {"userinfo": {"iss": "https://login.example.invalid", "sub": "cw-1", "email": "cw@council.example"}}

    portal.oidc = FakeOidc()
    for _ in range(10):
        sign_in(app_client, "cw@council.example", "not the password")
    assert sign_in(app_client, "cw@council.example").status_code == 429
    signed = app_client.get("/login/oidc/callback", follow_redirects=False)
    assert signed.status_code == 303 and signed.headers["location"] == "/queue"


# --- feedback -----------------------------------------------------------------------------------------------------


def _feedback(client: TestClient, text: str) -> Any:
    return client.post("/feedback", data={"csrf_token": csrf_of(client, "/feedback"), "about": "/", "feedback": text})


def test_feedback_without_signing_in_is_limited_per_address(portal: Portal, app_client: TestClient,
                                                            client_for, factory: SessionFactory) -> None:
    portal.feedback_throttle = FeedbackThrottle(Delays(free=2, first_s=60, cap_s=3600))
    assert _feedback(app_client, "one").status_code == 200
    assert _feedback(app_client, "two").status_code == 200
    limited = _feedback(app_client, "three")
    assert limited.status_code == 429 and "wait 1 minute" in limited.text
    make_account(factory, "cw@council.example", Role.CASEWORKER)
    assert _feedback(client_for("cw@council.example"), "signed in").status_code == 200
    with session_scope(factory) as session:
        assert sorted(session.scalars(select(Feedback.text))) == ["one", "signed in", "two"]


def test_a_nul_in_feedback_is_a_400_naming_the_field(app_client: TestClient, factory: SessionFactory) -> None:
    response = _feedback(app_client, "hello\x00there")
    assert response.status_code == 400
    assert "feedback" in response.text and "cannot be stored" in response.text
    with session_scope(factory) as session:
        assert list(session.scalars(select(Feedback))) == []


# --- CSV downloads ------------------------------------------------------------------------------------------------


def _plant_formulas(factory: SessionFactory) -> str:
    """Put formula-like text where the downloads show it: a child's names, a setting's name, a feedback text."""
    with session_scope(factory) as session:
        review = session.scalars(select(Review).where(Review.stage.is_not(None)).order_by(Review.id)).first()
        assert review is not None
        plan = session.get(Plan, review.plan_id)
        assert plan is not None
        child, setting = session.get(Child, plan.child_id), session.get(Setting, plan.setting_id)
        assert child is not None and setting is not None
        child.given_name, child.family_name, setting.name = "+SUM(1,2)", "-2+3", "@cmd"
        session.add(Feedback(page="/reviews", text=HYPERLINK_TEXT, staff_id=None))
        return review.reference


HYPERLINK_TEXT = HOSTILE
DOWNLOADS = (
    "/manage/feedback.csv",
    "/manage/compliance.csv",
    "/manage/returns/annex-a.csv",
    "/manage/returns/chronology.csv?reference={reference}",
    "/manage/returns/foi.csv?start=2025-12-01&end=2026-12-01",
    "/manage/returns/breakdowns.csv?year=2025",
)


@pytest.mark.parametrize("download", DOWNLOADS)
def test_every_csv_download_escapes_cells_a_spreadsheet_would_run(download: str, factory: SessionFactory,
                                                                 manager: TestClient) -> None:
    reference = _plant_formulas(factory)
    got = manager.get(download.format(reference=reference))
    assert got.status_code == 200 and got.headers["content-type"].startswith("text/csv")
    assert got.headers["cache-control"] == "no-store"
    cells = [cell for row in csv.reader(io.StringIO(got.text)) for cell in row]
    assert cells and not [cell for cell in cells if cell.startswith(FORMULA_STARTS)]
    if "feedback" in download:
        assert "'" + HOSTILE in cells


def test_the_sen2_figures_shown_as_csv_are_escaped_too(manager: TestClient) -> None:
    shown = manager.get("/manage/sen2")
    assert shown.status_code == 200 and "measure,count" in shown.text


# --- headers -------------------------------------------------------------------------------------------------------

BASE_HEADERS = {"referrer-policy": "no-referrer", "x-content-type-options": "nosniff"}


def _has_headers(response: Any, *, cached: bool = False) -> None:
    for name, value in BASE_HEADERS.items():
        assert response.headers.get(name) == value, (response.url, name)
    assert "camera=()" in response.headers.get("permissions-policy", "")
    if cached:
        assert "no-store" not in response.headers.get("cache-control", "")
    else:
        assert response.headers.get("cache-control") == "no-store", response.url


def test_every_kind_of_response_carries_the_security_headers(factory: SessionFactory, client_for,
                                                             app_client: TestClient, manager: TestClient) -> None:
    urn, reference = urn_with_reviews(factory, 1)
    make_account(factory, "senco@school.example", Role.SETTING, (urn,))
    senco = client_for("senco@school.example")
    bearer = {"Authorization": f"Bearer {_token(factory, 'senco@school.example')}"}
    for response in (
        app_client.get("/login"),  # a page
        app_client.get("/reviews", follow_redirects=False),  # a redirect
        senco.get(f"/reviews/{reference}"),  # a page with a child's data
        senco.get(f"/api/reviews/{reference}", headers=bearer),  # an API answer with a child's data
        senco.get("/api/reviews/AR-0000-00000", headers=bearer),  # a JSON 404
        senco.get("/no-such-page"),  # a 404 page
        app_client.get("/api/reviews"),  # a 401
        manager.get("/manage/feedback.csv"),  # a download
        app_client.get("/api/docs"),  # Swagger
    ):
        _has_headers(response)
        assert "strict-transport-security" not in response.headers
    _has_headers(app_client.get("/static/portal.css"), cached=True)


def test_https_only_adds_strict_transport_security(portal: Portal) -> None:
    portal.settings = portal.settings.model_copy(update={"https_only": True})
    with TestClient(create_app(portal), base_url="https://testserver") as client:
        for response in (client.get("/login"), client.get("/static/portal.css"), client.get("/nope")):
            assert response.headers["strict-transport-security"].startswith("max-age=31536000")


def test_an_unforeseen_failure_is_a_500_page_in_the_layout_with_the_headers(portal: Portal,
                                                                           factory: SessionFactory) -> None:
    def broken() -> Any:
        raise RuntimeError("the business date could not be read")

    make_account(factory, "cw@council.example", Role.CASEWORKER)
    with TestClient(create_app(portal), raise_server_exceptions=False) as client:
        assert sign_in(client, "cw@council.example").status_code == 303
        portal.today = broken
        response = client.get("/queue")
    assert response.status_code == 500
    assert '<html lang="en"' in response.text and "Sorry, there is a problem with the service" in response.text
    assert "business date" not in response.text
    _has_headers(response)


# --- error pages and Swagger --------------------------------------------------------------------------------------

HTML = {"Accept": "text/html,application/xhtml+xml"}


def test_json_routes_opened_in_a_browser_answer_a_page_and_api_clients_still_get_json(
        factory: SessionFactory, client_for, app_client: TestClient) -> None:
    urn, reference = urn_with_reviews(factory, 1)
    make_account(factory, "senco@school.example", Role.SETTING, (urn,))
    senco = client_for("senco@school.example")
    for path, status in ((f"/reviews/{reference}/stages/1", 405), ("/api/reviews", 401),
                         ("/api/reviews/AR-0000-00000", 401), ("/api/nothing-here", 404)):
        browser = senco.get(path, headers=HTML)
        assert browser.status_code == status, path
        assert browser.headers["content-type"].startswith("text/html")
        assert '<html lang="en"' in browser.text and "govuk-header" in browser.text
    assert app_client.get("/api/reviews").headers["content-type"].startswith("application/json")
    assert app_client.get("/api/nothing-here").json() == {"detail": "Not Found"}


def test_the_swagger_page_says_its_language(app_client: TestClient) -> None:
    docs = app_client.get("/api/docs")
    assert docs.status_code == 200 and '<html lang="en">' in docs.text


# --- hostile input --------------------------------------------------------------------------------------------------

HOSTILE_QUERIES = (
    ("/manage/sen2?year=abc", "year"),
    ("/manage/sen2?year=%00", "year"),
    ("/manage/sen2?year=" + "9" * 5_000, "year"),
    ("/manage/termly?term=%01", "term"),
    ("/manage/returns/foi?start=2025-02-30", "start"),
    ("/manage/returns/foi.csv?start=2025-02-30", "start"),
    ("/manage/returns/foi.csv?end=20261301", "end"),
    ("/manage/returns/chronology?reference=AR%00", "reference"),
)


@pytest.mark.parametrize(("path", "field"), HOSTILE_QUERIES)
def test_hostile_query_parameters_are_a_4xx_page_naming_the_field(path: str, field: str, manager: TestClient) -> None:
    response = manager.get(path)
    assert 400 <= response.status_code < 500, (path, response.status_code)
    assert field in response.text and '<html lang="en"' in response.text


def test_hostile_form_fields_are_a_400_naming_the_field(factory: SessionFactory, client_for,
                                                        app_client: TestClient) -> None:
    urn, reference = urn_with_reviews(factory, 1)
    make_account(factory, "senco@school.example", Role.SETTING, (urn,))
    senco = client_for("senco@school.example")
    token = csrf_of(senco, f"/reviews/{reference}")
    for field, value in (("other_invitees", "x\x00"), ("meeting_planned_on-day", "\x01"),
                         ("advice_from", "a" * 100_001), ("meeting_planned_on-day", "32"),
                         ("meeting_planned_on-month", "twelve")):
        response = senco.post(f"/reviews/{reference}/stages/1", data={"csrf_token": token, field: value,
                                                                       "action": "send"})
        assert response.status_code == 400, field
        named = field.replace("_", " ").replace("-", " ") in response.text
        assert named or f'href="#{field.split("-")[0]}' in response.text, field
    login = app_client.post("/login", data={"csrf_token": csrf_of(app_client), "email": "a\x00@b", "password": "x"})
    assert login.status_code == 400 and "email" in login.text


def test_hostile_json_is_a_422_naming_the_field(factory: SessionFactory, client_for) -> None:
    urn, reference = urn_with_reviews(factory, 1)
    make_account(factory, "senco@school.example", Role.SETTING, (urn,))
    client = client_for("senco@school.example")
    bearer = {"Authorization": f"Bearer {_token(factory, 'senco@school.example')}"}
    good = {"meeting_planned_on": "2026-12-20", "invited_on": {"family": "2026-11-30"},
            "advice_circulated_on": "2026-11-30"}
    cases = (
        ({**good, "other_invitees": "a\x00b"}, "other_invitees"),
        ({**good, "advice_from": "a" * 10_001}, "advice_from"),
        ({**good, "meeting_planned_on": 1803427200}, "meeting_planned_on"),
        ({**good, "meeting_planned_on": "2027-02-30"}, "meeting_planned_on"),
        ({**good, "invited_on": ["family"]}, "invited_on"),
        ({**good, "invited_on": {"family\x00": "2026-11-30"}}, "invited_on"),
    )
    for body, field in cases:
        response = client.post(f"/api/reviews/{reference}/preparation", json=body, headers=bearer)
        assert response.status_code == 422, (field, response.status_code, response.text[:200])
        assert field in response.text
    assert client.get("/api/reviews/AR%00", headers=bearer).status_code == 422
    assert "reference" in client.get("/api/reviews/AR%00", headers=bearer).text


# --- words people use ----------------------------------------------------------------------------------------------

ENGINE_WORDS = re.compile(r"\b(run|runs|run's|flow|flows|Prefect|queued|applied)\b", re.IGNORECASE)


def _visible(html: str) -> str:
    return re.sub(r"<[^>]+>", " ", re.sub(r"<script.*?</script>", " ", html, flags=re.S))


def test_pages_a_senco_caseworker_and_manager_see_use_no_engine_words(factory: SessionFactory, client_for,
                                                                      manager: TestClient) -> None:
    urn, reference = urn_with_reviews(factory, 1)
    make_account(factory, "senco@school.example", Role.SETTING, (urn,))
    make_account(factory, "cw@council.example", Role.CASEWORKER)
    senco, caseworker = client_for("senco@school.example"), client_for("cw@council.example")
    pages = [senco.get("/reviews"), senco.get(f"/reviews/{reference}"), caseworker.get("/queue"),
             caseworker.get(f"/reviews/{reference}"), manager.get("/manage"), manager.get("/manage/feedback")]
    for stage in (2, 3):
        _, at_stage = urn_with_reviews(factory, stage)
        pages.append(caseworker.get(f"/reviews/{at_stage}"))
    _, deciding = review_at_decision(factory)
    pages.append(caseworker.get(f"/reviews/{deciding}"))
    for response in pages:
        assert response.status_code == 200, response.url
        assert not ENGINE_WORDS.findall(_visible(response.text)), (response.url, ENGINE_WORDS.findall(
            _visible(response.text)))


def test_what_people_are_told_about_an_input_not_recorded_yet_uses_no_engine_words() -> None:
    import inspect

    from services import inbox

    told = re.findall(r'(?:error|reason) = \(?f?"([^"]+)"', inspect.getsource(inbox))
    assert len(told) >= 3
    for text in told:
        assert not ENGINE_WORDS.findall(text), text
