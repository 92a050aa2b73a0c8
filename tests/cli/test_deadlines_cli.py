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
    assert "Final plan or not-amending notice" in result.stdout


AMEND = {
    "plan_first_issued_on": "2025-03-14",
    "meeting_held_on": "2026-02-10",
    "decision": {"outcome": "amend", "notified_on": "2026-03-02"},
}
PREVIOUS = {"meeting_on": "2025-04-01", "decision_on": "2025-04-25"}


@pytest.mark.parametrize(
    ("facts", "field", "words"),
    [
        ({"plan_first_issued_on": "9999-06-01"}, "plan_first_issued_on", "1990-01-01 to 2100-12-31"),
        ({"plan_first_issued_on": "2026-2-3"}, "plan_first_issued_on", "YYYY-MM-DD"),
        ({"plan_first_issued_on": "\uff12\uff10\uff12\uff15-03-14"}, "plan_first_issued_on", "ASCII digits"),
        ({"plan_first_issued_on": "0001-01-01"}, "plan_first_issued_on", "outside the dates"),
        ({"plan_first_issued_on": "1989-12-31"}, "plan_first_issued_on", "outside the dates"),
        ({"plan_first_issued_on": "2101-01-01"}, "plan_first_issued_on", "outside the dates"),
        ({"plan_first_issued_on": " 2025-03-14"}, "plan_first_issued_on", "YYYY-MM-DD"),
        (
            {"plan_first_issued_on": "2023-05-02", "previous_review": PREVIOUS, "meeting_held_on": "2025-04-10"},
            "meeting_held_on",
            "previous review's decision",
        ),
        (
            {"plan_first_issued_on": "2025-06-20", "phase_transfer": {"kind": "school", "year": 2024}},
            "phase_transfer.year",
            "before this review began",
        ),
        (
            {"plan_first_issued_on": "2025-06-20", "phase_transfer": {"kind": "school", "year": 9999}},
            "phase_transfer.year",
            "outside the years",
        ),
        (
            {"plan_first_issued_on": "2025-06-20", "phase_transfer": {"kind": "post16", "transfer_on": "2025-01-01"}},
            "phase_transfer.transfer_on",
            "before this review began",
        ),
        (
            {
                **AMEND,
                "decision": {"outcome": "maintain", "notified_on": "2026-03-02"},
                "amendments_withdrawn_on": "2026-04-01",
            },
            "amendments_withdrawn_on",
            "outcome 'amend'",
        ),
        (
            {
                **AMEND,
                "amendment_notice_sent_on": "2026-03-02",
                "final_plan_issued_on": "2026-04-20",
                "amendments_withdrawn_on": "2026-04-21",
            },
            "amendments_withdrawn_on",
            "one or the other",
        ),
        (
            {**AMEND, "amendment_notice_sent_on": "2026-03-10", "amendments_withdrawn_on": "2026-03-05"},
            "amendments_withdrawn_on",
            "cannot precede",
        ),
        ({**AMEND, "cease_notice_sent_on": "2026-04-01"}, "cease_notice_sent_on", "outcome 'cease'"),
        (
            {"plan_first_issued_on": "2025-03-14", "mediation_certificate_on": "2026-04-01"},
            "mediation_certificate_on",
            "add decision",
        ),
        ({**AMEND, "mediation_certificate_on": "2026-02-20"}, "mediation_certificate_on", "cannot precede"),
        ({"plan_first_issued_on": "2025-03-14", "led_by": "school"}, "led_by", "setting, la"),
        (
            {**AMEND, "report_sent_on": "2026-02-20", "report_received_on": "2026-02-18"},
            "report_received_on",
            "sent",
        ),
        ({**AMEND, "report_sent_on": "2026-02-01"}, "report_sent_on", "precede the meeting"),
    ],
    ids=[
        "year-9999",
        "not-zero-padded",
        "full-width-digits",
        "year-0001",
        "before-1990",
        "after-2100",
        "leading-space",
        "meeting-before-previous-decision",
        "transfer-year-before-anchor",
        "transfer-year-9999",
        "post16-transfer-before-anchor",
        "withdrawal-without-amend",
        "withdrawal-and-final-plan",
        "withdrawal-before-notice",
        "cease-notice-with-amend",
        "certificate-without-decision",
        "certificate-before-decision",
        "unknown-led-by",
        "report-received-before-sent",
        "report-sent-before-meeting",
    ],
)
def test_revised_bad_inputs_exit_2_naming_the_field(
    tmp_path: Path, facts: dict[str, Any], field: str, words: str
) -> None:
    message = bad(tmp_path, facts, "--json")
    assert f"{field}:" in message
    assert words in message


def detail(tmp_path: Path, facts: dict[str, Any], as_of: str) -> dict[str, Any]:
    result = run(tmp_path, facts, "--json", "--as-of", as_of)
    assert result.exit_code == 0, result.output
    found: dict[str, Any] = json.loads(result.stdout)["detail"]
    return found


def test_final_plan_inside_the_window_is_a_breach_never_met(tmp_path: Path) -> None:
    """Notice Mon 2 Mar 2026, final plan Thu 5 Mar: window to Mon 16 Mar; kept as history, marked breach."""
    facts = {**AMEND, "amendment_notice_sent_on": "2026-03-02", "final_plan_issued_on": "2026-03-05"}
    found = detail(tmp_path, facts, "2026-03-06")
    assert found["final_plan_due"]["status"] == "breach"
    assert "2026-03-17" in found["final_plan_due"]["warning"]


def test_cap_inside_the_window_warns_with_the_earliest_lawful_day(tmp_path: Path) -> None:
    """Notice Thu 5 Feb 2026, school transfer: cap Sat 14 Feb, window to Thu 19 Feb, earliest Fri 20 Feb."""
    facts = {
        "plan_first_issued_on": "2025-06-20",
        "meeting_held_on": "2026-01-20",
        "decision": {"outcome": "amend", "notified_on": "2026-02-05"},
        "amendment_notice_sent_on": "2026-02-05",
        "phase_transfer": {"kind": "school", "year": 2026},
    }
    found = detail(tmp_path, facts, "2026-02-06")
    plan = found["final_plan_due"]
    assert plan["due_on"] == "2026-02-14" and plan["status"] == "breach"
    assert plan["earliest_lawful_on"] == "2026-02-20" and "cannot be met lawfully" in plan["warning"]
    table = run(tmp_path, facts, "--as-of", "2026-02-06")
    assert "cannot be met lawfully" in table.stdout and "2026-02-20" in table.stdout


def test_reg_21_review_is_owed_by_the_la(tmp_path: Path) -> None:
    facts = {"plan_first_issued_on": "2025-03-14", "meeting_held_on": "2026-02-10", "led_by": "la"}
    found = detail(tmp_path, facts, "2026-02-11")
    for key in ("invitations_due", "advice_due", "meeting_due", "report_due"):
        assert found[key]["owner"] == "la", key
    assert "Reg 21" in found["report_due"]["citation"]


def test_report_status_follows_the_sent_date(tmp_path: Path) -> None:
    """Meeting Tue 10 Feb 2026: report due Tue 24 Feb; sent Tue 24 Feb, received Thu 26 Feb: met."""
    facts = {
        "plan_first_issued_on": "2025-03-14",
        "meeting_held_on": "2026-02-10",
        "report_sent_on": "2026-02-24",
        "report_received_on": "2026-02-26",
    }
    assert detail(tmp_path, facts, "2026-02-27")["report_due"]["status"] == "met"


def test_maintain_at_a_phase_transfer_leaves_it_open(tmp_path: Path) -> None:
    facts = {
        "plan_first_issued_on": "2025-06-20",
        "meeting_held_on": "2026-01-12",
        "decision": {"outcome": "maintain", "notified_on": "2026-02-05"},
        "phase_transfer": {"kind": "school", "year": 2026},
    }
    assert detail(tmp_path, facts, "2026-02-06")["phase_transfer_due"]["status"] == "due soon"
    assert detail(tmp_path, facts, "2026-02-16")["phase_transfer_due"]["status"] == "missed"


def test_appeal_citation_is_rules_12_and_20(tmp_path: Path) -> None:
    facts = {**AMEND, "decision": {"outcome": "maintain", "notified_on": "2026-03-02"}}
    citation = detail(tmp_path, facts, "2026-03-03")["appeal_due"]["citation"]
    assert "rules 12 and 20" in citation and "s51" in citation and "43" not in citation
