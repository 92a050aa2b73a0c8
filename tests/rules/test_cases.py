"""Every worked case of domain/cases/deadlines.json (copied to tests/data) gives the expected deadlines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from rules.calendar import IsWorkingDay
from rules.deadlines import DEADLINE_KEYS, due_dates
from rules.facts_input import review_facts_from
from rules.rule_set import ENGLAND_2014, CycleAnchor

CASES: list[dict[str, Any]] = json.loads((Path(__file__).parents[1] / "data" / "deadlines.json").read_text())


def test_cases_file_has_cases_with_every_key() -> None:
    assert len(CASES) >= 15
    for case in CASES:
        assert set(case["expected"]) == {str(k) for k in DEADLINE_KEYS}, case["name"]


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_worked_case_gives_expected_deadlines(case: dict[str, Any], is_working_day: IsWorkingDay) -> None:
    facts = review_facts_from(case["facts"])
    rule_set = ENGLAND_2014.with_settings(cycle_anchor=CycleAnchor(case["cycle_anchor"]))
    got = due_dates(facts, rule_set, is_working_day=is_working_day)
    assert {k: v.isoformat() if v else None for k, v in got.items()} == case["expected"]
