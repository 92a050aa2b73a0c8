"""Front-door tests: a migrated SQLite records database with a synthetic demo caseload, the app around it,
a run-bridge double that records what would reach Prefect, and signed-in clients per role.

The caseload is made once per session (``ehcp demo-data`` on a fixed business date) and copied per test.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from portal.accounts import Role, add_user
from portal.app import create_app
from portal.security import LoginThrottle
from portal.settings import PortalSettings
from portal.web import Portal
from records.models import InboxEntry, Plan, Review, Setting
from records.schema import upgrade
from records.session import SessionFactory, dispose_engines, get_engine, make_session_factory, session_scope
from records.settings import Settings, get_settings
from records.system_time import system_now
from services.stages import apply_entry
from tests.fake_runs import FakeRuns
from tests.records.support import run

TODAY = date(2026, 12, 1)
PASSWORD = "correct horse battery"


@pytest.fixture(scope="session")
def caseload_template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("portal-caseload")
    path = folder / "template.sqlite3"
    url = f"sqlite:///{path}"
    upgrade(get_engine(url))
    mp = pytest.MonkeyPatch()
    mp.setenv("EHCP_DATABASE_URL", url)
    get_settings.cache_clear()
    try:
        result = run("demo-data", "--plans", "40", "--seed", "1", "--as-of", TODAY.isoformat())
        assert result.exit_code == 0, result.output
    finally:
        mp.undo()
        get_settings.cache_clear()
        dispose_engines()
    return path


@pytest.fixture
def factory(caseload_template: Path, tmp_path: Path) -> Iterator[SessionFactory]:
    copy = tmp_path / "records.sqlite3"
    shutil.copyfile(caseload_template, copy)
    made = make_session_factory(Settings(database_url=f"sqlite:///{copy}", actor="test"))
    with session_scope(made) as session:  # give every open review a (pretend) run id
        for review in session.scalars(select(Review).where(Review.stage.is_not(None))):
            review.flow_run_id = f"00000000-0000-4000-8000-{review.id:012d}"
    yield made
    dispose_engines()


@pytest.fixture
def bridge(factory: SessionFactory) -> FakeRuns:
    return FakeRuns(factory)


@pytest.fixture
def portal(factory: SessionFactory, bridge: FakeRuns) -> Portal:
    settings = PortalSettings(secret_key="test-secret", login_attempts=3, login_window_s=600)
    return Portal(factory, bridge, lambda: TODAY, settings, LoginThrottle(3, 600))


@pytest.fixture
def app_client(portal: Portal) -> Iterator[TestClient]:
    with TestClient(create_app(portal)) as client:
        yield client


def urn_with_reviews(
    factory: SessionFactory, stage: int, *, not_urn: str | None = None, not_urns: tuple[str, ...] = ()
) -> tuple[str, str]:
    """Return (setting URN, review reference) of an open review at ``stage``."""
    with session_scope(factory) as session:
        query = (select(Setting.urn, Review.reference).join(Plan, Plan.setting_id == Setting.id)
                 .join(Review, Review.plan_id == Plan.id).where(Review.stage == stage).order_by(Review.reference))
        for urn, reference in session.execute(query):
            if urn != not_urn and urn not in not_urns:
                return urn, reference
    raise LookupError(f"no review at stage {stage}")


def make_account(factory: SessionFactory, email: str, role: Role, urns: tuple[str, ...] = ()) -> str:
    with session_scope(factory) as session:
        return add_user(session, email, role, setting_urns=urns, password=PASSWORD).staff_id


CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def csrf_of(client: TestClient, path: str = "/login") -> str:
    found = CSRF.search(client.get(path).text)
    assert found, f"no CSRF token on {path}"
    return found[1]


def sign_in(client: TestClient, email: str, password: str = PASSWORD) -> Any:
    token = csrf_of(client)
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token},
                       follow_redirects=False)


@pytest.fixture
def client_for(portal: Portal) -> Any:
    """Make a signed-in TestClient for an account (its own cookie jar)."""
    made: list[TestClient] = []

    def make(email: str) -> TestClient:
        client = TestClient(create_app(portal))
        client.__enter__()
        made.append(client)
        response = sign_in(client, email)
        assert response.status_code == 303, response.text
        return client

    yield make
    for client in made:
        client.__exit__(None, None, None)


def review_at_decision(factory: SessionFactory) -> tuple[str, str]:
    """Return (URN, reference) of a review moved on to stage 4 (its report recorded today, through the records)."""
    from records.review_progress import apply_input
    from rules.bank_holidays import england_and_wales_working_days
    from rules.facts import Outcome
    from rules.rule_set import ENGLAND_2014
    from rules.transitions import ReportReceived

    urn, reference = urn_with_reviews(factory, 3)
    with session_scope(factory) as session:
        outcome = apply_input(session, reference, ReportReceived(TODAY, Outcome.MAINTAIN), idempotency_key="test",
                              actor="test", today=TODAY, rule_set=ENGLAND_2014,
                              is_working_day=england_and_wales_working_days())
    assert outcome.accepted and outcome.stage == 4, outcome
    return urn, reference


def apply_received(factory: SessionFactory, reference: str) -> None:
    """Do what the review's stage task does when its run takes the input (no Prefect here)."""
    with session_scope(factory) as session:
        review = session.scalars(select(Review).where(Review.reference == reference)).one()
        entry = session.scalars(
            select(InboxEntry).where(InboxEntry.review_id == review.id, InboxEntry.status == "received")
        ).one()
        apply_entry(session, reference, entry.wait_key, entry, now=system_now())
