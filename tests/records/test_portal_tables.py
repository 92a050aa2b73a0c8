"""The front door's tables on SQLite and PostgreSQL: accounts with settings, tokens, the meeting record, and an
input stored in the review's inbox while Prefect is down and handed over once it answers; and the move of the
front door's kept submissions into the inbox (migration 0012)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, text

from portal.accounts import Role, add_user, create_api_token, user_for_token
from portal.meeting_records import mark_submitted, record_of, save_section
from records.models import InboxEntry, Review, Setting
from records.schema import downgrade, upgrade
from records.session import SessionFactory, get_engine, session_scope
from services.inbox import HandOver, hand_over, receive, sweep
from tests.fake_runs import FakeRuns
from tests.records.support import run

TODAY = date(2026, 12, 1)


def test_portal_tables_round_trip(factory: SessionFactory, cli_env: str) -> None:
    assert run("demo-data", "--plans", "12", "--seed", "1", "--as-of", TODAY.isoformat()).exit_code == 0
    with session_scope(factory) as session:
        urn = session.scalars(select(Setting.urn).order_by(Setting.urn)).first()
        user = add_user(session, "senco@school.example", Role.SETTING, setting_urns=(urn,), password="x" * 12)
        token = create_api_token(session, user, "test")
        review = session.scalars(select(Review).where(Review.stage == 2).order_by(Review.id)).first()
        assert review is not None
        review.flow_run_id = "00000000-0000-4000-8000-000000000001"
        reference = review.reference
    with session_scope(factory) as session:
        found = user_for_token(session, token)
        assert found is not None and found.setting_urns == (urn,)
        review = session.scalars(select(Review).where(Review.reference == reference)).one()
        record_id = save_section(session, review, "record", {"child_views": "Pretend view"}, staff_id="staff-1")
        mark_submitted(session, record_id, staff_id="staff-1")
    runs = FakeRuns(factory, up=False)
    with session_scope(factory) as session:
        review = session.scalars(select(Review).where(Review.reference == reference)).one()
        assert record_of(session, review).status == "submitted"  # type: ignore[union-attr]
        values = {"meeting_held_on": "2026-12-01", "preparing_for_adulthood_discussed": True}
        entry_id = receive(session, review, 2, values, submitted_by="staff-1", source="portal", today=TODAY).entry_id
    assert hand_over(factory, runs, entry_id, actor="test") is HandOver.UNAVAILABLE
    runs.up = True
    assert sweep(factory, runs, actor="test").handed_over == {"resumed": 1}
    assert runs.resumed[0][1]["meeting_held_on"] == "2026-12-01"
    with session_scope(factory) as session:
        assert session.scalars(select(InboxEntry.status)).all() == ["received"]  # handed over, not yet applied


def test_kept_submissions_move_into_the_inbox(factory: SessionFactory, cli_env: str, database_url: str) -> None:
    """An upgrade from 0011 keeps every submission the front door kept: the newest per review answers its wait."""
    assert run("demo-data", "--plans", "12", "--seed", "1", "--as-of", TODAY.isoformat()).exit_code == 0
    engine = get_engine(database_url)
    children = "SELECT (SELECT count(*) FROM deadlines), (SELECT count(*) FROM audit_log), (SELECT count(*) FROM plans)"
    with engine.connect() as connection:
        before = tuple(connection.execute(text(children)).one())
    downgrade(engine, "0011")  # rebuilds reviews on SQLite (migration 0013): its children must survive
    with engine.begin() as connection:
        at_two, at_three = connection.execute(
            text("SELECT id, stage, wait_number FROM reviews WHERE stage IN (2, 3) ORDER BY stage, id")
        ).fetchall()[:1] + connection.execute(
            text("SELECT id, stage, wait_number FROM reviews WHERE stage = 3 ORDER BY id")
        ).fetchall()[:1]
        insert = text(
            "INSERT INTO pending_submissions (review_id, stage, form, status, last_error)"
            " VALUES (:review, :stage, :form, :status, :error)"
        )
        for review, stage, status in ((at_two[0], 2, "pending"), (at_three[0], 2, "pending"), (at_two[0], 2, "sent")):
            form = '{"meeting_held_on": "2026-12-01", "submitted_by": "staff-1"}'
            connection.execute(insert, {"review": review, "stage": stage, "form": form, "status": status,
                                        "error": "ConnectError"})  # fmt: skip
    upgrade(engine)
    with engine.connect() as connection:
        assert tuple(connection.execute(text(children)).one()) == before
    with session_scope(factory) as session:
        rows = {row.review_id: row for row in session.scalars(select(InboxEntry))}
    assert set(rows) == {at_two[0], at_three[0]}  # the sent one was sent already: nothing to carry
    assert (rows[at_two[0]].status, rows[at_two[0]].wait_number) == ("received", at_two[2])
    assert (rows[at_three[0]].status, rows[at_three[0]].wait_number) == ("superseded", 0)  # the review moved on
    assert rows[at_two[0]].form["meeting_held_on"] == "2026-12-01" and rows[at_two[0]].last_error == "ConnectError"
