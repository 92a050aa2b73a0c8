"""Accounts (``ehcp users``), OpenID Connect claims to accounts, the JSON API, feedback and the managers' pages."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from portal.accounts import AccountError, Role, add_user, authenticate, create_api_token, find_user
from portal.oidc import OidcRefused, account_for_claims
from records.models import Feedback, StaffUser
from records.session import SessionFactory, session_scope
from records.settings import get_settings
from tests.portal.conftest import PASSWORD, FakeRuns, apply_received, csrf_of, make_account, urn_with_reviews
from tests.records.support import run

ISSUER = "https://login.example.invalid/tenant/v2.0"


def test_users_add_list_disable_through_the_cli(factory: SessionFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    urn, _ = urn_with_reviews(factory, 1)
    monkeypatch.setenv("EHCP_DATABASE_URL", str(factory.kw["bind"].url))
    get_settings.cache_clear()
    try:
        from typer.testing import CliRunner

        from cli.main import app

        added = CliRunner().invoke(app, ["users", "add", "Senco@School.example", "--role", "setting", "--setting", urn,
                                         "--password-stdin"], input=PASSWORD + "\n")
        assert added.exit_code == 0, added.output
        unknown = run("users", "add", "x@school.example", "--role", "setting", "--setting", "999999")
        assert unknown.exit_code == 2 and "no setting has the URN 999999" in unknown.stderr
        listed = run("users", "list")
        assert "senco@school.example" in listed.stdout and urn in listed.stdout
        assert run("users", "disable", "senco@school.example").exit_code == 0
    finally:
        get_settings.cache_clear()
    with session_scope(factory) as session:
        assert authenticate(session, "senco@school.example", PASSWORD) is None  # disabled


def test_account_rules(factory: SessionFactory) -> None:
    urn, _ = urn_with_reviews(factory, 1)
    with session_scope(factory) as session:
        with pytest.raises(AccountError, match="at least one setting URN"):
            add_user(session, "a@school.example", Role.SETTING, password=PASSWORD)
        with pytest.raises(AccountError, match="only setting accounts"):
            add_user(session, "b@council.example", Role.CASEWORKER, setting_urns=(urn,), password=PASSWORD)
        with pytest.raises(AccountError, match="at least 12 characters"):
            add_user(session, "c@council.example", Role.CASEWORKER, password="short")
        user = add_user(session, "d@council.example", Role.CASEWORKER, password=PASSWORD)
        assert user.password_hash and user.password_hash.startswith("$argon2id$")
        assert authenticate(session, "d@council.example", PASSWORD) is not None
        assert authenticate(session, "d@council.example", "wrong password!") is None
        assert authenticate(session, "nobody@council.example", PASSWORD) is None


def test_oidc_claims_name_an_existing_account_and_link_its_subject(factory: SessionFactory) -> None:
    make_account(factory, "cw@council.example", Role.CASEWORKER)
    with session_scope(factory) as session:
        user = account_for_claims(session, {"iss": ISSUER, "sub": "abc", "preferred_username": "CW@council.example"},
                                  email_claim="preferred_username")
        assert user.email == "cw@council.example"
        assert user.oidc_subject == f"{ISSUER}|abc"
    with session_scope(factory) as session:  # from now on the subject names it, whatever the email claim says
        again = account_for_claims(session, {"iss": ISSUER, "sub": "abc"}, email_claim="preferred_username")
        assert again.email == "cw@council.example"


@pytest.mark.parametrize(
    ("claims", "why"),
    [
        ({"iss": ISSUER, "sub": "x", "email": "stranger@council.example"}, "no account for stranger"),
        ({"iss": ISSUER, "sub": "x", "email": "cw@council.example", "email_verified": False}, "no verified email"),
        ({"iss": ISSUER, "email": "cw@council.example"}, "no issuer or subject"),
    ],
    ids=["no-account", "unverified", "no-subject"],
)
def test_oidc_claims_that_do_not_name_an_account_are_refused(factory: SessionFactory, claims, why: str) -> None:
    make_account(factory, "cw@council.example", Role.CASEWORKER)
    with session_scope(factory) as session, pytest.raises(OidcRefused, match=why):
        account_for_claims(session, claims, email_claim="email")


def test_oidc_refuses_a_disabled_account(factory: SessionFactory) -> None:
    make_account(factory, "cw@council.example", Role.CASEWORKER)
    with session_scope(factory) as session:
        user = find_user(session, "cw@council.example")
        assert user is not None
        user.disabled = True
    with session_scope(factory) as session, pytest.raises(OidcRefused, match="disabled"):
        account_for_claims(session, {"iss": ISSUER, "sub": "s", "email": "cw@council.example"}, email_claim="email")


def _bearer(factory: SessionFactory, email: str) -> dict[str, str]:
    with session_scope(factory) as session:
        user = session.scalars(select(StaffUser).where(StaffUser.email == email)).one()
        return {"Authorization": f"Bearer {create_api_token(session, user, 'test')}"}


def test_api_records_a_meeting_with_the_same_checks(factory: SessionFactory, app_client: TestClient,
                                                    bridge: FakeRuns) -> None:
    urn, reference = urn_with_reviews(factory, 2)
    make_account(factory, "senco@school.example", Role.SETTING, (urn,))
    headers = _bearer(factory, "senco@school.example")
    future = {"meeting_held_on": "2026-12-08", "preparing_for_adulthood_discussed": True}
    refused = app_client.post(f"/api/reviews/{reference}/meeting", json=future, headers=headers)
    assert refused.status_code == 422
    assert "is after today" in refused.text
    body = {"meeting_held_on": "2026-12-01", "preparing_for_adulthood_discussed": True, "attended": ["family"]}
    sent = app_client.post(f"/api/reviews/{reference}/meeting", json=body, headers=headers)
    assert sent.status_code == 200, sent.text
    assert sent.json()["status"] == "received"
    assert sent.json()["input"]["status"] == "received" and sent.json()["input"]["stage"] == 2
    assert bridge.resumed[0][1]["meeting_held_on"] == "2026-12-01"
    detail = app_client.get(f"/api/reviews/{reference}", headers=headers).json()
    assert detail["reference"] == reference and detail["stage"] == 2
    assert detail["latest_input"]["status"] == "received"  # being recorded: the run has not applied it yet
    again = app_client.post(f"/api/reviews/{reference}/meeting", json=body, headers=headers)
    assert again.status_code == 409 and "already being recorded" in again.text
    apply_received(factory, reference)
    detail = app_client.get(f"/api/reviews/{reference}", headers=headers).json()
    assert detail["stage"] == 3 and detail["latest_input"]["status"] == "applied"
    assert detail["latest_input"]["stage_after"] == 3
    record = app_client.get(f"/api/reviews/{reference}/record", headers=headers).json()
    assert record["content"]["meeting"]["attended"] == ["family"]


def test_the_api_takes_a_date_only_as_yyyy_mm_dd(factory: SessionFactory, app_client: TestClient,
                                                 bridge: FakeRuns) -> None:
    urn, reference = urn_with_reviews(factory, 2)
    make_account(factory, "senco@school.example", Role.SETTING, (urn,))
    headers = _bearer(factory, "senco@school.example")
    for bad in (1803427200, "1803427200", "20261201", "2026-12-01T00:00:00"):
        refused = app_client.post(f"/api/reviews/{reference}/meeting", json={"meeting_held_on": bad}, headers=headers)
        assert refused.status_code == 422 and "meeting_held_on" in refused.text, (bad, refused.text)
    assert bridge.resumed == []


def test_openapi_document_describes_the_api(app_client: TestClient) -> None:
    document = app_client.get("/api/openapi.json").json()
    assert "/api/reviews/{reference}" in document["paths"]
    assert "/api/reviews/{reference}/record" in document["paths"]
    assert "/login" not in document["paths"]  # pages are not part of the API


def test_feedback_is_stored_listed_for_managers_and_exported(factory: SessionFactory, app_client: TestClient,
                                                            client_for) -> None:
    token = csrf_of(app_client, "/feedback?page_path=/login")
    empty = app_client.post("/feedback", data={"csrf_token": token, "about": "/login", "feedback": ""})
    assert empty.status_code == 400 and "Enter your feedback" in empty.text
    thanked = app_client.post("/feedback", data={"csrf_token": token, "about": "/login",
                                                 "feedback": "The outcomes section needs more room"})
    assert thanked.status_code == 200 and "Thank you" in thanked.text
    with session_scope(factory) as session:
        assert session.scalars(select(Feedback.page)).all() == ["/login"]
    make_account(factory, "manager@council.example", Role.MANAGER)
    manager = client_for("manager@council.example")
    assert "The outcomes section needs more room" in manager.get("/manage/feedback").text
    exported = manager.get("/manage/feedback.csv")
    assert exported.headers["content-type"].startswith("text/csv")
    assert exported.text.splitlines()[0] == "id,left_at,page,staff_id,feedback"
    assert "needs more room" in exported.text


@pytest.mark.parametrize("path", ["/manage", "/manage/compliance", "/manage/compliance.csv", "/manage/sen2",
                                  "/manage/termly"])
def test_managers_pages_render(factory: SessionFactory, client_for, path: str) -> None:
    make_account(factory, "manager@council.example", Role.MANAGER)
    response = client_for("manager@council.example").get(path)
    assert response.status_code == 200, response.text
