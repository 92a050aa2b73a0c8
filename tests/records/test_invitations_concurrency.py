"""Invitations sent twice at once (a double submit, two tabs): each invitee gets one invitation per channel and one
advice link, on SQLite and on PostgreSQL (issue 21, item 1; Reg 20(3))."""

from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import func, select

from notices.kinds import MessageKind
from records.models import Invitee, InviteeKind, Notification, Review, ReviewLink
from records.session import SessionFactory, session_scope
from rules.rule_set import ENGLAND_2014
from services.invitations import InvitationRefused, add_invitee, arrange_meeting, send_invitations
from tests.records.support import run

TODAY = date(2026, 12, 1)
MEETING_ON = date(2027, 1, 12)


def _review_with_invitees(factory: SessionFactory) -> int:
    assert run("demo-data", "--plans", "6", "--seed", "1", "--as-of", TODAY.isoformat()).exit_code == 0
    with session_scope(factory) as session:
        review = session.scalars(select(Review).order_by(Review.id)).first()
        assert review is not None
        arrange_meeting(session, review, meeting_on=MEETING_ON, starts_at="10:00", place="Pretend room",
                        online_link="", today=TODAY, actor="S-1")
        for name, email, advice in (("Pretend EP", "ep@la.example", True), ("Pretend Nurse", "n@nhs.example", False)):
            add_invitee(session, review, kind=InviteeKind.PROFESSIONAL, role="Educational psychologist",
                        other_role="", name=name, email=email, advice_requested=advice, actor="S-1")
        return review.id


def test_two_sends_at_once_invite_each_person_once(cli_env: str, factory: SessionFactory) -> None:
    review_id = _review_with_invitees(factory)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def send() -> None:
        barrier.wait()
        try:
            with session_scope(factory) as session:
                send_invitations(session, session.get_one(Review, review_id), today=TODAY, actor="S-1",
                                 rule_set=ENGLAND_2014)
            outcomes.append("sent")
        except InvitationRefused:
            outcomes.append("refused")  # the other had already sent: nobody is left to invite

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert "sent" in outcomes and len(outcomes) == 2
    with session_scope(factory) as session:
        invitations = session.scalar(select(func.count()).select_from(Notification).where(
            Notification.review_id == review_id, Notification.template == MessageKind.MEETING_INVITATION.value))
        requests = session.scalar(select(func.count()).select_from(Notification).where(
            Notification.review_id == review_id, Notification.template == MessageKind.ADVICE_REQUEST.value))
        links = session.scalar(select(func.count()).select_from(ReviewLink).where(ReviewLink.review_id == review_id))
        invited = session.scalars(select(Invitee.invited_on).where(Invitee.review_id == review_id)).all()
    assert invitations == 2
    assert requests == 1
    assert links == 1
    assert invited == [TODAY, TODAY]


def test_the_same_person_added_twice_at_once_is_on_the_list_once(cli_env: str, factory: SessionFactory) -> None:
    review_id = _review_with_invitees(factory)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def add() -> None:
        barrier.wait()
        try:
            with session_scope(factory) as session:
                add_invitee(session, session.get_one(Review, review_id), kind=InviteeKind.SETTING, role="SENCO",
                            other_role="", name="Pretend SENCO", email="senco@school.example",
                            advice_requested=False, actor="S-1")
            outcomes.append("added")
        except InvitationRefused as refused:
            outcomes.append(refused.problems[0].field)

    threads = [threading.Thread(target=add) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["added", "email"]  # the second is told the person is already on the list
    with session_scope(factory) as session:
        assert session.scalar(select(func.count()).select_from(Invitee).where(
            Invitee.review_id == review_id, Invitee.email == "senco@school.example")) == 1


def test_two_sends_at_once_are_one_send(cli_env: str, factory: SessionFactory) -> None:
    """With the list held, the second send waits for the first and finds nobody left to invite."""
    review_id = _review_with_invitees(factory)
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def send() -> None:
        barrier.wait()
        try:
            with session_scope(factory) as session:
                send_invitations(session, session.get_one(Review, review_id), today=TODAY, actor="S-1",
                                 rule_set=ENGLAND_2014)
            outcomes.append("sent")
        except InvitationRefused as refused:
            outcomes.append(refused.problems[0].field)

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["invitees", "sent"]
