"""Finding a review: the one search query (name, reference, setting; stage, overdue, due this term; scope; pages),
the lists and pages that name the child to the people entitled to see it and to nobody else, the access log
without query strings, and the demo SENCO's walk through stages 1-3."""

from __future__ import annotations

import logging
import re
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

from portal.access_log import DropQueryString, install
from portal.accounts import Role
from portal.finding import read_search, year_text
from records.demo.walkthrough import walkthrough, walkthrough_for
from records.models import Child, Plan, Review, Setting
from records.review_search import Due, ReviewSearch, find_reviews
from records.session import SessionFactory, session_scope
from tests.portal.conftest import TODAY, make_account, review_at_decision, urn_with_reviews

TERM_END = date(2027, 1, 3)
GIVEN, FAMILY = "Marigold", "Featherstonehaugh"


def name_child(factory: SessionFactory, reference: str, given: str = GIVEN, family: str = FAMILY) -> None:
    """Give the child of a review an unmistakable (invented) name."""
    with session_scope(factory) as session:
        review = session.scalar(select(Review).where(Review.reference == reference))
        assert review is not None
        review.plan.child.given_name, review.plan.child.family_name = given, family


def found(factory: SessionFactory, **wanted: Any) -> list[Any]:
    with session_scope(factory) as session:
        return find_reviews(session, ReviewSearch(TODAY, TERM_END, per_page=None, **wanted)).lines


def open_reviews(factory: SessionFactory) -> list[tuple[str, str, int, date | None, str | None]]:
    with session_scope(factory) as session:
        query = (select(Review.reference, Setting.urn, Review.stage, Review.next_due_on, Review.next_owner)
                 .join(Plan, Plan.id == Review.plan_id).join(Setting, Setting.id == Plan.setting_id)
                 .where(Review.stage.is_not(None)))
        return [tuple(row) for row in session.execute(query)]  # type: ignore[misc]


# The query ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("words", ["marigold", "FEATHER", "gold feather", "Featherstonehaugh Marigold", " mari  "])
def test_a_child_is_found_by_part_of_a_name_whatever_the_case(factory: SessionFactory, words: str) -> None:
    urn, reference = urn_with_reviews(factory, 1)
    name_child(factory, reference)
    lines = found(factory, words=words)
    assert [line.reference for line in lines] == [reference]
    assert (lines[0].given_name, lines[0].family_name, lines[0].setting_urn) == (GIVEN, FAMILY, urn)


def test_every_word_must_match_and_wildcards_are_only_letters(factory: SessionFactory) -> None:
    _, reference = urn_with_reviews(factory, 1)
    name_child(factory, reference)
    assert found(factory, words="marigold nobody-has-this") == []
    assert found(factory, words="%") == [] and found(factory, words="_") == []


def test_a_review_is_found_by_its_reference_and_reviews_by_their_setting(factory: SessionFactory) -> None:
    urn, reference = urn_with_reviews(factory, 2)
    assert [line.reference for line in found(factory, words=reference.lower())] == [reference]
    every = open_reviews(factory)
    in_setting = sorted(ref for ref, u, *_ in every if u == urn)
    assert sorted(line.reference for line in found(factory, words=urn)) == in_setting
    with session_scope(factory) as session:
        name = session.scalar(select(Setting.name).where(Setting.urn == urn))
    assert name is not None
    by_name = {line.reference for line in found(factory, words=name)}
    assert set(in_setting) <= by_name


@pytest.mark.parametrize("stage", [1, 2, 3, 4, 5])
def test_the_stage_filter(factory: SessionFactory, stage: int) -> None:
    expected = sorted(ref for ref, _, s, *_ in open_reviews(factory) if s == stage)
    assert sorted(line.reference for line in found(factory, stage=stage)) == expected


def test_overdue_due_this_term_and_later_split_the_open_reviews(factory: SessionFactory) -> None:
    every = open_reviews(factory)
    overdue = sorted(ref for ref, _, _, due, _ in every if due is not None and due < TODAY)
    this_term = sorted(ref for ref, _, _, due, _ in every if due is not None and TODAY <= due <= TERM_END)
    later = sorted(ref for ref, _, _, due, _ in every if due is None or due > TERM_END)
    assert overdue and this_term and later
    assert sorted(line.reference for line in found(factory, due=Due.OVERDUE)) == overdue
    assert sorted(line.reference for line in found(factory, due=Due.THIS_TERM)) == this_term
    assert sorted(line.reference for line in found(factory, due=Due.LATER)) == later
    with session_scope(factory) as session:
        counted = find_reviews(session, ReviewSearch(TODAY, TERM_END, due=Due.OVERDUE)).counts
    assert counted == {Due.OVERDUE: len(overdue), Due.THIS_TERM: len(this_term), Due.LATER: len(later)}


def test_the_council_queue_holds_what_waits_for_the_council(factory: SessionFactory) -> None:
    expected = sorted(ref for ref, _, stage, _, owner in open_reviews(factory) if owner == "la" or stage >= 4)
    assert expected
    assert sorted(line.reference for line in found(factory, council_queue=True)) == expected


def test_a_senco_never_finds_another_settings_child(factory: SessionFactory) -> None:
    urn, reference = urn_with_reviews(factory, 1)
    other, _ = urn_with_reviews(factory, 1, not_urn=urn)
    name_child(factory, reference)
    assert [line.reference for line in found(factory, words=GIVEN, setting_urns=(urn,))] == [reference]
    assert found(factory, words=GIVEN, setting_urns=(other,)) == []
    assert found(factory, words=reference, setting_urns=(other,)) == []
    assert found(factory, setting_urns=()) == []
    assert {line.setting_urn for line in found(factory, setting_urns=(other,))} == {other}


def test_pages_cover_every_match_once_soonest_first(factory: SessionFactory) -> None:
    everything = [line.reference for line in found(factory)]
    pages = []
    with session_scope(factory) as session:
        first = find_reviews(session, ReviewSearch(TODAY, TERM_END, per_page=7))
        for number in range(1, first.pages + 1):
            one = find_reviews(session, ReviewSearch(TODAY, TERM_END, page=number, per_page=7))
            pages.extend(line.reference for line in one.lines)
        beyond = find_reviews(session, ReviewSearch(TODAY, TERM_END, page=999, per_page=7))
    assert first.total == len(everything) and first.pages == -(-len(everything) // 7)
    assert pages == everything
    assert beyond.page == first.pages  # a page past the end shows the last one


# The search form ------------------------------------------------------------------------------------------------


def test_the_search_form_names_each_bad_field_and_its_fix() -> None:
    form = read_search({"q": "x" * 1000, "stage": "9", "due": "yesterday", "page": "-1"})
    assert {p.field for p in form.problems} == {"q", "stage", "due", "page"}
    assert (form.q, form.stage, form.due, form.page) == ("", "", "", 1)
    assert read_search({"q": "  Jules   Smith ", "stage": "2", "due": "overdue", "page": "3"}).problems == []
    assert read_search({"q": "a b", "stage": "2"}).link(2) == "?q=a+b&stage=2&page=2"
    assert read_search({"q": "Mari\x00gold\x07"}).q == "Marigold"  # no NUL reaches PostgreSQL
    assert [year_text(v) for v in ("4", "Y9", "R", "N1", None)] == [
        "Year 4", "Year 9", "Reception", "Nursery 1", "Not known"]


# The pages ------------------------------------------------------------------------------------------------------


def test_the_senco_sees_the_childs_name_year_and_birth_on_her_list_and_the_review(
    factory: SessionFactory, client_for: Any
) -> None:
    urn, reference = urn_with_reviews(factory, 1)
    name_child(factory, reference)
    make_account(factory, "senco@school.example", Role.SETTING, (urn,))
    client = client_for("senco@school.example")
    listing = client.get("/reviews")
    assert listing.status_code == 200 and f"{GIVEN} {FAMILY}" in listing.text
    searched = client.get("/reviews", params={"q": "featherstone"})
    assert reference in searched.text and "1 review matches your search" in searched.text
    page = client.get(f"/reviews/{reference}")
    with session_scope(factory) as session:
        child = session.scalar(select(Child).join(Plan).join(Review).where(Review.reference == reference))
        assert child is not None
        born = f"{child.date_of_birth.day} {child.date_of_birth:%B %Y}"
    assert f"Review {reference}: {GIVEN} {FAMILY}" in page.text
    assert "Date of birth" in page.text and born in page.text and "Year group" in page.text


def test_the_name_does_not_leak_to_another_setting(factory: SessionFactory, client_for: Any) -> None:
    urn, reference = urn_with_reviews(factory, 1)
    other, _ = urn_with_reviews(factory, 1, not_urn=urn)
    name_child(factory, reference)
    make_account(factory, "other@school.example", Role.SETTING, (other,))
    client = client_for("other@school.example")
    for response in (client.get("/reviews"), client.get("/reviews", params={"q": "marigo"}),
                     client.get("/reviews", params={"q": reference}), client.get(f"/reviews/{reference}"),
                     client.get("/api/reviews")):
        assert GIVEN not in response.text and FAMILY not in response.text
    assert "No review matches your search" in client.get("/reviews", params={"q": "marigo"}).text


def test_the_caseworker_finds_a_child_in_the_queue_by_name_and_filters_it(
    factory: SessionFactory, client_for: Any
) -> None:
    _, reference = review_at_decision(factory)
    name_child(factory, reference)
    make_account(factory, "cw@council.example", Role.CASEWORKER)
    client = client_for("cw@council.example")
    queue = client.get("/queue", params={"q": "marigold"})
    assert queue.status_code == 200 and reference in queue.text and f"{GIVEN} {FAMILY}" in queue.text
    assert reference not in client.get("/queue", params={"q": "marigold", "stage": "5"}).text
    assert reference in client.get("/reviews", params={"q": "MARIGOLD", "stage": "4"}).text


def test_bad_search_values_are_a_400_naming_the_field_never_a_500(factory: SessionFactory, client_for: Any) -> None:
    make_account(factory, "cw@council.example", Role.CASEWORKER)
    client = client_for("cw@council.example")
    response = client.get("/queue", params={"stage": "nine", "due": "x", "page": "abc"})
    assert response.status_code == 400
    assert "There is a problem" in response.text and "Stage must be one of the stages" in response.text
    assert "Page must be a whole number" in response.text


def test_every_table_wrapper_takes_the_keyboard_focus(factory: SessionFactory, client_for: Any) -> None:
    make_account(factory, "manager@council.example", Role.MANAGER)
    client = client_for("manager@council.example")
    for path in ("/reviews", "/queue", "/manage/compliance", "/manage/termly"):
        wrappers = re.findall(r'<div class="portal-table-wrap"[^>]*>', client.get(path).text)
        assert wrappers, path
        assert all('tabindex="0"' in w and 'role="region"' in w and "aria-label=" in w for w in wrappers), path


def test_the_termly_list_names_the_child_for_the_council(factory: SessionFactory, client_for: Any) -> None:
    make_account(factory, "manager@council.example", Role.MANAGER)
    client = client_for("manager@council.example")
    text = client.get("/manage/termly").text
    with session_scope(factory) as session:
        names = session.execute(select(Child.given_name, Child.family_name)).all()
    assert "No reviews fall due" not in text
    assert any(f"{g} {f}" in text for g, f in names)


# The access log ---------------------------------------------------------------------------------------------------


def test_the_access_log_never_holds_a_query_string(caplog: pytest.LogCaptureFixture) -> None:
    install()
    install()
    logger = logging.getLogger("uvicorn.access")
    assert sum(isinstance(f, DropQueryString) for f in logger.filters) == 1
    with caplog.at_level(logging.INFO, logger="uvicorn.access"):
        logger.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", "/reviews?q=Marigold+Feather&page=2",
                    "1.1", 200)
    assert caplog.records and "Marigold" not in caplog.text and "GET /reviews HTTP/1.1" in caplog.text


# The demo -----------------------------------------------------------------------------------------------------------


def test_the_demo_senco_has_a_review_to_try_at_stages_1_2_and_3(factory: SessionFactory) -> None:
    with session_scope(factory) as session:
        plan = walkthrough(session)
        assert plan is not None and set(plan.to_try) == {1, 2, 3}
        for stage, reference in plan.to_try.items():
            review = session.scalar(select(Review).where(Review.reference == reference))
            assert review is not None and review.stage == stage and review.plan.setting.urn in plan.setting_urns
        assert walkthrough_for(session, plan.setting_urns) == plan.to_try or set(
            walkthrough_for(session, plan.setting_urns)) == {1, 2, 3}


def test_a_setting_short_of_a_stage_borrows_it_from_another(factory: SessionFactory) -> None:
    with session_scope(factory) as session:
        plan = walkthrough(session)
        assert plan is not None
        first = plan.setting_urns[0]
        for review in session.scalars(select(Review).join(Plan).join(Setting).where(Setting.urn == first,
                                                                                    Review.stage == 2)):
            review.stage = 3
        session.flush()
        again = walkthrough(session)
        assert again is not None and set(again.to_try) == {1, 2, 3}
        assert all(session.scalar(select(Review.stage).where(Review.reference == ref)) == stage
                   for stage, ref in again.to_try.items())


def test_ehcp_users_demo_prints_the_references_to_try_every_time(
    factory: SessionFactory, monkeypatch: pytest.MonkeyPatch
) -> None:
    from records.settings import get_settings
    from tests.records.support import run

    monkeypatch.setenv("EHCP_DATABASE_URL", str(factory.kw["bind"].url))
    get_settings.cache_clear()
    try:
        first, again = run("users", "demo"), run("users", "demo")
    finally:
        get_settings.cache_clear()
    assert first.exit_code == 0 and again.exit_code == 0, first.output
    with session_scope(factory) as session:
        plan = walkthrough(session)
    assert plan is not None
    email = f"senco.{plan.setting_urns[0].lower()}@demo.invalid"
    assert f"front door demo account: {email} (setting)" in first.stdout
    for output in (first.stdout, again.stdout):
        line = next(line for line in output.splitlines() if "try:" in line)
        assert email in line and all(f"{ref} (stage {stage}" in line for stage, ref in plan.to_try.items())
    assert "demo account" not in again.stdout  # the accounts are made once


def test_the_api_list_takes_the_same_search(factory: SessionFactory, client_for: Any) -> None:
    from tests.portal.test_scope_and_sign_in import _token as token_for

    urn, reference = urn_with_reviews(factory, 1)
    other, _ = urn_with_reviews(factory, 1, not_urn=urn)
    name_child(factory, reference)
    make_account(factory, "senco@school.example", Role.SETTING, (urn,))
    make_account(factory, "other@school.example", Role.SETTING, (other,))
    client = client_for("senco@school.example")
    mine = {"Authorization": f"Bearer {token_for(factory, 'senco@school.example')}"}
    theirs = {"Authorization": f"Bearer {token_for(factory, 'other@school.example')}"}
    found = client.get("/api/reviews", params={"q": "marigold", "stage": "1"}, headers=mine)
    assert found.status_code == 200 and [r["reference"] for r in found.json()] == [reference]
    assert client.get("/api/reviews", params={"q": "marigold"}, headers=theirs).json() == []
    refused = client.get("/api/reviews", params={"stage": "7"}, headers=mine)
    assert refused.status_code == 422 and refused.json()["detail"][0]["field"] == "stage"
