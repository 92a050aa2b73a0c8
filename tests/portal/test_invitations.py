"""Invitations sent by the product (issue 21, item 1): the meeting arranged, the family from the records, staff and
professionals added, one invitation per person and channel, the day recorded (late when inside two weeks), a moved
meeting announced, and stage 1's form filled from what the product recorded."""

from __future__ import annotations

import re
from base64 import b64decode
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from notices.kinds import MessageKind
from notices.recipients import load_la_directory
from portal.accounts import Role
from records.links import issue_link, open_link
from records.models import (
    FamilyContact,
    Invitee,
    InviteeKind,
    LinkPurpose,
    Notification,
    NotificationStatus,
    Plan,
    Review,
    Setting,
)
from records.session import SessionFactory, session_scope
from rules.rule_set import ENGLAND_2014
from services.advice_messages import render_advice_message
from services.invitations import (
    InvitationRefused,
    add_invitee,
    arrange_meeting,
    invitation_dates,
    invite_family,
    invitees_of,
    send_invitations,
)
from tests.portal.conftest import TODAY, csrf_of, make_account

LA = load_la_directory(Path("examples/la_roles.toml"))
MEETING_ON = date(2027, 1, 12)  # invitations due by 29 December 2026
LATE_MEETING_ON = TODAY + timedelta(days=10)


def _stage_one(factory: SessionFactory, *, led_by: str = "setting") -> tuple[int, str, str]:
    """(review id, reference, setting URN) of a stage-1 review whose family has contacts on record."""
    with session_scope(factory) as session:
        rows = session.execute(select(Review, Setting.urn).join(Plan, Plan.id == Review.plan_id)
                               .join(Setting, Setting.id == Plan.setting_id)
                               .where(Review.stage == 1, Review.led_by == led_by).order_by(Review.reference))
        for review, urn in rows:
            if session.scalar(select(FamilyContact.id).where(FamilyContact.plan_id == review.plan_id)):
                return review.id, review.reference, urn
    raise LookupError("no stage-1 review with a family on record")


def _arrange(session: Any, review: Review, meeting_on: date = MEETING_ON) -> int:
    return arrange_meeting(session, review, meeting_on=meeting_on, starts_at="14:30", place="Room 2, Pretend School",
                           online_link="", today=TODAY, actor="S-1")


def _rows(factory: SessionFactory, kind: MessageKind) -> list[tuple[str, str]]:
    with session_scope(factory) as session:
        return [(row.idempotency_key, row.channel) for row in session.scalars(
            select(Notification).where(Notification.template == kind.value).order_by(Notification.id))]


def test_the_meeting_is_refused_with_each_field_named(factory: SessionFactory) -> None:
    review_id, _, _ = _stage_one(factory)
    with session_scope(factory) as session:
        review = session.get_one(Review, review_id)
        with pytest.raises(InvitationRefused) as refused:
            arrange_meeting(session, review, meeting_on=TODAY - timedelta(days=1), starts_at="25:00", place="",
                            online_link="zoom.example/123", today=TODAY, actor="S-1")
    fields = [problem.field for problem in refused.value.problems]
    assert fields == ["meeting_on", "starts_at", "online_link"] or fields == ["meeting_on", "starts_at", "place",
                                                                              "online_link"]


def test_people_are_added_with_their_problems_named_and_nobody_twice(factory: SessionFactory) -> None:
    review_id, _, _ = _stage_one(factory)
    with session_scope(factory) as session:
        review = session.get_one(Review, review_id)
        with pytest.raises(InvitationRefused) as refused:
            add_invitee(session, review, kind=InviteeKind.PROFESSIONAL, role="", other_role="", name=" ",
                        email="not-an-email", advice_requested=True, actor="S-1")
        assert [p.field for p in refused.value.problems] == ["role", "name", "email"]
        add_invitee(session, review, kind=InviteeKind.PROFESSIONAL, role="Educational psychologist", other_role="",
                    name="Dr Pretend EP", email="ep@la.example", advice_requested=True, actor="S-1")
        with pytest.raises(InvitationRefused) as twice:
            add_invitee(session, review, kind=InviteeKind.PROFESSIONAL, role="Health professional", other_role="",
                        name="Dr Again", email="EP@la.example", advice_requested=False, actor="S-1")
        assert twice.value.problems[0].field == "email" and "already on the list" in twice.value.problems[0].message
        assert invite_family(session, review, today=TODAY, actor="S-1") >= 1
        assert invite_family(session, review, today=TODAY, actor="S-1") == 0


def test_invitations_go_once_per_person_and_channel_and_the_day_is_stage_ones(factory: SessionFactory) -> None:
    review_id, reference, _ = _stage_one(factory)
    with session_scope(factory) as session:
        review = session.get_one(Review, review_id)
        _arrange(session, review)
        family = invite_family(session, review, today=TODAY, actor="S-1")
        first = session.scalars(select(FamilyContact).join(Invitee, Invitee.family_contact_id == FamilyContact.id)
                                .where(Invitee.review_id == review_id).order_by(FamilyContact.id)).first()
        assert first is not None
        first.channel = "both"  # this parent wants an email and a letter
        add_invitee(session, review, kind=InviteeKind.SETTING, role="Head teacher or principal", other_role="",
                    name="Ms Pretend Head", email="head@school.example", advice_requested=False, actor="S-1")
        add_invitee(session, review, kind=InviteeKind.PROFESSIONAL, role="Health professional", other_role="",
                    name="Dr Pretend Health", email="health@nhs.example", advice_requested=True, actor="S-1")
        sent = send_invitations(session, review, today=TODAY, actor="S-1", rule_set=ENGLAND_2014)
        assert (sent.people, sent.advice_requests, sent.late) == (family + 2, 1, False)
        assert sent.messages >= sent.people + 1  # the parent who asked for both gets an email and a letter
    rows = _rows(factory, MessageKind.MEETING_INVITATION)
    assert len(rows) == sent.messages and len(set(rows)) == len(rows)
    assert ("post" in {channel for _, channel in rows}) and all(key.startswith(f"{reference}/") for key, _ in rows)
    assert len(_rows(factory, MessageKind.ADVICE_REQUEST)) == 1
    with session_scope(factory) as session:
        review = session.get_one(Review, review_id)
        with pytest.raises(InvitationRefused) as again:  # a second press sends nothing
            send_invitations(session, review, today=TODAY, actor="S-1", rule_set=ENGLAND_2014)
        assert again.value.problems[0].field == "invitees"
        dates = invitation_dates(invitees_of(session, review_id))
    assert dates == {"family": TODAY, "head": TODAY, "health": TODAY}
    assert len(_rows(factory, MessageKind.MEETING_INVITATION)) == sent.messages


def test_an_invitation_inside_two_weeks_is_sent_recorded_and_flagged_late(factory: SessionFactory) -> None:
    review_id, _, _ = _stage_one(factory)
    with session_scope(factory) as session:
        review = session.get_one(Review, review_id)
        _arrange(session, review, LATE_MEETING_ON)
        add_invitee(session, review, kind=InviteeKind.SETTING, role="SENCO", other_role="", name="Pretend SENCO",
                    email="senco@school.example", advice_requested=False, actor="S-1")
        sent = send_invitations(session, review, today=TODAY, actor="S-1", rule_set=ENGLAND_2014)
        assert sent.late and sent.invitations_due == LATE_MEETING_ON - timedelta(days=14)
        assert invitees_of(session, review_id)[0].invited_on == TODAY


def test_moving_the_meeting_tells_everyone_invited_once_and_moves_the_links(factory: SessionFactory) -> None:
    review_id, _, _ = _stage_one(factory)
    with session_scope(factory) as session:
        review = session.get_one(Review, review_id)
        _arrange(session, review)
        add_invitee(session, review, kind=InviteeKind.PROFESSIONAL, role="Educational psychologist", other_role="",
                    name="Dr Pretend EP", email="ep@la.example", advice_requested=True, actor="S-1")
        send_invitations(session, review, today=TODAY, actor="S-1", rule_set=ENGLAND_2014)
        _, token = issue_link(session, review_id=review_id, purpose=LinkPurpose.ADVICE,
                              expires_on=MEETING_ON + timedelta(days=1), created_by="S-1")
        sooner = MEETING_ON + timedelta(days=1)
        assert _arrange(session, review, sooner) == 0  # the invitation is still unsent: it will carry the new date
        for row in session.scalars(select(Notification).where(
                Notification.template == MessageKind.MEETING_INVITATION.value)):
            row.status = NotificationStatus.SENT.value
        later = MEETING_ON + timedelta(days=7)
        assert _arrange(session, review, later) == 1
        assert _arrange(session, review, later) == 0  # the same arrangement again tells nobody
        assert open_link(session, token, frozenset({LinkPurpose.ADVICE}), later + timedelta(days=1)) is not None
    assert len(_rows(factory, MessageKind.MEETING_CHANGED)) == 1


def test_the_invitation_reads_as_a_letter_to_a_parent_and_a_professional(factory: SessionFactory) -> None:
    review_id, reference, _ = _stage_one(factory)
    with session_scope(factory) as session:
        review = session.get_one(Review, review_id)
        _arrange(session, review)
        invite_family(session, review, today=TODAY, actor="S-1")
        add_invitee(session, review, kind=InviteeKind.PROFESSIONAL, role="Educational psychologist", other_role="",
                    name="Dr Pretend EP", email="ep@la.example", advice_requested=True, actor="S-1")
        send_invitations(session, review, today=TODAY, actor="S-1", rule_set=ENGLAND_2014)
    with session_scope(factory) as session:
        rows = session.scalars(select(Notification).where(
            Notification.template == MessageKind.MEETING_INVITATION.value).order_by(Notification.id)).all()
        rendered = [render_advice_message(session, row, la=LA, today=TODAY, portal_url="https://ar.example")
                    for row in rows]
    for message, recipient in rendered:
        assert "When: Tuesday 12 January 2027 at 14:30\nWhere: Room 2, Pretend School\n" in message.body_text
        assert reference in message.body_text and recipient.name and recipient.name not in message.subject
    family = [m for m, r in rendered if r.email != "ep@la.example"]
    ep = [m for m, r in rendered if r.email == "ep@la.example"]
    assert family and all("Your views" in message.body_text for message in family)
    assert ep and "written advice" in ep[0].body_text and "Tuesday 29 December 2026" in ep[0].body_text
    posted = [r for m, r in rendered if r.postal_address]
    assert all(r.postal_address[-1] for r in posted)  # a posted invitation has an address ending in its postcode


# --- the page ---------------------------------------------------------------------------------------------------


def _post(client: TestClient, reference: str, data: dict[str, str]) -> Any:
    token = csrf_of(client, f"/reviews/{reference}/invitations")
    return client.post(f"/reviews/{reference}/invitations", data={**data, "csrf_token": token},
                       follow_redirects=False)


MEETING_FORM = {"action": "meeting", "meeting_on-day": "12", "meeting_on-month": "1", "meeting_on-year": "2027",
                "starts_at": "14:30", "place": "Room 2, Pretend School"}


def test_a_senco_arranges_invites_and_stage_one_is_filled_by_the_product(factory: SessionFactory,
                                                                          client_for: Any) -> None:
    _, reference, urn = _stage_one(factory)
    make_account(factory, "senco@school.example", Role.SETTING, (urn,))
    client = client_for("senco@school.example")
    assert "Arrange the meeting and send the invitations" in client.get(f"/reviews/{reference}").text
    assert _post(client, reference, MEETING_FORM).status_code == 303
    assert _post(client, reference, {"action": "family"}).status_code == 303
    bad = _post(client, reference, {"action": "add", "role": "Educational psychologist", "name": "Dr Pretend EP",
                                    "email": "ep@"})
    assert bad.status_code == 400 and 'href="#email"' in bad.text and "correct format" in bad.text
    assert 'value="Dr Pretend EP"' in bad.text  # what was typed is kept
    added = _post(client, reference, {"action": "add", "role": "Educational psychologist", "name": "Dr Pretend EP",
                                      "email": "ep@la.example", "advice_requested": "yes"})
    assert added.status_code == 303
    cookie = str(client.cookies.get("ehcp_session"))  # Starlette's: base64 JSON, signed but not encrypted
    assert "Pretend" not in b64decode(cookie.split(".")[0] + "==").decode()  # no name in it
    assert "Dr Pretend EP was added to the list" in client.get(f"/reviews/{reference}/invitations").text
    assert _post(client, reference, {"action": "send"}).status_code == 303
    page = client.get(f"/reviews/{reference}/invitations").text
    assert re.search(r"Invitations sent to (1 person|\d+ people), with 1 advice request", page)
    assert "with 1 advice request" in page and "Dr Pretend EP" in page
    assert "Not sent yet" not in page
    review_page = client.get(f"/reviews/{reference}").text
    assert review_page.count("Recorded by the product. This date is the one recorded.") >= 2
    assert 'name="meeting_planned_on-day" type="text" inputmode="numeric" value="12"' in review_page
    assert 'name="invited_family-day" type="text" inputmode="numeric" value="' + str(TODAY.day) + '"' in review_page


def test_only_those_who_lead_stage_one_act_and_others_cannot_see_it(factory: SessionFactory, client_for: Any) -> None:
    _, reference, urn = _stage_one(factory)
    make_account(factory, "caseworker@council.example", Role.CASEWORKER)
    caseworker = client_for("caseworker@council.example")
    assert caseworker.get(f"/reviews/{reference}/invitations").status_code == 200  # reads it
    assert _post(caseworker, reference, MEETING_FORM).status_code == 403  # a setting-led review: the setting acts
    with session_scope(factory) as session:
        other = session.scalars(select(Setting.urn).where(Setting.urn != urn).order_by(Setting.urn)).first()
    make_account(factory, "other@school.example", Role.SETTING, (other or "",))
    stranger = client_for("other@school.example")
    assert stranger.get(f"/reviews/{reference}/invitations").status_code == 404


def test_the_api_too_records_the_dates_the_product_recorded(factory: SessionFactory, app_client: TestClient) -> None:
    from portal.accounts import create_api_token, find_user
    from records.models import InboxEntry

    review_id, reference, urn = _stage_one(factory)
    make_account(factory, "senco@school.example", Role.SETTING, (urn,))
    with session_scope(factory) as session:
        review = session.get_one(Review, review_id)
        _arrange(session, review)
        invite_family(session, review, today=TODAY, actor="S-1")
        send_invitations(session, review, today=TODAY, actor="S-1", rule_set=ENGLAND_2014)
        user = find_user(session, "senco@school.example")
        assert user is not None
        token = create_api_token(session, user, "test")
    typed = {"meeting_planned_on": "2027-01-20", "invited_on": {"family": "2026-11-20", "head": "2026-11-21"},
             "advice_circulated_on": "2026-11-30"}
    answer = app_client.post(f"/api/reviews/{reference}/preparation", json=typed,
                             headers={"Authorization": f"Bearer {token}"})
    assert answer.status_code in (200, 202), answer.text
    with session_scope(factory) as session:
        form = session.scalars(select(InboxEntry.form).where(InboxEntry.review_id == review_id)).one()
    # the product's meeting date and family invitation win; the head teacher's typed date stands (not product-sent)
    assert form["meeting_planned_on"] == MEETING_ON.isoformat()
    assert form["invitations_sent_on"] == max(TODAY, date(2026, 11, 21)).isoformat()


def test_a_young_person_is_invited_in_their_own_words_and_told_how_to_send_views(factory: SessionFactory) -> None:
    """Over compulsory school age the invitation goes to the young person (STATUTORY.md section 9), in words a
    17-year-old reads as theirs; the parent they asked to copy is invited too, as a parent."""
    with session_scope(factory) as session:
        review = session.scalars(select(Review).where(Review.reference == "AR-2027-00017")).one()
        _arrange(session, review)
        assert invite_family(session, review, today=TODAY, actor="S-1") == 2
        kinds = sorted(one.kind for one in invitees_of(session, review.id))
        assert kinds == [InviteeKind.FAMILY.value, InviteeKind.YOUNG_PERSON.value]
        send_invitations(session, review, today=TODAY, actor="S-1", rule_set=ENGLAND_2014)
    with session_scope(factory) as session:
        rows = session.scalars(select(Notification).where(Notification.review_id == review.id,
                               Notification.template == MessageKind.MEETING_INVITATION.value)).all()
        rendered = [render_advice_message(session, row, la=LA, today=TODAY, portal_url="https://ar.example")
                    for row in rows]
    mine = [m for m in rendered if m[0].subject.startswith("Your annual review meeting")]
    parents = [m for m in rendered if m[0].subject.startswith("Invitation:")]
    assert len(mine) == 1 and len(parents) == 1
    body = mine[0][0].body_text
    assert "It is your meeting" in body and "record a message" in body and "by letter, email or phone" in body
    assert "When: Tuesday 12 January 2027 at 14:30" in body and "annual review system" not in body
    assert "It is your meeting" not in parents[0][0].body_text
