"""``records.review_search.find_reviews`` on SQLite and PostgreSQL: the example caseload searched by part of a
child's name in any case, by reference and setting, filtered, counted by when the next deadline falls, paged,
and scoped to a setting's own reviews."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from records.models import Child, Plan, Review, Setting
from records.review_search import Due, ReviewSearch, find_reviews
from records.session import SessionFactory, session_scope
from tests.records.support import AS_OF, EXAMPLES, run

TODAY = date.fromisoformat(AS_OF)
TERM_END = TODAY + timedelta(days=40)


@pytest.fixture
def examples_loaded(cli_env: str) -> None:
    assert run("import", "settings", str(EXAMPLES / "settings.csv")).exit_code == 0
    result = run("import", "caseload", str(EXAMPLES / "caseload.csv"))
    assert result.exit_code == 0, result.output


def _search(factory: SessionFactory, **wanted: object) -> list[str]:
    with session_scope(factory) as session:
        found = find_reviews(session, ReviewSearch(TODAY, TERM_END, per_page=None, **wanted))  # type: ignore[arg-type]
        return [line.reference for line in found.lines]


@pytest.mark.usefixtures("examples_loaded")
def test_search_filter_count_page_and_scope_on_each_backend(factory: SessionFactory) -> None:
    with session_scope(factory) as session:
        rows = session.execute(
            select(Review.reference, Child.given_name, Child.family_name, Setting.urn, Review.stage, Review.next_due_on)
            .join(Plan, Plan.id == Review.plan_id).join(Child, Child.id == Plan.child_id)
            .join(Setting, Setting.id == Plan.setting_id).where(Review.stage.is_not(None))
        ).all()
    reference, given, family, urn, stage, _ = rows[0]
    assert reference in _search(factory, words=f"{given.upper()} {family[-4:].lower()}")
    assert _search(factory, words=reference.lower()) == [reference]
    assert set(_search(factory, words=urn)) == {r[0] for r in rows if r[3] == urn}
    assert set(_search(factory, stage=stage)) == {r[0] for r in rows if r[4] == stage}
    assert _search(factory, words=f"{given} {family}", setting_urns=("NOPE",)) == []
    assert set(_search(factory, setting_urns=(urn.lower(),))) == {r[0] for r in rows if r[3] == urn}
    overdue = {r[0] for r in rows if r[5] is not None and r[5] < TODAY}
    this_term = {r[0] for r in rows if r[5] is not None and TODAY <= r[5] <= TERM_END}
    assert set(_search(factory, due=Due.OVERDUE)) == overdue
    assert set(_search(factory, due=Due.THIS_TERM)) == this_term
    with session_scope(factory) as session:
        page = find_reviews(session, ReviewSearch(TODAY, TERM_END, page=2, per_page=3))
    assert page.total == len(rows) and page.page == 2 and len(page.lines) == min(3, len(rows) - 3)
    assert page.counts.get(Due.OVERDUE, 0) == len(overdue) and page.counts.get(Due.THIS_TERM, 0) == len(this_term)
    assert sum(page.counts.values()) == len(rows)
