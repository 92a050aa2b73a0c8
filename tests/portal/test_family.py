"""The family's contacts in the front door (issue 20): shown on the review page with a plain warning when a letter
cannot be addressed, edited by council staff with the import's checks and the GOV.UK error summary, audit-logged
without personal data; a sent letter downloaded from the review page; setting staff see none of it."""

from __future__ import annotations

from typing import Any

from fastapi.testclient import TestClient
from sqlalchemy import select

from portal.accounts import Role
from records.models import AuditEntry, Child, FamilyContact, LetterCopy, Notification, Plan, Review
from records.session import SessionFactory, session_scope
from rules.school_age import is_young_person
from tests.portal.conftest import TODAY, csrf_of, make_account, urn_with_reviews

GOOD = {
    "parent1-role": "parent", "parent1-given_name": "Robin", "parent1-family_name": "Synthetic-Parent",
    "parent1-email": "robin.parent@example.invalid", "parent1-channel": "email",
    "parent2-role": "carer", "parent2-given_name": "Kit", "parent2-family_name": "Synthetic-Carer",
    "parent2-address": "1 Example Street\nTesttown", "parent2-postcode": "te1 1st", "parent2-channel": "post",
    "parent2-large_print": "yes", "young_person-representative": "no", "young_person-copy_parents": "no",
}  # fmt: skip


def _reference(factory: SessionFactory, *, young: bool) -> str:
    with session_scope(factory) as session:
        rows = session.execute(
            select(Review.reference, Child.date_of_birth).join(Plan, Review.plan_id == Plan.id)
            .join(Child, Plan.child_id == Child.id).order_by(Review.reference)
        )  # fmt: skip
        return next(ref for ref, born in rows if is_young_person(born, TODAY) is young)


def _caseworker(factory: SessionFactory, client_for: Any) -> TestClient:
    make_account(factory, "caseworker@council.example", Role.CASEWORKER)
    client: TestClient = client_for("caseworker@council.example")
    return client


def test_a_caseworker_edits_the_family_and_the_change_is_audited_without_personal_data(
    factory: SessionFactory, client_for: Any
) -> None:
    reference = _reference(factory, young=False)
    client = _caseworker(factory, client_for)
    page = client.get(f"/reviews/{reference}").text
    assert "Who the letters go to" in page and "Change the family's contacts" in page
    form = f"/reviews/{reference}/family"
    token = csrf_of(client, form)
    saved = client.post(form, data={"csrf_token": token, **GOOD}, follow_redirects=False)
    assert saved.status_code == 303, saved.text
    with session_scope(factory) as session:
        review = session.scalars(select(Review).where(Review.reference == reference)).one()
        found = session.scalars(select(FamilyContact).where(FamilyContact.plan_id == review.plan_id))
        stored = {c.slot: c for c in found}
        assert set(stored) == {"parent1", "parent2"} and stored["parent2"].postcode == "TE1 1ST"
        assert stored["parent2"].large_print and stored["parent2"].role == "carer"
        audit = session.scalars(
            select(AuditEntry).where(AuditEntry.action == "family.updated", AuditEntry.review_id == review.id)
        ).one()
        assert audit.actor.startswith("STAFF-") or audit.actor != "test"
        assert "Synthetic" not in str(audit.detail) and "example.invalid" not in str(audit.detail)
    shown = client.get(f"/reviews/{reference}").text
    assert "Robin Synthetic-Parent" in shown and "Needs large print" in shown


BAD = {
    "parent1-email": ("robin at home", "not an email address"),
    "parent2-postcode": ("75001", "not a UK postcode"),
    "parent2-address": ("", "channel post needs a postal address"),
}


def test_bad_contacts_are_refused_with_the_error_summary_and_nothing_saved(
    factory: SessionFactory, client_for: Any
) -> None:
    reference = _reference(factory, young=True)
    client = _caseworker(factory, client_for)
    with session_scope(factory) as session:
        before = session.scalars(select(FamilyContact.id).order_by(FamilyContact.id)).all()
    form = f"/reviews/{reference}/family"
    token = csrf_of(client, form)
    bad = {**GOOD, **{field: value for field, (value, _) in BAD.items()}, "parent2-postcode": "75001",
           "young_person-representative": "yes"}  # fmt: skip
    refused = client.post(form, data={"csrf_token": token, **bad})
    assert refused.status_code == 400 and "There is a problem" in refused.text
    for field, (_, reason) in BAD.items():
        assert f'href="#{field}"' in refused.text or reason in refused.text
    assert "a young person&#39;s representative needs a name" in refused.text
    with session_scope(factory) as session:
        assert session.scalars(select(FamilyContact.id).order_by(FamilyContact.id)).all() == before


def test_the_review_page_warns_when_a_young_persons_letter_cannot_be_addressed(
    factory: SessionFactory, client_for: Any
) -> None:
    reference = _reference(factory, young=True)
    client = _caseworker(factory, client_for)
    form = f"/reviews/{reference}/family"
    token = csrf_of(client, form)
    assert client.post(form, data={"csrf_token": token, **GOOD}, follow_redirects=False).status_code == 303
    page = client.get(f"/reviews/{reference}").text
    assert "A family letter cannot be addressed" in page and "has no contact on record" in page


def test_a_sent_letter_is_downloaded_from_the_review_page_and_only_for_its_review(
    factory: SessionFactory, client_for: Any
) -> None:
    reference = _reference(factory, young=False)
    other = _reference(factory, young=True)
    with session_scope(factory) as session:
        review = session.scalars(select(Review).where(Review.reference == reference)).one()
        row = Notification(idempotency_key="t/1", review_id=review.id, channel="post", recipient_role="family",
                           template="decision-maintain", status="sent", letter_on=TODAY)  # fmt: skip
        session.add(row)
        session.flush()
        session.add(LetterCopy(notification_id=row.id, media_type="application/pdf", file_name="x.pdf",
                               content=b"%PDF-1.7 pretend"))  # fmt: skip
        row_id = row.id
    client = _caseworker(factory, client_for)
    page = client.get(f"/reviews/{reference}").text
    assert f"/reviews/{reference}/letters/{row_id}" in page and "in the print batch" in page
    got = client.get(f"/reviews/{reference}/letters/{row_id}")
    assert got.status_code == 200 and got.content == b"%PDF-1.7 pretend"
    assert got.headers["content-type"] == "application/pdf" and "attachment" in got.headers["content-disposition"]
    assert client.get(f"/reviews/{other}/letters/{row_id}").status_code == 404


def test_setting_staff_see_no_family_contacts_and_cannot_edit_them(factory: SessionFactory, client_for: Any) -> None:
    urn, reference = urn_with_reviews(factory, 2)
    make_account(factory, "senco@school.example", Role.SETTING, (urn,))
    client: TestClient = client_for("senco@school.example")
    assert "Who the letters go to" not in client.get(f"/reviews/{reference}").text
    assert client.get(f"/reviews/{reference}/family").status_code == 403
