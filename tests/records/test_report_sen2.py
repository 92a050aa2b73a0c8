"""``ehcp report sen2`` on the hand-built caseload: items across the census date, ceased plans, measures."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest

from tests.records.report_caseload import load_caseload
from tests.records.support import run


@pytest.fixture
def caseload(cli_env: str, tmp_path: Path) -> None:
    load_caseload(tmp_path)


def _table(text: str) -> list[dict[str, str]]:
    kept = "".join(line for line in text.splitlines(True) if not line.startswith("#"))
    return list(csv.DictReader(io.StringIO(kept)))


def _sen2(tmp_path: Path, census: str, *options: str) -> tuple[dict[str, tuple[str, str, str]], dict[str, int], str]:
    out = tmp_path / "sen2.csv"
    result = run("report", "sen2", "--census-date", census, "--out", str(out), *options)
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    items = {r["child_ref"]: (r["ReviewMeeting"], r["ReviewOutcome"], r["LastReview"]) for r in _table(text)}
    measures_text = (tmp_path / "sen2.measures.csv").read_text(encoding="utf-8")
    measures = {r["measure"]: int(r["value"]) for r in _table(measures_text) if r["measure"] not in ("census_on",)}
    return items, measures, text


@pytest.mark.usefixtures("caseload")
def test_items_at_a_january_census_with_reviews_crossing_it(tmp_path: Path) -> None:
    items, _, text = _sen2(tmp_path, "2026-01-15")
    assert items == {
        "C1": ("2025-02-20", "", "2025-03-10"),  # this cycle's meeting is after the census: the previous one
        "C2": ("2025-03-15", "", "2025-04-01"),
        "C3": ("2025-04-10", "", "2025-05-01"),
        "C4": ("2025-08-10", "", "2025-09-01"),
        "C5": ("2025-12-10", "", ""),  # ceased by a decision after the census: reported, no outcome yet
        "C6": ("2025-05-10", "", "2025-06-01"),
        "C7": ("2025-11-20", "M", "2025-12-10"),
        "C9": ("2025-06-10", "", "2025-07-01"),
        "C10": ("", "", ""),  # first plan, no review yet
    }  # C8 ceased before the census: not reported
    assert text.startswith("# SEN2") and "Synthetic-" not in text and "2012-01-01" not in text


@pytest.mark.usefixtures("caseload")
def test_items_a_year_later_show_outcomes_and_drop_the_ceased_plan(tmp_path: Path) -> None:
    items, _, _ = _sen2(tmp_path, "2027-01-14")
    assert items["C1"] == ("2026-02-02", "A", "2026-02-27")
    assert items["C2"] == ("2026-03-13", "M", "2026-04-20")
    assert items["C6"] == ("2026-04-20", "A", "2026-05-26")
    assert items["C9"] == ("2026-06-01", "", "")  # meeting held, no decision yet
    assert "C5" not in items and "C8" not in items


@pytest.mark.usefixtures("caseload")
def test_measures_for_the_calendar_year(tmp_path: Path) -> None:
    _, measures, _ = _sen2(tmp_path, "2027-01-14")
    assert measures == {
        "year": 2026,
        "reviews_expected": 9,
        "reviews_completed": 5,
        "reviews_completed_in_time": 3,
        "reviews_not_completed": 4,
        "meetings_held": 4,
        "outcome_amend": 2,  # C1 within 4 weeks (25 days), C6 over (36 days)
        "outcome_cease": 0,
        "outcome_maintain": 1,  # C2, 38 days
        "decision_4_weeks": 1,
        "decision_over_4_weeks": 2,
        "decision_awaited": 1,  # C9
    }
    _, earlier, _ = _sen2(tmp_path, "2026-01-15", "--year", "2025")
    assert (earlier["outcome_cease"], earlier["decision_4_weeks"], earlier["decision_awaited"]) == (1, 2, 1)


@pytest.mark.usefixtures("caseload")
def test_without_out_both_tables_are_printed() -> None:
    result = run("report", "sen2", "--census-date", "2026-01-15")
    assert result.exit_code == 0, result.output
    assert "child_ref,ReviewMeeting,ReviewOutcome,LastReview" in result.stdout
    assert "measure,value" in result.stdout and "decision_over_4_weeks" in result.stdout


@pytest.mark.parametrize(
    ("options", "named"),
    [((), "--census-date"), (("--census-date", "2026-01-32"), "--census-date"),
     (("--census-date", "2026-01-15", "--year", "2030"), "--year")],
)
def test_bad_options_exit_2_naming_the_option(cli_env: str, options: tuple[str, ...], named: str) -> None:
    result = run("report", "sen2", *options)
    assert result.exit_code == 2
    assert named in result.stderr
