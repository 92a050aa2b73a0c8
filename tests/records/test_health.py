"""What ``ehcp doctor`` reads from the records (outbox, open reviews' runs), and the command end to end with a fake
Prefect API, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
from datetime import date

import pytest
from sqlalchemy import select

from records.health import open_review_runs, outbox_health
from records.models import Notification, Review
from records.review_runs import reviews_needing_runs
from records.schema import head_revision
from records.session import SessionFactory, get_engine, session_scope
from tests.cli.test_doctor_checks import NOW, FakePrefect, at
from tests.records.support import run

TODAY = date(2026, 3, 2)


def _load_demo() -> None:
    result = run("demo-data", "--plans", "60", "--seed", "3", "--as-of", TODAY.isoformat())
    assert result.exit_code == 0, result.output


def _add_notification(session: object, review_id: int, key: str, status: str, attempts: int) -> None:
    row = Notification(
        idempotency_key=key,
        review_id=review_id,
        channel="email",
        recipient_role="caseworker",
        template="la-reminder",
        status=status,
        attempts=attempts,
    )
    session.add(row)  # type: ignore[attr-defined]


def test_outbox_health_counts_queued_retrying_and_failed(cli_env: str, factory: SessionFactory) -> None:
    _load_demo()
    with session_scope(factory) as session:
        review_id = session.scalars(select(Review.id)).first()
        assert review_id is not None
        for number, (status, attempts) in enumerate([("queued", 0), ("queued", 2), ("failed", 4), ("sent", 1)]):
            _add_notification(session, review_id, f"k{number}", status, attempts)
    with session_scope(factory) as session:
        health = outbox_health(session)
    assert (health.queued, health.retrying, health.failed) == (2, 1, 1)


def test_open_review_runs_are_the_reviews_needing_runs_with_their_run_ids(
    cli_env: str, factory: SessionFactory
) -> None:
    _load_demo()
    with session_scope(factory) as session:
        due = [review.reference for review in reviews_needing_runs(session, TODAY)]
        assert due, "the demo caseload has reviews with preparation open"
        session.execute(select(Review).where(Review.reference == due[0])).scalar_one().flow_run_id = "run-1"
    with session_scope(factory) as session:
        kept = open_review_runs(session, TODAY)
    assert sorted(kept) == sorted(due)
    assert kept[due[0]] == "run-1" and all(kept[ref] is None for ref in due[1:])


@pytest.fixture
def fake_prefect(monkeypatch: pytest.MonkeyPatch) -> FakePrefect:
    fake = FakePrefect(
        workers=[{"name": "w1", "status": "ONLINE"}, {"name": "w2", "status": "ONLINE"}],
        runs=[{"id": "c", "name": "clock", "flow": "statutory-clock", "state_type": "COMPLETED", "end_time": at(0)}],
    )
    monkeypatch.setattr("cli.doctor_command.HttpPrefectApi", lambda *_: fake)
    monkeypatch.setattr("cli.doctor_command.system_now", lambda: NOW)  # the fake runs' times are relative to NOW
    monkeypatch.setenv("PREFECT_API_URL", "http://fake/api")
    return fake


def test_doctor_warns_about_open_reviews_without_a_live_run_and_fails_on_failed_mail(
    cli_env: str, factory: SessionFactory, fake_prefect: FakePrefect
) -> None:
    _load_demo()
    result = run("doctor", "--json", "--as-of", TODAY.isoformat())
    checks = {c["check"]: c for c in json.loads(result.stdout)}
    assert checks["open reviews"]["level"] == "WARN" and "ehcp start --all-due" in checks["open reviews"]["fix"]
    assert checks["outbox"]["level"] == "OK" and checks["records schema"]["level"] == "OK"
    assert result.exit_code == 0, result.output
    with session_scope(factory) as session:
        _add_notification(session, session.scalars(select(Review.id)).first(), "lost", "failed", 4)
    failed = run("doctor", "--as-of", TODAY.isoformat())
    assert failed.exit_code == 1
    assert "FAIL outbox: 0 queued (0 retrying), 1 failed for good" in failed.stdout


def test_doctor_fails_on_an_old_schema(cli_env: str, fake_prefect: FakePrefect) -> None:
    assert run("db", "downgrade", "0005").exit_code == 0
    result = run("doctor")
    assert result.exit_code == 1
    head = head_revision(get_engine(cli_env))
    assert f"FAIL records schema: at 0005, code needs {head}" in result.stdout and "ehcp db upgrade" in result.stdout
