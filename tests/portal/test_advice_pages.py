"""The advice link page (no account) and the advice page (setting and council), through the app."""

from __future__ import annotations

import io
import re
import zipfile
from datetime import timedelta
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select

from portal.accounts import Role
from portal.app import create_app
from portal.web import Portal
from records.models import (
    AdviceCirculation,
    AdviceMessage,
    AdviceReply,
    Invitee,
    Notification,
    Review,
    ReviewLink,
    Setting,
)
from records.session import SessionFactory, session_scope
from services.advice import request_advice
from services.advice_messages import render_advice_message
from services.attachments import MAX_BYTES
from tests.portal.advice_support import NEEDED_BY, advice_review
from tests.portal.conftest import CSRF, TODAY, make_account, urn_with_reviews
from tests.portal.test_advice_service import LA

PDF = b"%PDF-1.7\n1 0 obj << >> endobj\n%%EOF\n"


def _tokens(factory: SessionFactory, review_id: int) -> list[str]:
    """Request advice and render each request as the outbox would: the tokens the advisers are sent."""
    with session_scope(factory) as session:
        request_advice(session, review_id, today=TODAY, actor="S-1")
    tokens = []
    with session_scope(factory) as session:
        rows = session.scalars(select(Notification).join(AdviceMessage, AdviceMessage.notification_id ==
                                                         Notification.id).order_by(Notification.id)).all()
        for row in rows:
            message, _ = render_advice_message(session, row, la=LA, today=TODAY, portal_url="https://ar.example")
            tokens.append(message.body_text.split("/link/advice/")[1].split()[0])
    return tokens


@pytest.fixture
def link_client(portal: Portal) -> Any:
    with TestClient(create_app(portal)) as client:
        yield client


@pytest.fixture
def advised(factory: SessionFactory) -> tuple[int, str, str, list[str]]:
    urn, reference = urn_with_reviews(factory, 1)
    review_id, _ = advice_review(factory, reference=reference)
    return review_id, reference, urn, _tokens(factory, review_id)


def _child(factory: SessionFactory, review_id: int) -> str:
    with session_scope(factory) as session:
        child = session.get_one(Review, review_id).plan.child
        return f"{child.given_name} {child.family_name}"


def _send(client: TestClient, token: str, advice: str = "", file: tuple[str, bytes, str] | None = None) -> Any:
    page = client.get(f"/link/advice/{token}")
    found = CSRF.search(page.text)
    assert found, page.text[:300]
    return client.post(f"/link/advice/{token}", data={"csrf_token": found[1], "advice": advice},
                       files={"advice_file": file} if file else {"advice_file": ("", b"", "application/pdf")},
                       follow_redirects=False)


def _replies(factory: SessionFactory) -> int:
    with session_scope(factory) as session:
        return session.scalar(select(func.count()).select_from(AdviceReply)) or 0


def test_the_link_page_names_the_child_only_for_a_live_token_and_refuses_all_else_alike(
        link_client: TestClient, factory: SessionFactory, advised: tuple[int, str, str, list[str]]) -> None:
    review_id, reference, _, (token, _other) = advised
    child = _child(factory, review_id)
    live = link_client.get(f"/link/advice/{token}")
    assert live.status_code == 200 and child in live.text and "Tuesday" not in live.text
    assert "29 December 2026" in live.text and reference not in live.text
    assert "default-src 'self'" in live.headers["Content-Security-Policy"]
    assert not re.search(r'(src|href)="(https?:)?//', live.text)  # nothing third-party
    tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
    refused = [link_client.get(f"/link/advice/{bad}") for bad in (tampered, "guess", "a" * 43, "../" + token)]
    assert {r.status_code for r in refused[:3]} == {404}
    assert len({r.text for r in refused[:3]}) == 1 and child not in refused[0].text
    assert "expired or is not valid" in refused[0].text and reference not in refused[0].text
    with session_scope(factory) as session:  # past its last day (the day after the meeting)
        for link in session.scalars(select(ReviewLink).where(ReviewLink.review_id == review_id)):
            link.expires_on = TODAY - timedelta(days=1)
    expired = link_client.get(f"/link/advice/{token}")
    assert expired.status_code == 404 and expired.text == refused[0].text


def test_typed_advice_is_taken_once_with_csrf_and_the_link_then_refuses(
        link_client: TestClient, factory: SessionFactory, advised: tuple[int, str, str, list[str]]) -> None:
    _, _, _, (token, _other) = advised
    no_csrf = link_client.post(f"/link/advice/{token}", data={"advice": "x"}, files={"f": ("", b"")})
    assert no_csrf.status_code in (400, 403) and _replies(factory) == 0
    empty = _send(link_client, token)
    assert empty.status_code == 400 and "Type your advice" in empty.text and _replies(factory) == 0
    sent = _send(link_client, token, "Needs a quiet room for tests.")
    assert sent.status_code == 303 and sent.headers["location"] == "/link/advice/sent"
    thanks = link_client.get("/link/advice/sent")
    assert thanks.status_code == 200 and "Advice sent" in thanks.text
    assert link_client.get("/link/advice/sent").status_code == 404  # once, and names nothing
    again = link_client.get(f"/link/advice/{token}")
    assert again.status_code == 404 and "expired or is not valid" in again.text
    with session_scope(factory) as session:
        (reply,) = session.scalars(select(AdviceReply)).all()
        assert reply.advice_text == "Needs a quiet room for tests." and reply.received_on == TODAY


def _zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"\0" * (5 * 1024 * 1024))
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "says"),
    [
        ("advice.pdf", b"<html><script>alert(1)</script></html>", "must be a PDF or a Word document"),
        ("advice.txt", b"plain words", "must be a PDF or a Word document"),
        ("advice.pdf", b"%PDF-" + b"0" * MAX_BYTES, "smaller than 10 MB"),
        ("advice.docx", _zip_bomb(), "zip bomb"),
        ("../../etc/advice.pdf", PDF, "must not include a folder"),
        ("..\\..\\advice.pdf", PDF, "must not include a folder"),
    ],
    ids=["html-named-pdf", "wrong-type", "over-limit", "zip-bomb", "slash-path", "backslash-path"],
)
def test_a_refused_upload_says_why_and_stores_nothing(
        link_client: TestClient, factory: SessionFactory, advised: tuple[int, str, str, list[str]], name: str,
        content: bytes, says: str) -> None:
    _, _, _, (token, _other) = advised
    answer = _send(link_client, token, "", (name, content, "application/pdf"))
    assert answer.status_code == 400 and says in answer.text
    assert "govuk-error-summary" in answer.text and _replies(factory) == 0
    assert link_client.get(f"/link/advice/{token}").status_code == 200  # the link still works


def test_an_uploaded_pdf_is_kept_and_downloaded_only_by_people_in_scope(
        link_client: TestClient, client_for: Any, factory: SessionFactory,
        advised: tuple[int, str, str, list[str]]) -> None:
    review_id, reference, urn, (token, _other) = advised
    assert _send(link_client, token, "", ("advice.pdf", PDF, "application/pdf")).status_code == 303
    with session_scope(factory) as session:
        reply_id = session.scalars(select(AdviceReply.id)).one()
    make_account(factory, "senco@setting.example", Role.SETTING, (urn,))
    with session_scope(factory) as session:
        other_urn = session.scalars(select(Setting.urn).where(Setting.urn != urn).order_by(Setting.urn)).first()
    assert other_urn
    make_account(factory, "other@setting.example", Role.SETTING, (other_urn,))
    mine, other = client_for("senco@setting.example"), client_for("other@setting.example")
    page = mine.get(f"/reviews/{reference}/advice")
    assert page.status_code == 200 and "Dr Adviser 0" in page.text and "On time" in page.text
    download = mine.get(f"/reviews/{reference}/advice/replies/{reply_id}/file")
    assert download.status_code == 200 and download.content == PDF
    assert download.headers["content-disposition"].startswith("attachment")
    assert other.get(f"/reviews/{reference}/advice/replies/{reply_id}/file").status_code == 404
    assert other.get(f"/reviews/{reference}/advice").status_code == 404
    assert mine.get(f"/reviews/{reference}/advice/replies/{reply_id}/text").status_code == 404  # none typed
    review_page = mine.get(f"/reviews/{reference}")
    assert 'id="advice"' in review_page.text and "1 of 2 replied" in review_page.text


def test_circulating_records_the_day_once_and_stage_1_shows_it_as_recorded_by_the_product(
        link_client: TestClient, client_for: Any, factory: SessionFactory,
        advised: tuple[int, str, str, list[str]]) -> None:
    review_id, reference, urn, (token, _other) = advised
    assert _send(link_client, token, "Advice in words.").status_code == 303
    with session_scope(factory) as session:  # as if it came the day after the needed-by day: late
        session.scalars(select(AdviceReply)).one().received_on = NEEDED_BY + timedelta(days=1)
    make_account(factory, "senco@setting.example", Role.SETTING, (urn,))
    mine = client_for("senco@setting.example")
    page = mine.get(f"/reviews/{reference}/advice")
    token_field = CSRF.search(page.text)
    assert token_field and "Circulate the advice" in page.text and "Late" in page.text and "On time" not in page.text
    done = mine.post(f"/reviews/{reference}/advice/circulate", data={"csrf_token": token_field[1]},
                     follow_redirects=False)
    assert done.status_code == 303
    after = mine.get(f"/reviews/{reference}/advice")
    assert "3 messages queued" in after.text and "circulated to everyone invited on 1 December 2026" in after.text
    again = mine.post(f"/reviews/{reference}/advice/circulate", data={"csrf_token": token_field[1]})
    assert again.status_code == 400 and "circulated already" in again.text
    with session_scope(factory) as session:
        assert session.get_one(AdviceCirculation, review_id).circulated_on == TODAY
    stage_1 = mine.get(f"/reviews/{reference}")
    assert "Recorded by the product" in stage_1.text
    assert 'name="advice_circulated_on-day" type="text" inputmode="numeric" value="1"' in stage_1.text


def test_only_the_council_circulates_for_an_la_led_review(
        client_for: Any, factory: SessionFactory, advised: tuple[int, str, str, list[str]]) -> None:
    review_id, reference, urn, _tokens_ = advised
    with session_scope(factory) as session:
        session.get_one(Review, review_id).led_by = "la"
        invitee = session.scalars(select(Invitee).where(Invitee.review_id == review_id)).first()
        assert invitee is not None
    make_account(factory, "senco@setting.example", Role.SETTING, (urn,))
    mine = client_for("senco@setting.example")
    page = mine.get(f"/reviews/{reference}/advice")
    assert "Circulate the advice" not in page.text
    found = CSRF.search(page.text)
    assert found
    refused = mine.post(f"/reviews/{reference}/advice/circulate", data={"csrf_token": found[1]})
    assert refused.status_code == 403
    make_account(factory, "caseworker@council.example", Role.CASEWORKER)
    council = client_for("caseworker@council.example")
    assert "Circulate the advice" in council.get(f"/reviews/{reference}/advice").text


def test_stage_1_sends_the_circulation_date_the_product_recorded_not_a_typed_one(
        client_for: Any, factory: SessionFactory, bridge: Any, advised: tuple[int, str, str, list[str]]) -> None:
    review_id, reference, urn, _tokens_ = advised
    with session_scope(factory) as session:
        session.add(AdviceCirculation(review_id=review_id, circulated_on=TODAY - timedelta(days=1),
                                      circulated_by="staff-1", replies=1))  # fmt: skip
    make_account(factory, "senco@setting.example", Role.SETTING, (urn,))
    mine = client_for("senco@setting.example")
    page = mine.get(f"/reviews/{reference}")
    found = CSRF.search(page.text)
    assert found and "Recorded by the product: the advice was circulated on 30 November 2026" in page.text
    dates = {"meeting_planned_on-day": "12", "meeting_planned_on-month": "1", "meeting_planned_on-year": "2027",
             "invited_family-day": "20", "invited_family-month": "11", "invited_family-year": "2026",
             "advice_circulated_on-day": "1", "advice_circulated_on-month": "12", "advice_circulated_on-year": "2026"}
    sent = mine.post(f"/reviews/{reference}/stages/1", data={**dates, "action": "send", "csrf_token": found[1]})
    assert sent.status_code == 200, sent.text[:500]
    [(_, form)] = bridge.resumed
    assert form["advice_circulated_on"] == "2026-11-30"  # the product's record, through preparation_entry
