"""Advice requested, received, reminded and circulated (services.advice): once each, by the injected date."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, select

from notices.kinds import MessageKind
from notices.recipients import load_la_directory
from records.links import open_link
from records.models import (
    AdviceCirculation,
    AdviceMessage,
    AdviceReply,
    Invitee,
    LinkPurpose,
    Notification,
    Review,
    ReviewLink,
)
from records.session import SessionFactory, session_scope
from services.advice import (
    AdviceRefused,
    advice_rows,
    circulate_advice,
    circulated_on,
    queue_advice_reminders,
    receive_advice,
    request_advice,
)
from services.advice_messages import render_advice_message
from services.attachments import check_upload
from tests.portal.advice_support import MEETING_ON, NEEDED_BY, advice_review
from tests.portal.conftest import TODAY

AT = datetime(2026, 12, 2, 10, tzinfo=UTC)
ADVICE = frozenset({LinkPurpose.ADVICE})
LA = load_la_directory(Path("examples/la_roles.toml"))


def _kinds(factory: SessionFactory, kind: MessageKind) -> list[str]:
    with session_scope(factory) as session:
        return list(session.scalars(select(Notification.idempotency_key).where(Notification.template == kind.value)
                                    .order_by(Notification.id)))


def _request_token(factory: SessionFactory, invitee_id: int) -> str:
    """Render the invitee's queued request (as the outbox does) and return the token its link carries."""
    with session_scope(factory) as session:
        row = session.scalars(select(Notification).join(AdviceMessage, AdviceMessage.notification_id == Notification.id)
                              .where(AdviceMessage.invitee_id == invitee_id,
                                     Notification.template == MessageKind.ADVICE_REQUEST.value)).one()
        message, recipient = render_advice_message(session, row, la=LA, today=TODAY, portal_url="https://ar.example")
    assert recipient.email and recipient.email.endswith("@health.example") and recipient.name
    assert "/link/advice/" in message.body_text and "Tuesday 29 December 2026" in message.body_text
    assert recipient.name not in message.subject and recipient.email not in message.subject
    return message.body_text.split("/link/advice/")[1].split()[0]


def _advisers(factory: SessionFactory, review_id: int) -> list[int]:
    with session_scope(factory) as session:
        return list(session.scalars(select(Invitee.id).where(Invitee.review_id == review_id,
                                                             Invitee.advice_requested.is_(True)).order_by(Invitee.id)))


def test_request_advice_issues_one_link_and_request_per_adviser_once(factory: SessionFactory) -> None:
    review_id, reference = advice_review(factory)
    with session_scope(factory) as session:
        assert request_advice(session, review_id, today=TODAY, actor="S-1") == 2
    with session_scope(factory) as session:
        assert request_advice(session, review_id, today=TODAY, actor="S-1") == 0  # idempotent
        links = session.scalars(select(ReviewLink).where(ReviewLink.review_id == review_id)).all()
        assert len(links) == 2 and {link.expires_on for link in links} == {MEETING_ON + timedelta(days=1)}
        assert {link.purpose for link in links} == {LinkPurpose.ADVICE.value}
    keys = _kinds(factory, MessageKind.ADVICE_REQUEST)
    assert len(keys) == 2 and all(key.startswith(f"{reference}/advice-request/") for key in keys)
    with session_scope(factory) as session:  # the outbox row holds no name or address
        row = session.scalars(select(Notification).where(Notification.template == "advice-request")).first()
        assert row is not None and row.recipient_address is None and "Adviser" not in row.idempotency_key


def test_request_advice_skips_the_removed_the_uninvited_and_a_review_without_a_meeting(
        factory: SessionFactory) -> None:
    review_id, _ = advice_review(factory, advisers=3)
    first, second, third = _advisers(factory, review_id)
    with session_scope(factory) as session:
        session.get_one(Invitee, first).removed = True
        session.get_one(Invitee, second).invited_on = None
    with session_scope(factory) as session:
        assert request_advice(session, review_id, today=TODAY, actor="S-1") == 1
        session.get_one(Review, review_id).meeting_planned_on = None
        session.get_one(Invitee, second).invited_on = TODAY
        assert request_advice(session, review_id, today=TODAY, actor="S-1") == 0
    assert third


def test_the_request_carries_a_fresh_link_that_opens_once_and_replaces_the_first(factory: SessionFactory) -> None:
    review_id, _ = advice_review(factory, advisers=1)
    (adviser,) = _advisers(factory, review_id)
    with session_scope(factory) as session:
        request_advice(session, review_id, today=TODAY, actor="S-1")
    token = _request_token(factory, adviser)
    with session_scope(factory) as session:
        live = session.scalars(select(ReviewLink).where(ReviewLink.invitee_id == adviser,
                                                        ReviewLink.revoked.is_(False))).all()
        assert len(live) == 1  # the first link, whose token was never kept, is revoked
        link = open_link(session, token, ADVICE, TODAY)
        assert link is not None and link.invitee_id == adviser
        reply_id = receive_advice(session, link_id=link.id, text="Reading age 7; needs a scribe.", upload=None,
                                  today=TODAY, at=AT)
        assert reply_id
    with session_scope(factory) as session:
        assert open_link(session, token, ADVICE, TODAY) is None  # used
        link_id = session.scalars(select(ReviewLink.id).where(ReviewLink.invitee_id == adviser,
                                                             ReviewLink.revoked.is_(False))).one()
        with pytest.raises(AdviceRefused, match="used already"):
            receive_advice(session, link_id=link_id, text="again", upload=None, today=TODAY, at=AT)
    with session_scope(factory) as session:
        assert session.scalar(select(func.count()).select_from(AdviceReply)) == 1
        assert request_advice(session, review_id, today=TODAY, actor="S-1") == 0  # a used link: no new request


def test_receive_advice_refuses_nothing_and_too_much(factory: SessionFactory) -> None:
    review_id, _ = advice_review(factory, advisers=1)
    with session_scope(factory) as session:
        request_advice(session, review_id, today=TODAY, actor="S-1")
        link_id = session.scalars(select(ReviewLink.id).where(ReviewLink.review_id == review_id)).one()
        with pytest.raises(AdviceRefused, match="Type your advice"):
            receive_advice(session, link_id=link_id, text="  ", upload=None, today=TODAY, at=AT)
        with pytest.raises(AdviceRefused, match="characters or fewer"):
            receive_advice(session, link_id=link_id, text="x" * 20_001, upload=None, today=TODAY, at=AT)
        assert session.get_one(ReviewLink, link_id).used_at is None
        pdf = check_upload("../../advice.pdf", b"%PDF-1.7\n advice")
        reply_id = receive_advice(session, link_id=link_id, text="", upload=pdf, today=TODAY, at=AT)
        reply = session.get_one(AdviceReply, reply_id)
        assert (reply.file_name, reply.size, reply.advice_text) == ("advice.pdf", len(pdf.content), None)


def _reply(factory: SessionFactory, review_id: int, invitee_id: int, on: object) -> None:
    with session_scope(factory) as session:
        link_id = session.scalars(select(ReviewLink.id).where(ReviewLink.invitee_id == invitee_id)).one()
        receive_advice(session, link_id=link_id, text="Advice.", upload=None, today=on, at=AT)  # type: ignore[arg-type]


def test_reminders_go_14_and_3_days_before_needed_by_once_each_and_not_to_those_who_replied(
        factory: SessionFactory) -> None:
    review_id, reference = advice_review(factory)
    first, second = _advisers(factory, review_id)
    with session_scope(factory) as session:
        request_advice(session, review_id, today=TODAY, actor="S-1")
    day = TODAY
    sent: dict[str, int] = {}
    while day <= NEEDED_BY + timedelta(days=3):
        if day == NEEDED_BY - timedelta(days=7):
            _reply(factory, review_id, first, day)  # the first replies between the two reminders
        with session_scope(factory) as session:
            count = queue_advice_reminders(session, day)
        with session_scope(factory) as session:  # the clock may run twice a day: nothing more is queued
            assert queue_advice_reminders(session, day) == 0
        if count:
            sent[day.isoformat()] = count
        day += timedelta(days=1)
    assert sent == {"2026-12-15": 2, "2026-12-26": 1}
    keys = _kinds(factory, MessageKind.ADVICE_REMINDER)
    assert keys == [f"{reference}/advice-reminder/{first}/2026-12-29/14",
                    f"{reference}/advice-reminder/{second}/2026-12-29/14",
                    f"{reference}/advice-reminder/{second}/2026-12-29/3"]


def test_circulate_sends_every_invitee_the_advice_and_records_the_day_once(factory: SessionFactory) -> None:
    review_id, _ = advice_review(factory)
    first, _second = _advisers(factory, review_id)
    with session_scope(factory) as session:
        request_advice(session, review_id, today=TODAY, actor="S-1")
        with pytest.raises(AdviceRefused, match="nothing to circulate"):
            circulate_advice(session, review_id, today=TODAY, actor="S-1")
    _reply(factory, review_id, first, TODAY)
    later = TODAY + timedelta(days=5)
    with session_scope(factory) as session:
        assert circulate_advice(session, review_id, today=later, actor="S-1") == 3  # two advisers and the parent
    with session_scope(factory) as session:
        assert circulated_on(session, review_id) == later
        assert session.get_one(AdviceCirculation, review_id).replies == 1
        with pytest.raises(AdviceRefused, match="circulated already"):
            circulate_advice(session, review_id, today=later, actor="S-1")
        row = session.scalars(select(Notification).where(Notification.template == "advice-circulated")
                              .order_by(Notification.id)).first()
        assert row is not None
        message, recipient = render_advice_message(session, row, la=LA, today=later, portal_url="https://x")
        assert "Advice." in message.body_text and "Dr Adviser 0" in message.body_text
        assert "/link/" not in message.body_text and recipient.email == "adviser0@health.example"
        rows = advice_rows(session, session.get_one(Review, review_id))
        assert [(r.received_on, r.late) for r in rows] == [(TODAY, False), (None, False)]


def test_the_circulated_email_carries_the_uploaded_documents_when_the_channel_attaches_files(
        factory: SessionFactory) -> None:
    from notices.channels.smtp import email_message

    review_id, _ = advice_review(factory)
    first, second = _advisers(factory, review_id)
    pdf = check_upload("SALT.pdf", b"%PDF-1.7\n pretend")
    with session_scope(factory) as session:
        request_advice(session, review_id, today=TODAY, actor="S-1")
        links = {link.invitee_id: link.id for link in session.scalars(select(ReviewLink))}
        receive_advice(session, link_id=links[first], text="Typed.", upload=None, today=TODAY, at=AT)
        receive_advice(session, link_id=links[second], text="", upload=pdf, today=TODAY, at=AT)
        circulate_advice(session, review_id, today=TODAY, actor="S-1")
    with session_scope(factory) as session:
        row = session.scalars(select(Notification).where(Notification.template == "advice-circulated")
                              .order_by(Notification.id)).first()
        assert row is not None
        attached, recipient = render_advice_message(session, row, la=LA, today=TODAY, portal_url="https://x")
        named, _ = render_advice_message(session, row, la=LA, today=TODAY, portal_url="https://x",
                                         attach_files=False)
    assert attached.files == (("SALT.pdf", "application/pdf", pdf.content),)
    assert "SALT.pdf, attached to this email" in attached.body_text
    assert named.files == () and "could not be sent with this email" in named.body_text
    assert recipient.email
    mail = email_message(attached, from_address="ar@council.example", to_address=recipient.email, sent_at=AT)
    (part,) = list(mail.iter_attachments())
    assert part.get_filename() == "SALT.pdf" and part.get_content() == pdf.content


def test_two_submissions_through_one_link_store_one_reply(factory: SessionFactory) -> None:
    """Both requests opened the link before either stored anything: the second finds it used and stores nothing."""
    review_id, _ = advice_review(factory, advisers=1)
    (adviser,) = _advisers(factory, review_id)
    with session_scope(factory) as session:
        request_advice(session, review_id, today=TODAY, actor="S-1")
    token = _request_token(factory, adviser)
    with session_scope(factory) as session:
        opened = open_link(session, token, ADVICE, TODAY)
        assert opened is not None
        link_id = opened.id
    with session_scope(factory) as session:
        receive_advice(session, link_id=link_id, text="First.", upload=None, today=TODAY, at=AT)
    with session_scope(factory) as session, pytest.raises(AdviceRefused, match="used already"):
        receive_advice(session, link_id=link_id, text="Second.", upload=None, today=TODAY, at=AT)
    with session_scope(factory) as session:
        assert [r.advice_text for r in session.scalars(select(AdviceReply))] == ["First."]
