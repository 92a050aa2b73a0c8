"""``ehcp deadlines``: the caseworker's table, the JSON contract, and clean refusals of bad input."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from cli.main import app

CASES: list[dict[str, Any]] = json.loads((Path(__file__).parents[1] / "data" / "deadlines.json").read_text())
runner = CliRunner()


def run(tmp_path: Path, facts: Any, *args: str) -> Any:
    path = tmp_path / "review.json"
    path.write_text(facts if isinstance(facts, str) else json.dumps(facts))
    return runner.invoke(app, ["deadlines", str(path), *args])


@pytest.mark.parametrize("case", CASES, ids=[c["name"] for c in CASES])
def test_json_output_is_the_contract(tmp_path: Path, case: dict[str, Any]) -> None:
    result = run(tmp_path, case["facts"], "--json", "--cycle-anchor", case["cycle_anchor"], "--as-of", "2026-11-27")
    assert result.exit_code == 0, result.output
    document = json.loads(result.stdout)
    assert document["deadlines"] == case["expected"]
    assert list(document["deadlines"]) == list(case["expected"])


def test_table_shows_date_weekday_owner_status_and_source(tmp_path: Path) -> None:
    facts = {"plan_first_issued_on": "2025-03-14", "meeting_held_on": "2026-02-10"}
    result = run(tmp_path, facts, "--as-of", "2026-03-02")
    assert result.exit_code == 0, result.output
    lines = {line.split("│")[1].strip(): line for line in result.stdout.splitlines() if line.count("│") > 5}
    report = lines["Post-meeting report sent"]
    assert "2026-02-24" in report and "Tue" in report and "setting" in report and "missed" in report
    assert "20(7)" in report
    decision = lines["LA decision notified"]
    assert "2026-03-10" in decision and "LA" in decision and "due soon" in decision
    assert "met (10 Feb)" in lines["Review meeting held"]
    assert "england-2014" in result.stdout


def test_as_of_changes_status(tmp_path: Path) -> None:
    facts = {"plan_first_issued_on": "2025-03-14"}
    early = run(tmp_path, facts, "--json", "--as-of", "2025-06-01")
    late = run(tmp_path, facts, "--json", "--as-of", "2026-03-14")
    assert json.loads(early.stdout)["detail"]["review_due"]["status"] == "open"
    assert json.loads(late.stdout)["detail"]["review_due"]["status"] == "missed"


def bad(tmp_path: Path, facts: Any, *args: str) -> str:
    result = run(tmp_path, facts, *args)
    assert result.exit_code == 2, result.output
    assert "Traceback" not in result.output
    return result.stderr


@pytest.mark.parametrize(
    ("facts", "expected"),
    [
        ({"plan_first_issued_on": "2026-02-30"}, ["plan_first_issued_on", "not a real date"]),
        ({"plan_first_issued_on": "14/03/2025"}, ["plan_first_issued_on", "YYYY-MM-DD"]),
        (
            {
                "plan_first_issued_on": "2025-03-14",
                "decision": {"outcome": "approved", "notified_on": "2026-03-02"},
                "meeting_held_on": "2026-02-10",
            },
            ["decision.outcome", "maintain, amend, cease"],
        ),
        (
            {"plan_first_issued_on": "2025-03-14", "phase_transfer": {"kind": "uni", "year": 2027}},
            ["phase_transfer.kind", "secondary_to_post16"],
        ),
        (
            {"plan_first_issued_on": "2025-03-14", "meeting_held": "2026-02-10"},
            ["meeting_held", "did you mean 'meeting_held_on'"],
        ),
        ({"meeting_held_on": "2026-02-10"}, ["plan_first_issued_on", "required"]),
        (
            {"plan_first_issued_on": "2025-03-14", "meeting_held_on": "2025-01-10"},
            ["meeting_held_on", "before the plan was first issued"],
        ),
        (
            {
                "plan_first_issued_on": "2025-03-14",
                "meeting_held_on": "2026-02-10",
                "decision": {"outcome": "cease", "notified_on": "2026-02-01"},
            },
            ["decision.notified_on", "before the meeting"],
        ),
        (
            {
                "plan_first_issued_on": "2025-03-14",
                "meeting_held_on": "2026-02-10",
                "decision": {"outcome": "maintain", "notified_on": "2026-03-01"},
                "amendment_notice_sent_on": "2026-03-01",
            },
            ["amendment_notice_sent_on", "amend"],
        ),
        (
            {
                "plan_first_issued_on": "2025-03-14",
                "meeting_held_on": "2026-02-10",
                "decision": {"outcome": "amend", "notified_on": "2026-03-02"},
                "amendment_notice_sent_on": "2026-03-02",
                "final_plan_issued_on": "2026-02-28",
            },
            ["final_plan_issued_on", "amendment notice"],
        ),
    ],
    ids=[
        "impossible-date",
        "not-a-date",
        "unknown-outcome",
        "unknown-transfer",
        "unknown-field",
        "missing-plan",
        "meeting-before-plan",
        "decision-before-meeting",
        "notice-without-amend",
        "final-before-notice",
    ],
)
def test_bad_facts_exit_2_naming_the_field(tmp_path: Path, facts: dict[str, Any], expected: list[str]) -> None:
    message = bad(tmp_path, facts, "--json")
    for words in expected:
        assert words in message


def test_every_problem_is_named_in_one_run(tmp_path: Path) -> None:
    message = bad(tmp_path, {"plan_first_issued_on": "2026-13-01", "final_plan_issued_on": "soon", "x": 1})
    assert "3 problems" in message
    assert "plan_first_issued_on" in message and "final_plan_issued_on" in message and "x: unknown field" in message


def test_invalid_json_names_line_and_column(tmp_path: Path) -> None:
    message = bad(tmp_path, '{"plan_first_issued_on": "2025-03-14",\n}')
    assert "not valid JSON" in message and "line 2" in message


def test_missing_file(tmp_path: Path) -> None:
    result = runner.invoke(app, ["deadlines", str(tmp_path / "nope.json")])
    assert result.exit_code == 2 and "no such file" in result.stderr


def test_bad_as_of(tmp_path: Path) -> None:
    assert "--as-of" in bad(tmp_path, {"plan_first_issued_on": "2025-03-14"}, "--as-of", "2026-02-30")


def test_bad_cycle_anchor_is_a_usage_error(tmp_path: Path) -> None:
    result = run(tmp_path, {"plan_first_issued_on": "2025-03-14"}, "--cycle-anchor", "birthday")
    assert result.exit_code == 2 and "decision" in result.output and "meeting" in result.output


def test_example_review_renders(tmp_path: Path) -> None:
    example = Path(__file__).parents[2] / "examples" / "review.json"
    result = runner.invoke(app, ["deadlines", str(example), "--as-of", "2026-11-27"])
    assert result.exit_code == 0, result.output
    assert "Final amended plan issued" in result.stdout
