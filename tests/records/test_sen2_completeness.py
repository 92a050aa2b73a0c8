"""Issue 23 item 2: no silent figures for a census the records cannot answer; a census to come is a forecast.

SQLite and PostgreSQL. The census of Thu 15 Jan 2026 (the measures for 2025), on a small imported caseload:

* GONE   first issued 10 Jan 2019; only its review of March 2026 was imported (cycle 8 now): its 2025 review is
         missing from the records, so it lacks history (the audit's 943 plans)
* NEVER  first issued 1 Mar 2024 and never reviewed (the audit's E08): a real "no meeting", not missing history
* HELD   first issued 10 Jan 2019; its review of March 2025 is held
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from tests.records.support import run, write_csv

SETTING = {"urn": "900501", "name": "Synthetic History Academy", "phase": "secondary"}
COLUMNS = ("child_ref", "given_name", "family_name", "date_of_birth", "setting_urn", "plan_first_issued_on",
           "previous_meeting_on", "previous_decision_on", "previous_outcome")
CASES = {
    "GONE": ("2019-01-10", "2026-03-02", "2026-03-20"),
    "NEVER": ("2024-03-01", "", ""),
    "HELD": ("2019-01-10", "2025-03-03", "2025-03-20"),
}


@pytest.fixture
def caseload(cli_env: str, tmp_path: Path) -> None:
    assert run("import", "settings", str(write_csv(tmp_path / "s.csv", [SETTING]))).exit_code == 0
    rows = [{"child_ref": ref, "given_name": "Testchild", "family_name": "Synthetic", "date_of_birth": "2010-02-02",
             "setting_urn": "900501", "plan_first_issued_on": first, "previous_meeting_on": meeting,
             "previous_decision_on": decided, "previous_outcome": "maintain" if decided else ""}
            for ref, (first, meeting, decided) in CASES.items()]
    result = run("import", "caseload", str(write_csv(tmp_path / "c.csv", rows, COLUMNS)))
    assert result.exit_code == 0, result.output


@pytest.mark.usefixtures("caseload")
def test_a_past_census_with_missing_history_is_refused_saying_what_is_missing() -> None:
    result = run("report", "sen2-measures", "--year", "2025", "--as-of", "2026-12-04")
    assert result.exit_code == 3
    assert "lack history for 1 of the 3 plans at the census of 2026-01-15" in result.stderr
    assert "--incomplete" in result.stderr and result.stdout == ""
    listed = run("report", "sen2-measures", "--year", "2025", "--explain", "lacking_history")
    assert listed.exit_code == 0
    assert [row["child_ref"] for row in csv.DictReader(io.StringIO(listed.stdout))] == ["GONE"]


@pytest.mark.usefixtures("caseload")
def test_the_figures_asked_for_anyway_carry_the_warning() -> None:
    result = run("report", "sen2-measures", "--year", "2025", "--as-of", "2026-12-04", "--incomplete")
    assert result.exit_code == 0, result.output
    assert "WARNING: The records lack history for 1 of the 3 plans" in result.stdout
    found = json.loads(run("report", "sen2-measures", "--year", "2025", "--as-of", "2026-12-04", "--incomplete",
                           "--json").stdout)
    assert found["records"]["plans_lacking_history"] == 1 and found["records"]["forecast"] is False
    assert found["measures"]["review_not_completed"] == 2  # GONE (no data) and NEVER (never reviewed)
    items = run("report", "sen2", "--census-date", "2026-01-15", "--as-of", "2026-12-04")
    assert items.exit_code == 0 and "warning: The records lack history for 1 of the 3 plans" in items.stderr


@pytest.mark.usefixtures("caseload")
def test_a_census_still_to_come_is_a_forecast() -> None:
    result = run("report", "sen2-measures", "--year", "2026", "--as-of", "2026-12-04")
    assert result.exit_code == 0, result.output  # every plan has a meeting before 21 Jan 2027 or was never reviewed
    assert "census 2027-01-21 (FORECAST)" in result.stdout
    assert "Forecast: the census of 2027-01-21 is after 2026-12-04" in result.stdout
    past = run("report", "sen2-measures", "--year", "2026", "--as-of", "2027-02-01")
    assert "FORECAST" not in past.stdout and "Forecast" not in past.stdout
