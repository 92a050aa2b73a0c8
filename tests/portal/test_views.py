"""The family's and the child's views through their links (issue 21, item 3): asked once, kept in the records and
the meeting record's draft only, a link used once, bad answers named, the easy-read form for the child."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from notices.kinds import MessageKind
from notices.recipients import load_la_directory
from portal.app import create_app
from portal.web import Portal
from records.models import AuditEntry, Invitee, MeetingRecord, Notification, Review, ReviewLink, ViewsReply
from records.session import SessionFactory, session_scope
from rules.rule_set import ENGLAND_2014
from services.advice_messages import render_advice_message
from services.invitations import invite_family, send_invitations
from services.views import ViewsRefused, receive_views, send_views_links
from tests.portal.conftest import TODAY
from tests.portal.test_invitations import _arrange, _stage_one

LA = load_la_directory(Path("examples/la_roles.toml"))
AT = datetime(2026, 12, 2, 10, tzinfo=UTC)


def _invited_family(factory: SessionFactory) -> tuple[int, str]:
    review_id, reference, _ = _stage_one(factory)
    with session_scope(factory) as session:
        review = session.get_one(Review, review_id)
        _arrange(session, review)
        invite_family(session, review, today=TODAY, actor="S-1")
        send_invitations(session, review, today=TODAY, actor="S-1", rule_set=ENGLAND_2014)
    return review_id, reference


def _links(factory: SessionFactory, kind: MessageKind) -> list[str]:
    """Render each queued views request as the outbox does; return the links they carry."""
    with session_scope(factory) as session:
        rows = session.scalars(select(Notification).where(Notification.template == kind.value)
                               .order_by(Notification.id)).all()
        bodies = [render_advice_message(session, row, la=LA, today=TODAY, portal_url="https://ar.example")[0].body_text
                  for row in rows]
    return [body.split("https://ar.example")[1].split()[0] for body in bodies]


def test_views_need_a_meeting_and_an_invited_family(factory: SessionFactory) -> None:
    review_id, _, _ = _stage_one(factory)
    with session_scope(factory) as session:
        review = session.get_one(Review, review_id)
        with pytest.raises(ViewsRefused, match="Arrange the meeting first"):
            send_views_links(session, review, today=TODAY, actor="S-1")
        _arrange(session, review)
        with pytest.raises(ViewsRefused, match="Invite the family first"):
            send_views_links(session, review, today=TODAY, actor="S-1")


def test_the_family_and_the_child_are_each_asked_once_and_the_childs_form_is_easy_read(
        factory: SessionFactory) -> None:
    review_id, _ = _invited_family(factory)
    with session_scope(factory) as session:
        review = session.get_one(Review, review_id)
        first = send_views_links(session, review, today=TODAY, actor="S-1")
        assert first >= 2 and send_views_links(session, review, today=TODAY, actor="S-1") == 0
        young = session.scalar(select(Invitee.id).where(Invitee.review_id == review_id,
                                                        Invitee.kind == "young_person"))
    child = _links(factory, MessageKind.CHILD_VIEWS_REQUEST)
    family = _links(factory, MessageKind.FAMILY_VIEWS_REQUEST)
    assert child and all(link.endswith("/easy-read") for link in child)
    assert family or young is not None  # a child's parents are asked; a young person may have no parents on the list
    with session_scope(factory) as session:  # the outbox rows and the audit log hold no words and no token
        keys = session.scalars(select(Notification.idempotency_key)).all()
        assert not any("/link/" in key for key in keys)


def test_answers_land_in_the_records_and_the_draft_once_and_never_leave(factory: SessionFactory) -> None:
    review_id, _ = _invited_family(factory)
    with session_scope(factory) as session:
        send_views_links(session, session.get_one(Review, review_id), today=TODAY, actor="S-1")
    _links(factory, MessageKind.CHILD_VIEWS_REQUEST)
    with session_scope(factory) as session:
        link = session.scalars(select(ReviewLink).where(ReviewLink.purpose == "young_person_views")).first()
        assert link is not None
        with pytest.raises(ViewsRefused) as nothing:
            receive_views(session, link_id=link.id, given={}, easy_read=True, today=TODAY, at=AT)
        assert nothing.value.field == "views"
        with pytest.raises(ViewsRefused) as long:
            receive_views(session, link_id=link.id, given={"hard": "x" * 5_001}, easy_read=True, today=TODAY, at=AT)
        assert long.value.field == "hard"
        receive_views(session, link_id=link.id, given={"going_well": "Pretend-child: I like art", "hopes": "A dog"},
                      easy_read=True, today=TODAY, at=AT)
        with pytest.raises(ViewsRefused) as again:
            receive_views(session, link_id=link.id, given={"views": "again"}, easy_read=True, today=TODAY, at=AT)
        assert again.value.field == "link"
    with session_scope(factory) as session:
        record = session.scalars(select(MeetingRecord).where(MeetingRecord.review_id == review_id)).one()
        draft = record.content["record"]
        assert "Pretend-child: I like art" in draft["child_views"] and "A dog" in draft["child_views"]
        assert "family_views" not in draft
        assert session.scalars(select(ViewsReply)).one().easy_read is True
        details = " ".join(str(entry.detail) for entry in session.scalars(select(AuditEntry)))
        assert "Pretend-child" not in details


def _client(portal: Portal) -> TestClient:
    return TestClient(create_app(portal))


def test_the_link_pages_name_the_problem_thank_once_and_refuse_a_used_link(portal: Portal,
                                                                           factory: SessionFactory) -> None:
    review_id, _ = _invited_family(factory)
    with session_scope(factory) as session:
        send_views_links(session, session.get_one(Review, review_id), today=TODAY, actor="S-1")
    link = _links(factory, MessageKind.FAMILY_VIEWS_REQUEST)[0]
    with _client(portal) as client:
        form = client.get(link)
        assert form.status_code == 200 and "Content-Security-Policy" in form.headers
        assert "Use the easy read form, with pictures" in form.text
        easy = client.get(f"{link}/easy-read")
        assert easy.status_code == 200 and 'src="/static/easy-read/going-well.svg" alt="A smiling face"' in easy.text
        token = form.text.split('name="csrf_token" value="')[1].split('"')[0]
        empty = client.post(link, data={"csrf_token": token}, follow_redirects=False)
        assert empty.status_code == 400 and 'href="#views"' in empty.text
        sent: Any = client.post(link, data={"csrf_token": token, "hard": "Pretend-family: mornings"},
                                follow_redirects=False)
        assert sent.status_code == 303 and sent.headers["location"] == "/link/views/sent"
        assert "Your views have been sent" in client.get("/link/views/sent").text
        assert client.get("/link/views/sent").status_code == 404  # thanked once
        used = client.get(link)
        assert used.status_code == 404 and "This link has expired or is not valid" in used.text
    with session_scope(factory) as session:
        draft = session.scalars(select(MeetingRecord).where(MeetingRecord.review_id == review_id)).one().content
        assert "Pretend-family: mornings" in draft["record"]["family_views"]
