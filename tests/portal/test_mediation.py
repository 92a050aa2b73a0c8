"""N10 (issue 18): a mediation certificate recorded through the front door's page and its API (council staff only).

The record and its deadlines change, the family's letter with the later appeal date is queued, a setting account
may not record it, and the API refuses a date that is not exactly YYYY-MM-DD (N15)."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import select

from portal.accounts import Role, create_api_token
from records.models import DeadlineRecord, Notification, Review, StaffUser
from records.session import SessionFactory, session_scope
from tests.portal.conftest import csrf_of, make_account, urn_with_reviews


def _maintained(factory: SessionFactory) -> tuple[str, date]:
    """A review whose maintain decision (the letter the appeal runs from) is recorded: (reference, its date)."""
    with session_scope(factory) as session:
        review = session.scalars(
            select(Review).where(Review.decision_outcome == "maintain").order_by(Review.reference)
        ).first()
        assert review is not None and review.decision_notified_on is not None
        return review.reference, review.decision_notified_on


def _letters(factory: SessionFactory, reference: str) -> list[tuple[str, str]]:
    with session_scope(factory) as session:
        review_id = session.scalars(select(Review.id).where(Review.reference == reference)).one()
        rows = session.execute(
            select(Notification.template, Notification.recipient_role).where(Notification.review_id == review_id)
        ).all()
        return [(str(kind), str(role)) for kind, role in rows]


def test_n10_a_caseworker_records_a_certificate_and_the_family_is_sent_the_later_appeal_date(
    factory: SessionFactory, client_for
) -> None:
    reference, decided = _maintained(factory)
    make_account(factory, "caseworker@council.example", Role.CASEWORKER)
    client: TestClient = client_for("caseworker@council.example")
    assert "Record a mediation certificate" in client.get(f"/reviews/{reference}").text
    form = f"/reviews/{reference}/mediation-certificate"
    token = csrf_of(client, form)
    day = {"issued_on-day": "30", "issued_on-month": "11", "issued_on-year": "2026"}
    before = {"issued_on-day": str(decided.day), "issued_on-month": str(decided.month), "issued_on-year": "2001"}
    refused = client.post(form, data={"csrf_token": token, **before})
    assert refused.status_code == 400 and "There is a problem" in refused.text
    sent = client.post(form, data={"csrf_token": token, **day}, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    assert "Mediation certificate recorded" in client.get(sent.headers["location"]).text
    with session_scope(factory) as session:
        review = session.scalars(select(Review).where(Review.reference == reference)).one()
        appeal = session.scalars(
            select(DeadlineRecord.due_on).where(
                DeadlineRecord.review_id == review.id, DeadlineRecord.key == "appeal_due"
            )
        ).one()
        assert review.mediation_certificate_on == date(2026, 11, 30)
        assert appeal >= date(2026, 12, 30)  # at least 1 month from the certificate (HESC r20(1)(c)(ii))
    assert ("appeal-after-mediation", "family") in _letters(factory, reference)


def test_n10_a_setting_account_may_not_record_a_certificate(factory: SessionFactory, client_for) -> None:
    reference, _ = _maintained(factory)
    urn, _ = urn_with_reviews(factory, 1)
    make_account(factory, "senco@school.example", Role.SETTING, (urn,))
    client: TestClient = client_for("senco@school.example")
    assert client.get(f"/reviews/{reference}/mediation-certificate").status_code in (403, 404)


def test_n10_the_api_records_a_certificate_and_refuses_a_timestamp(
    factory: SessionFactory, app_client: TestClient
) -> None:
    reference, _ = _maintained(factory)
    make_account(factory, "manager@council.example", Role.MANAGER)
    with session_scope(factory) as session:
        user = session.scalars(select(StaffUser).where(StaffUser.email == "manager@council.example")).one()
        headers = {"Authorization": f"Bearer {create_api_token(session, user, 'test')}"}
    path = f"/api/reviews/{reference}/mediation-certificate"
    assert app_client.post(path, json={"issued_on": 1803427200}, headers=headers).status_code == 422
    assert app_client.post(path, json={"issued_on": "20261130"}, headers=headers).status_code == 422
    recorded = app_client.post(path, json={"issued_on": "2026-11-30"}, headers=headers)
    assert recorded.status_code == 200, recorded.text
    assert recorded.json()["status"] == "recorded" and recorded.json()["appeal_due_on"] >= "2026-12-30"
    queued = _letters(factory, reference).count(("appeal-after-mediation", "family"))  # one per addressee
    again = app_client.post(path, json={"issued_on": "2026-11-30"}, headers=headers)
    assert again.json()["status"] == "unchanged"
    assert _letters(factory, reference).count(("appeal-after-mediation", "family")) == queued >= 1
    assert (
        app_client.post(
            "/api/reviews/AR-0000-00000/mediation-certificate", json={"issued_on": "2026-11-30"}, headers=headers
        ).status_code
        == 404
    )
