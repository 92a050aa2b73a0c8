"""Termly lists on the hand-built caseload: contents and flags, recorded once, and the caseload summary."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from records.session import SessionFactory, session_scope
from records.termly_lists import record_termly_list_sent, termly_lists_sent
from reports.caseload import caseload_summary
from reports.termly import termly_list
from reports.terms import Term, load_terms, term_by_id
from tests.records.report_caseload import load_caseload
from tests.records.support import run

TERMS = load_terms().terms


def _term(term_id: str) -> Term:
    term = term_by_id(TERMS, term_id)
    assert term is not None
    return term


@pytest.fixture
def caseload(cli_env: str, tmp_path: Path) -> None:
    load_caseload(tmp_path)


def _listed(*options: str) -> dict[str, Any]:
    result = run("termly-list", "--json", *options)
    assert result.exit_code == 0, result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


@pytest.mark.usefixtures("caseload")
def test_summer_list_per_setting_with_flags() -> None:
    data = _listed("--term", "summer-2026")
    assert data["window_ends_on"] == "2026-09-01" and data["term_dates_verified"] is False
    lists = {s["setting_urn"]: s["reviews"] for s in data["settings"]}
    alder = [(r["child_ref"], r["meeting_due_on"], r["phase_transfer"], r["year_9_plus"]) for r in lists["900101"]]
    assert alder == [("C9", "2026-06-02", False, True), ("C4", "2026-08-03", True, False)]  # C4: August holiday
    assert [(r["child_ref"], r["stage"], r["year_9_plus"]) for r in lists["900102"]] == [("C6", 5, True)]
    assert all("name" not in key for s in data["settings"] for r in s["reviews"] for key in r)


@pytest.mark.usefixtures("caseload")
def test_complete_reviews_are_left_out_and_the_first_day_of_term_counts() -> None:
    spring = _listed("--term", "spring-2026")  # C1 and C2 fall due too, but their reviews are complete
    assert [(s["setting_urn"], [r["child_ref"] for r in s["reviews"]]) for s in spring["settings"]] == [
        ("900102", ["C3"])
    ]
    autumn = _listed("--term", "AUTUMN-2026")  # C10's meeting is due Wed 2 Sep 2026, the first day
    assert [r["child_ref"] for s in autumn["settings"] for r in s["reviews"]] == ["C10"]
    assert _listed("--term", "summer-2026", "--setting", "900102")["settings"][0]["setting_urn"] == "900102"


@pytest.mark.usefixtures("caseload")
def test_table_output_shows_flags() -> None:
    result = run("termly-list", "--term", "summer-2026")
    assert result.exit_code == 0, result.output
    assert "phase transfer" in result.stdout and "Year 9+" in result.stdout and "not verified" in result.stdout


@pytest.mark.parametrize(
    ("options", "named"),
    [(("--term", "winter-2026"), "--term"), (("--term", "autumn-2026", "--setting", "nope"), "--setting")],
)
def test_bad_options_exit_2_naming_the_option(cli_env: str, options: tuple[str, ...], named: str) -> None:
    result = run("termly-list", *options)
    assert result.exit_code == 2
    assert named in result.stderr


def test_a_broken_term_dates_file_is_named(cli_env: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from records.settings import get_settings

    monkeypatch.setenv("EHCP_TERM_DATES_FILE", str(tmp_path / "missing.toml"))
    get_settings.cache_clear()
    result = run("termly-list", "--term", "autumn-2026")
    assert result.exit_code == 2
    assert "EHCP_TERM_DATES_FILE" in result.stderr and "missing.toml" in result.stderr


def test_each_settings_list_is_recorded_sent_once_per_term(caseload: None, factory: SessionFactory) -> None:
    term = _term("summer-2026")
    for _run in range(2):
        with session_scope(factory) as session:
            lists = termly_list(session, term)
            sent = [record_termly_list_sent(session, setting_id=found.setting_id, term_id=term.id,
                                            sent_on=date(2026, 3, 20), review_count=len(found.items))
                    for found in lists]
        assert sent == ([True, True] if _run == 0 else [False, False])
    with session_scope(factory) as session:
        assert termly_lists_sent(session, term.id) == {found.setting_id for found in lists}
        assert termly_lists_sent(session, "autumn-2026") == set()
        assert record_termly_list_sent(session, setting_id=lists[0].setting_id, term_id="autumn-2026",
                                       sent_on=date(2026, 8, 5), review_count=0)


def test_caseload_summary_per_setting(caseload: None, factory: SessionFactory) -> None:
    with session_scope(factory) as session:
        rows = caseload_summary(session, date(2026, 6, 30), TERMS)
    assert rows == [
        {"setting_urn": "900101", "setting_name": "Synthetic Alder Primary", "open_reviews": 2,
         "term": "summer-2026", "due_this_term": 2, "overdue_stage_1": 0, "overdue_stage_2": 0,
         "overdue_stage_3": 1, "overdue_stage_4": 1, "overdue_stage_5": 0},  # C9: report and decision late
        {"setting_urn": "900102", "setting_name": "Synthetic Beech High", "open_reviews": 3,
         "term": "summer-2026", "due_this_term": 1, "overdue_stage_1": 1, "overdue_stage_2": 1,
         "overdue_stage_3": 0, "overdue_stage_4": 1, "overdue_stage_5": 0},  # C3: nothing done
    ]
