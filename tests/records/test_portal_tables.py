"""The front door's tables on SQLite and PostgreSQL: accounts with settings, tokens, the meeting record, and a
pending submission kept while Prefect is down and sent once it answers."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select

from portal.accounts import Role, add_user, create_api_token, user_for_token
from portal.meeting_records import mark_submitted, record_of, save_section
from records.models import PendingSubmission, Review, Setting
from records.session import SessionFactory, session_scope
from tasks.kept_submissions import apply_pending_submissions, submit_stage
from tasks.run_bridge import RunUnavailable
from tasks.run_control import RunState
from tests.records.support import run

TODAY = date(2026, 12, 1)


class Bridge:
    def __init__(self, stage: int) -> None:
        self.up, self.stage, self.sent = False, stage, []  # type: ignore[var-annotated]

    def run_state(self, flow_run_id: str) -> RunState:
        if not self.up:
            raise RunUnavailable("down")
        return RunState(flow_run_id, "PAUSED", "Suspended", None, f"stage-{self.stage}-1")

    def resume(self, flow_run_id: str, run_input: dict[str, Any]) -> None:
        self.sent.append(run_input)


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
    bridge = Bridge(stage=2)
    with session_scope(factory) as session:
        review = session.scalars(select(Review).where(Review.reference == reference)).one()
        assert record_of(session, review).status == "submitted"  # type: ignore[union-attr]
        kept = submit_stage(session, review, 2, {"meeting_held_on": "2026-12-01",
                                                 "preparing_for_adulthood_discussed": True},
                            staff_id="staff-1", today=TODAY, bridge=bridge)
    assert kept.status == "kept"
    bridge.up = True
    assert apply_pending_submissions(factory, bridge, today=TODAY) == 1
    assert bridge.sent[0]["meeting_held_on"] == "2026-12-01"
    with session_scope(factory) as session:
        assert session.scalars(select(PendingSubmission.status)).all() == ["sent"]
