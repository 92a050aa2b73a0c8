"""Hostile inputs after issue 18's audit: ``ehcp deadlines`` exits 2 on deep nesting, huge numbers and duplicate keys
(N16); a date is exactly YYYY-MM-DD at every door, so a Unix timestamp is refused (N15)."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import ValidationError
from typer.testing import CliRunner

from cli.main import app
from services.forms import DecisionForm, MeetingForm, PlanForm, PreparationForm

runner = CliRunner()


def _deadlines(tmp_path: Path, text: str) -> tuple[int, str]:
    path = tmp_path / "review.json"
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["deadlines", str(path), "--json"])
    assert "Traceback" not in result.output
    return result.exit_code, result.stderr


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ('{"plan_first_issued_on": "2025-01-01", "x": ' + "[" * 100_000 + "]" * 100_000 + "}", "nested too deeply"),
        (
            '{"plan_first_issued_on": "2025-01-01", "phase_transfer": {"kind": "school", "year": ' + "9" * 5000 + "}}",
            "5,000 digits",
        ),
        ('{"plan_first_issued_on": "2025-01-01", "plan_first_issued_on": "2024-01-01"}', "given twice"),
        ('{"plan_first_issued_on": "2025-01-01", "decision": {"outcome": "maintain", "outcome": "cease"}}', "twice"),
    ],
    ids=["100000-deep", "5000-digit-year", "duplicate-key", "duplicate-nested-key"],
)
def test_n16_hostile_files_exit_2_with_a_message(tmp_path: Path, text: str, words: str) -> None:
    code, message = _deadlines(tmp_path, text)
    assert code == 2 and words in message


@pytest.mark.parametrize("value", ["1803427200", 1803427200, "20270224", "2027-02-24T00:00", "2027-2-24"])
@pytest.mark.parametrize(
    ("form", "field", "others"),
    [
        (
            PreparationForm,
            "meeting_planned_on",
            {"invitations_sent_on": "2027-01-01", "advice_circulated_on": "2027-01-01"},
        ),
        (MeetingForm, "meeting_held_on", {}),
        (DecisionForm, "notified_on", {"outcome": "maintain"}),
        (PlanForm, "issued_on", {"document": "final-plan"}),
    ],
    ids=["preparation", "meeting", "decision", "plan"],
)
def test_n15_every_stage_form_refuses_a_date_that_is_not_yyyy_mm_dd(
    form: type, field: str, others: dict[str, str], value: object
) -> None:
    with pytest.raises(ValidationError, match="YYYY-MM-DD"):
        form.model_validate({field: value, **others, "submitted_by": "staff-1"})


def test_n15_a_strict_date_still_takes_a_date() -> None:
    form = MeetingForm.model_validate({"meeting_held_on": "2027-02-24", "submitted_by": "staff-1"})
    assert form.meeting_held_on.isoformat() == "2027-02-24"
    assert MeetingForm.model_validate(form.model_dump()).meeting_held_on == form.meeting_held_on
