"""Issue 23 item 4: a caseworker records a plan transferred in from another council (Reg 15) on the front door.

The plan gains the date and the old council's number, the open review's 12-month date moves to the later of its
own and 3 months from the transfer, a setting account may not record it, and a bad entry is refused with reasons."""

from __future__ import annotations

from datetime import date

from fastapi.testclient import TestClient
from sqlalchemy import select

from portal.accounts import Role
from records.models import AuditEntry, DeadlineRecord, Review
from records.session import SessionFactory, session_scope
from tests.portal.conftest import csrf_of, make_account, urn_with_reviews


def _review_due(factory: SessionFactory, reference: str) -> date:
    with session_scope(factory) as session:
        review = session.scalars(select(Review).where(Review.reference == reference)).one()
        return next(d.due_on for d in session.scalars(select(DeadlineRecord).where(
            DeadlineRecord.review_id == review.id, DeadlineRecord.key == "review_due")))


def test_a_caseworker_records_a_transfer_in_and_the_review_date_follows_reg_15(
    factory: SessionFactory, client_for
) -> None:
    _, reference = urn_with_reviews(factory, 1)
    before = _review_due(factory, reference)
    make_account(factory, "caseworker@council.example", Role.CASEWORKER)
    client: TestClient = client_for("caseworker@council.example")
    assert "Record a transfer in from another council" in client.get(f"/reviews/{reference}").text
    form = f"/reviews/{reference}/transfer-in"
    token = csrf_of(client, form)
    refused = client.post(form, data={"csrf_token": token, "transferred_on-day": "30", "transferred_on-month": "11",
                                      "transferred_on-year": "2026", "from_la": "Suffolk"})
    assert refused.status_code == 400 and "three-digit LA number" in refused.text
    later = client.post(form, data={"csrf_token": token, "transferred_on-day": "2", "transferred_on-month": "12",
                                    "transferred_on-year": "2026", "from_la": "935"})
    assert later.status_code == 400 and "after today" in later.text  # the business date is 1 December 2026
    sent = client.post(form, data={"csrf_token": token, "transferred_on-day": "30", "transferred_on-month": "11",
                                   "transferred_on-year": "2026", "from_la": "935"}, follow_redirects=False)
    assert sent.status_code == 303, sent.text
    assert "Transfer in recorded" in client.get(sent.headers["location"]).text
    assert _review_due(factory, reference) == max(before, date(2027, 2, 28))  # 3 months from Mon 30 Nov 2026
    with session_scope(factory) as session:
        review = session.scalars(select(Review).where(Review.reference == reference)).one()
        assert (review.plan.transferred_in_on, review.plan.transferred_from_la) == (date(2026, 11, 30), "935")
        actions = session.scalars(select(AuditEntry.action).where(AuditEntry.review_id == review.id)).all()
    assert "plan.transferred_in" in actions
    assert "Already recorded" in client.get(form).text


def test_a_setting_account_may_not_record_a_transfer_in(factory: SessionFactory, client_for) -> None:
    urn, reference = urn_with_reviews(factory, 1)
    make_account(factory, "senco@school.example", Role.SETTING, (urn,))
    client: TestClient = client_for("senco@school.example")
    assert client.get(f"/reviews/{reference}/transfer-in").status_code == 403
    assert "Record a transfer in" not in client.get(f"/reviews/{reference}").text
