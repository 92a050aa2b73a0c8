"""Every door stores the input first and the review's run applies it: ``ehcp``, a run that was busy, the Prefect UI.

A real flow run on Prefect's test server, driven in this process (no runner: ``drive`` is the runner)."""

from __future__ import annotations

from uuid import UUID, uuid4

from prefect.flow_runs import resume_flow_run
from sqlalchemy import select

from records.models import AuditEntry, InboxEntry, Review
from records.review_runs import set_flow_run
from records.session import SessionFactory, session_scope
from services.inbox import receive
from tests.flows.conftest import BUSINESS_DATE, ReviewRun, new_run
from tests.records.support import run

PREPARATION = {
    "meeting_planned_on": "2026-11-10",
    "invitations_sent_on": "2026-10-20",
    "advice_circulated_on": "2026-10-22",
}
CLI_PREPARATION = (
    "--meeting-planned-on", "2026-11-10", "--invitations-sent-on", "2026-10-20", "--advice-circulated-on", "2026-10-22",
)  # fmt: skip


def _inbox(factory: SessionFactory) -> list[tuple[str, str, str]]:
    with session_scope(factory) as session:
        rows = session.scalars(select(InboxEntry).order_by(InboxEntry.id))
        return [(row.source, row.submitted_by, row.status) for row in rows]


def _store(factory: SessionFactory, reference: str, who: str = "senco-1") -> int:
    with session_scope(factory) as session:
        review = session.scalars(select(Review).where(Review.reference == reference)).one()
        return receive(session, review, 1, PREPARATION, submitted_by=who, source="portal", today=BUSINESS_DATE).entry_id


def test_ehcp_stores_the_input_and_the_waiting_run_records_it(review_run: ReviewRun) -> None:
    sent = run("submit", "preparation", review_run.reference, *CLI_PREPARATION, "--by", "senco-1", "--timeout", "0")
    assert sent.exit_code == 0, sent.output
    assert "Received" in sent.stdout and "Recorded" not in sent.stdout
    assert _inbox(review_run.factory) == [("cli", "senco-1", "received")]
    review_run.drive()  # a runner picks the resumed run up
    assert _inbox(review_run.factory) == [("cli", "senco-1", "applied")]
    assert review_run.stage() == 2 and review_run.pause_key == "stage-2-2"
    status = run("status", review_run.reference)
    assert "stage 1 input received" in status.stdout and "recorded" in status.stdout


def test_the_cli_exits_3_when_the_input_is_received_but_not_recorded_in_time(review_run: ReviewRun) -> None:
    result = run("submit", "preparation", review_run.reference, *CLI_PREPARATION, "--timeout", "0.5")
    assert result.exit_code == 3, result.output
    assert "Received, not yet recorded" in result.stdout and "nobody needs to enter it again" in result.stdout
    again = run("submit", "preparation", review_run.reference, *CLI_PREPARATION, "--timeout", "0")
    assert again.exit_code == 2 and "is already being recorded: sent by" in " ".join(again.stderr.split())
    review_run.drive()
    assert review_run.stage() == 2  # the stored input was not lost: the run applied it


def test_an_input_stored_while_the_run_was_busy_is_applied_before_it_next_waits(
    review_run: ReviewRun, prefect_server: UUID
) -> None:
    """The run was starting (or working) when the input came: it takes its inbox itself, nothing waits for a clock."""
    fresh = ReviewRun(review_run.reference, new_run(prefect_server, review_run.reference), review_run.factory)
    with session_scope(review_run.factory) as session:
        set_flow_run(session, fresh.reference, str(fresh.flow_run_id), actor="test")
    _store(review_run.factory, review_run.reference)
    fresh.drive()  # never resumed by anyone
    assert fresh.stage() == 2 and fresh.pause_key == "stage-2-2"
    assert _inbox(review_run.factory) == [("portal", "senco-1", "applied")]
    assert f"{review_run.reference} · 1 preparation" in fresh.task_run_names()


def test_an_input_given_through_the_prefect_ui_is_stored_in_the_inbox_before_it_is_applied(
    review_run: ReviewRun,
) -> None:
    review_run.answer(**PREPARATION)  # resumed straight through Prefect, as the UI's Resume form does
    assert _inbox(review_run.factory) == [("prefect-ui", "staff-0042", "applied")]
    assert review_run.stage() == 2


def test_of_a_door_and_the_prefect_ui_answering_one_wait_the_stored_one_wins_and_the_other_is_told(
    review_run: ReviewRun,
) -> None:
    _store(review_run.factory, review_run.reference, who="senco-1")  # stored first through the front door
    resume_flow_run(review_run.flow_run_id, run_input={**PREPARATION, "meeting_planned_on": "2026-11-12",
                                                       "submitted_by": "ui-user"})  # fmt: skip
    review_run.drive()
    assert _inbox(review_run.factory) == [("portal", "senco-1", "applied")]
    with session_scope(review_run.factory) as session:
        overtaken = session.scalars(select(AuditEntry).where(AuditEntry.action == "review.input_overtaken")).one()
    assert overtaken.actor == "ui-user" and overtaken.detail["recorded_from"] == "senco-1"


def test_a_decision_on_a_review_with_no_run_starts_one_and_is_recorded(
    review_run: ReviewRun, prefect_server: UUID, monkeypatch: object
) -> None:
    """An early review (meeting held before its preparation window): no person is ever told to run ehcp start."""
    with session_scope(review_run.factory) as session:
        review = session.scalars(select(Review).where(Review.reference == review_run.reference)).one()
        review.flow_run_id = None
        review.cycle_number = 100 + uuid4().int % 100_000  # a run key no other test on this Prefect server used
    monkeypatch.setenv("EHCP_REVIEW_DEPLOYMENT", "annual-review/test")  # type: ignore[attr-defined]
    from records.settings import get_settings

    get_settings.cache_clear()
    sent = run("submit", "preparation", review_run.reference, *CLI_PREPARATION, "--timeout", "0")
    assert sent.exit_code == 0 and "ehcp start" not in sent.output
    with session_scope(review_run.factory) as session:
        started = session.scalars(select(Review.flow_run_id).where(Review.reference == review_run.reference)).one()
    assert started is not None and UUID(started) != review_run.flow_run_id
    ReviewRun(review_run.reference, UUID(started), review_run.factory).drive()
    assert review_run.stage() == 2 and _inbox(review_run.factory)[0][2] == "applied"
