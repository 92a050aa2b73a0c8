"""Single-use links for people without accounts: stored as digests, refused alike for every reason, throttled."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from fastapi import APIRouter, Request
from fastapi.responses import PlainTextResponse
from fastapi.testclient import TestClient
from sqlalchemy import select

from portal.app import create_app
from portal.link_access import open_or_refuse
from portal.security import Delays, LinkThrottle
from portal.web import Portal
from records.links import digest_of, issue_link, move_expiry, open_link, revoke_links, use_link
from records.models import LinkPurpose, Review, ReviewLink
from records.session import SessionFactory, session_scope
from tests.portal.conftest import TODAY

ADVICE = frozenset({LinkPurpose.ADVICE})
AT = datetime(2026, 12, 1, 10, tzinfo=UTC)


def _review_id(factory: SessionFactory) -> int:
    with session_scope(factory) as session:
        return session.scalars(select(Review.id).where(Review.stage == 1).order_by(Review.id)).first() or 0


def _issue(factory: SessionFactory, purpose: LinkPurpose = LinkPurpose.ADVICE,
           expires_on: date = date(2027, 1, 31)) -> str:
    with session_scope(factory) as session:
        _, token = issue_link(session, review_id=_review_id(factory), purpose=purpose, expires_on=expires_on,
                              created_by="S-1")
    return token


def test_only_the_digest_is_stored_and_the_token_opens_its_link_once(factory: SessionFactory) -> None:
    token = _issue(factory)
    with session_scope(factory) as session:
        stored = session.scalars(select(ReviewLink.token_digest)).all()
        assert stored == [digest_of(token)] and token not in stored
        link = open_link(session, token, ADVICE, TODAY)
        assert link is not None
        assert use_link(session, link, AT) is True
        assert use_link(session, link, AT) is False  # a second request finds it used
    with session_scope(factory) as session:
        assert open_link(session, token, ADVICE, TODAY) is None


def test_expired_revoked_tampered_guessed_and_other_purpose_tokens_open_nothing(factory: SessionFactory) -> None:
    token = _issue(factory, expires_on=TODAY)
    with session_scope(factory) as session:
        assert open_link(session, token, ADVICE, TODAY) is not None  # the last day still opens
        assert open_link(session, token, ADVICE, TODAY + timedelta(days=1)) is None
        assert open_link(session, token, frozenset({LinkPurpose.FAMILY_VIEWS}), TODAY) is None
        tampered = token[:-1] + ("A" if token[-1] != "A" else "B")
        assert open_link(session, tampered, ADVICE, TODAY) is None
        assert open_link(session, "x" * 43, ADVICE, TODAY) is None
        assert open_link(session, token + "'; --", ADVICE, TODAY) is None
        assert revoke_links(session, review_id=_review_id(factory), purpose=LinkPurpose.ADVICE) == 1
        assert open_link(session, token, ADVICE, TODAY) is None


def _app_with_probe(portal: Portal) -> TestClient:
    app = create_app(portal)
    router = APIRouter()

    @router.get("/link/probe/{token}")
    async def probe(request: Request, token: str) -> PlainTextResponse:
        opened = await open_or_refuse(request, token, ADVICE)
        return PlainTextResponse(f"review {opened.review_id}")

    app.include_router(router)
    return TestClient(app)


def test_a_refused_link_says_the_same_for_every_reason_and_reveals_nothing(portal: Portal,
                                                                          factory: SessionFactory) -> None:
    used, expired = _issue(factory), _issue(factory, expires_on=TODAY - timedelta(days=1))
    with session_scope(factory) as session:
        link = open_link(session, used, ADVICE, TODAY)
        assert link is not None and use_link(session, link, AT)
    with _app_with_probe(portal) as client:
        pages = [client.get(f"/link/probe/{token}") for token in (used, expired, "nonsense", "a" * 43)]
        assert {page.status_code for page in pages} == {404}
        assert len({page.text for page in pages}) == 1
        assert "This link has expired or is not valid" in pages[0].text
        assert "AR-" not in pages[0].text
        live = client.get(f"/link/probe/{_issue(factory)}")
        assert live.status_code == 200 and live.text.startswith("review ")
        csp = live.headers["Content-Security-Policy"]
        assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
        assert pages[0].headers["Content-Security-Policy"] == csp


def test_ten_wrong_tokens_a_minute_from_one_address_are_throttled(portal: Portal, factory: SessionFactory) -> None:
    now = [AT]
    portal.link_throttle = LinkThrottle(Delays(free=10, first_s=60.0, cap_s=900.0), clock=lambda: now[0])
    good = _issue(factory)
    with _app_with_probe(portal) as client:
        answers = [client.get(f"/link/probe/{'b' * 42}{n % 10}").status_code for n in range(10)]
        assert answers == [404] * 10
        refused = client.get(f"/link/probe/{good}")  # even a right token waits now
        assert refused.status_code == 429 and refused.headers["Retry-After"] == "60"
        assert "Too many tries" in refused.text
        now[0] = AT + timedelta(seconds=61)
        assert client.get(f"/link/probe/{good}").status_code == 200


def test_a_moved_meeting_moves_the_last_day_of_live_links_only(factory: SessionFactory) -> None:
    live, spent = _issue(factory, expires_on=TODAY), _issue(factory, expires_on=TODAY)
    later = TODAY + timedelta(days=30)
    with session_scope(factory) as session:
        link = open_link(session, spent, ADVICE, TODAY)
        assert link is not None and use_link(session, link, AT)
        assert move_expiry(session, review_id=_review_id(factory), expires_on=later) == 1
        assert open_link(session, live, ADVICE, later) is not None
        assert open_link(session, spent, ADVICE, later) is None


def test_the_first_of_a_persons_links_used_revokes_their_others_to_the_same_form(factory: SessionFactory) -> None:
    from records.models import Invitee

    review_id = _review_id(factory)
    with session_scope(factory) as session:
        person = Invitee(review_id=review_id, kind="family", role="Parent", name="Pretend", created_by="S-1")
        session.add(person)
        session.flush()
        made = [issue_link(session, review_id=review_id, purpose=purpose, expires_on=date(2027, 1, 31),
                           created_by="S-1", invitee_id=person.id)[1]
                for purpose in (LinkPurpose.FAMILY_VIEWS, LinkPurpose.FAMILY_VIEWS, LinkPurpose.ADVICE)]
        views = frozenset({LinkPurpose.FAMILY_VIEWS})
        by_email = open_link(session, made[0], views, TODAY)
        assert by_email is not None and use_link(session, by_email, AT)
        assert open_link(session, made[1], views, TODAY) is None  # the letter's link to the same form
        assert open_link(session, made[2], ADVICE, TODAY) is not None  # another form stays open
