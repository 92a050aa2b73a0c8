"""Sign-in, sign-out, CSRF, the sign-in throttle, and scope: a review outside a person's settings is a 404."""

from __future__ import annotations

from fastapi.testclient import TestClient

from portal.accounts import Role, create_api_token, find_user
from portal.security import LoginThrottle
from portal.web import Portal
from records.session import SessionFactory, session_scope
from tests.portal.conftest import csrf_of, make_account, sign_in, urn_with_reviews


def _token(factory: SessionFactory, email: str) -> str:
    with session_scope(factory) as session:
        user = find_user(session, email)
        assert user is not None
        return create_api_token(session, user, "test")


def test_setting_user_sees_only_her_settings_reviews(factory: SessionFactory, client_for) -> None:
    urn_a, ref_a = urn_with_reviews(factory, 1)
    urn_b, ref_b = urn_with_reviews(factory, 1, not_urn=urn_a)
    make_account(factory, "senco.a@school.example", Role.SETTING, (urn_a,))
    client = client_for("senco.a@school.example")
    listing = client.get("/reviews")
    assert listing.status_code == 200
    assert ref_a in listing.text
    assert ref_b not in listing.text
    assert client.get(f"/reviews/{ref_a}").status_code == 200


def test_school_b_senco_gets_404_for_school_a_review_by_url_and_by_api(factory: SessionFactory, client_for) -> None:
    urn_a, ref_a = urn_with_reviews(factory, 1)
    urn_b, _ = urn_with_reviews(factory, 1, not_urn=urn_a)
    make_account(factory, "senco.b@school.example", Role.SETTING, (urn_b,))
    client = client_for("senco.b@school.example")
    page = client.get(f"/reviews/{ref_a}")
    assert page.status_code == 404
    assert ref_a not in page.text
    token = csrf_of(client, "/reviews")
    posted = client.post(f"/reviews/{ref_a}/stages/1", data={"csrf_token": token, "action": "send"})
    assert posted.status_code == 404
    bearer = {"Authorization": f"Bearer {_token(factory, 'senco.b@school.example')}"}
    assert client.get(f"/api/reviews/{ref_a}", headers=bearer).status_code == 404
    assert client.get(f"/api/reviews/{ref_a}/record", headers=bearer).status_code == 404
    assert client.get("/api/reviews/AR-0000-00000", headers=bearer).status_code == 404
    assert ref_a not in client.get("/api/reviews", headers=bearer).text


def test_api_needs_a_valid_token(app_client: TestClient, factory: SessionFactory) -> None:
    _, ref = urn_with_reviews(factory, 1)
    assert app_client.get(f"/api/reviews/{ref}").status_code == 401
    assert app_client.get(f"/api/reviews/{ref}", headers={"Authorization": "Bearer nope"}).status_code == 401


def test_caseworker_sees_every_setting(factory: SessionFactory, client_for) -> None:
    urn_a, ref_a = urn_with_reviews(factory, 1)
    _, ref_b = urn_with_reviews(factory, 1, not_urn=urn_a)
    make_account(factory, "cw@council.example", Role.CASEWORKER)
    client = client_for("cw@council.example")
    assert client.get(f"/reviews/{ref_a}").status_code == 200
    assert client.get(f"/reviews/{ref_b}").status_code == 200
    assert client.get("/queue").status_code == 200


def test_setting_user_cannot_open_the_queue_or_the_reports(factory: SessionFactory, client_for) -> None:
    urn, _ = urn_with_reviews(factory, 1)
    make_account(factory, "senco@school.example", Role.SETTING, (urn,))
    client = client_for("senco@school.example")
    assert client.get("/queue").status_code == 403
    assert client.get("/manage/compliance").status_code == 403
    assert client.get("/manage/feedback.csv").status_code == 403


def test_pages_need_sign_in(app_client: TestClient) -> None:
    response = app_client.get("/reviews", follow_redirects=False)
    assert response.status_code == 303
    assert response.headers["location"] == "/login"


def test_a_form_without_its_csrf_token_is_refused(factory: SessionFactory, app_client: TestClient) -> None:
    make_account(factory, "cw@council.example", Role.CASEWORKER)
    app_client.get("/login")
    refused = app_client.post("/login", data={"email": "cw@council.example", "password": "correct horse battery"})
    assert refused.status_code == 403
    assert "This form has expired" in refused.text
    forged = app_client.post("/login", data={"email": "cw@council.example", "password": "correct horse battery",
                                             "csrf_token": "forged"})
    assert forged.status_code == 403
    assert sign_in(app_client, "cw@council.example").status_code == 303


def test_a_signed_in_form_without_csrf_records_nothing(factory: SessionFactory, client_for, bridge) -> None:
    urn, ref = urn_with_reviews(factory, 2)
    make_account(factory, "senco@school.example", Role.SETTING, (urn,))
    client = client_for("senco@school.example")
    data = {"meeting_held_on-day": "20", "meeting_held_on-month": "11", "meeting_held_on-year": "2026",
            "preparing_for_adulthood_discussed": "yes", "action": "send"}
    assert client.post(f"/reviews/{ref}/stages/2", data=data).status_code == 403
    assert bridge.resumed == []


def test_sign_in_is_throttled_after_failed_attempts(factory: SessionFactory, portal: Portal,
                                                   app_client: TestClient) -> None:
    portal.throttle = LoginThrottle(3, 600, first_delay_s=60)  # a wait the test cannot outlast on a slow machine
    make_account(factory, "cw@council.example", Role.CASEWORKER)
    for _ in range(3):
        wrong = sign_in(app_client, "cw@council.example", "not the password")
        assert wrong.status_code == 400
        assert "email address or password is wrong" in wrong.text
    blocked = sign_in(app_client, "cw@council.example")  # the right password, but too late
    assert blocked.status_code == 429
    assert "Too many failed sign-ins" in blocked.text


def test_wrong_password_stays_on_the_page_with_the_error_summary(factory: SessionFactory,
                                                                 app_client: TestClient) -> None:
    response = sign_in(app_client, "", "")
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert 'href="#email"' in response.text and "Enter your work email address" in response.text


def test_sign_out_ends_the_session(factory: SessionFactory, client_for) -> None:
    make_account(factory, "cw@council.example", Role.CASEWORKER)
    client = client_for("cw@council.example")
    token = csrf_of(client, "/queue")
    assert client.post("/logout", data={"csrf_token": token}, follow_redirects=False).status_code == 303
    assert client.get("/queue", follow_redirects=False).status_code == 303


def test_a_disabled_account_is_signed_out_at_its_next_request(factory: SessionFactory, client_for) -> None:
    make_account(factory, "cw@council.example", Role.CASEWORKER)
    client = client_for("cw@council.example")
    with session_scope(factory) as session:
        user = find_user(session, "cw@council.example")
        assert user is not None
        user.disabled = True
    assert client.get("/queue", follow_redirects=False).status_code == 303
