"""``ehcp reviews``: the example caseload listed and filtered by setting, stage, overdue and due date."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

import pytest

from tests.records.support import AS_OF, EXAMPLES, run


@pytest.fixture
def examples_loaded(cli_env: str) -> None:
    assert run("import", "settings", str(EXAMPLES / "settings.csv")).exit_code == 0
    result = run("import", "caseload", str(EXAMPLES / "caseload.csv"))
    assert result.exit_code == 0, result.output


def _listed(*options: str) -> list[dict[str, Any]]:
    result = run("reviews", "--as-of", AS_OF, "--json", *options)
    assert result.exit_code == 0, result.output
    reviews: list[dict[str, Any]] = json.loads(result.stdout)["reviews"]
    return reviews


@pytest.mark.usefixtures("examples_loaded")
def test_every_review_is_listed_soonest_deadline_first() -> None:
    listed = _listed()
    assert len(listed) == 16
    dated = [r["due_on"] for r in listed if r["due_on"] is not None]
    assert dated == sorted(dated)
    assert all(r["due_on"] is None for r in listed[len(dated) :])
    first = listed[0]
    assert first["days_left"] == (date.fromisoformat(first["due_on"]) - date.fromisoformat(AS_OF)).days


@pytest.mark.usefixtures("examples_loaded")
def test_overdue_lists_only_reviews_whose_next_deadline_has_passed() -> None:
    overdue = _listed("--overdue")
    assert overdue
    assert all(r["days_left"] < 0 for r in overdue)
    assert len(overdue) == sum(1 for r in _listed() if r["days_left"] is not None and r["days_left"] < 0)


@pytest.mark.usefixtures("examples_loaded")
def test_filters_by_setting_stage_and_due_date() -> None:
    everything = _listed()
    urn = everything[0]["setting_urn"]
    assert {r["setting_urn"] for r in _listed("--setting", urn)} == {urn}
    assert len(_listed("--setting", urn)) == sum(1 for r in everything if r["setting_urn"] == urn)
    assert all(r["stage"] == 1 for r in _listed("--stage", "1"))
    assert len(_listed("--stage", "1")) == sum(1 for r in everything if r["stage"] == 1)
    before = _listed("--due-before", "2026-06-01")
    assert before and all(r["due_on"] < "2026-06-01" for r in before)


@pytest.mark.usefixtures("examples_loaded")
def test_table_shows_who_owes_the_next_deadline() -> None:
    result = run("reviews", "--as-of", AS_OF, "--overdue")
    assert result.exit_code == 0
    assert "overdue" in result.stdout and "AR-20" in result.stdout
    assert "Synthetic-" not in result.stdout  # no child's name in the caseload list


def test_bad_dates_in_options_are_refused(cli_env: str) -> None:
    result = run("reviews", "--due-before", "2026-02-30")
    assert result.exit_code == 2
    assert "--due-before" in result.stderr
