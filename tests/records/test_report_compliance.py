"""``ehcp report compliance`` on the hand-built caseload: counts, lateness, CSV, HTML and bad options."""

from __future__ import annotations

import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest

from records.session import SessionFactory, session_scope
from reports.compliance import Period, compliance_report
from tests.records.report_caseload import load_caseload
from tests.records.support import run

PERIOD = ("--from", "2026-01-01", "--to", "2026-07-31", "--as-of", "2026-06-30")
# key: (due, met, met_late, missed, open, unrecorded, median days late, worst days late), worked out by hand
EXPECTED = {
    "invitations_due": (5, 2, 1, 1, 0, 1, "28.5", "55"),  # C2 2 days late; C3 missed 55 days; C6 unrecorded
    "advice_due": (5, 3, 0, 1, 0, 1, "55", "55"),
    "meeting_due": (6, 4, 1, 1, 0, 0, "49.5", "89"),  # C2 10 days late; C3 missed 89 days
    "report_due": (4, 2, 1, 1, 0, 0, "11", "15"),  # C2 7 late; C9 missed 15
    # M + 28, never capped by review_due (Reg 20(10)): C9 missed 1, C6 8, C2 10 (13 Mar + 28 = 10 Apr), C5 13
    "decision_due": (5, 1, 3, 1, 0, 0, "9", "13"),
    "review_due": (7, 3, 2, 1, 1, 0, "20", "61"),  # C9 due on the as-of date: open, not missed
    "amendment_notice_due": (2, 1, 1, 0, 0, 0, "8", "8"),  # M + 28 (Devon): C1 with its decision; C6 8 days late
    "final_plan_due": (2, 1, 0, 0, 1, 0, "", ""),  # C1 N + 56 (24 Apr); C6 M + 84 (13 Jul), open
}


@pytest.fixture
def caseload(cli_env: str, tmp_path: Path) -> None:
    load_caseload(tmp_path)


def _csv(*options: str) -> list[dict[str, str]]:
    result = run("report", "compliance", *PERIOD, "--format", "csv", *options)
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


@pytest.mark.usefixtures("caseload")
def test_authority_counts_and_lateness_match_the_hand_worked_answers() -> None:
    rows = {row["deadline_key"]: row for row in _csv() if row["level"] == "authority"}
    assert set(rows) == set(EXPECTED)
    for key, (due, met, late, missed, still_open, unrecorded, median, worst) in EXPECTED.items():
        row = rows[key]
        counts = tuple(int(row[name]) for name in ("due", "met", "met_late", "missed", "open", "unrecorded"))
        assert counts == (due, met, late, missed, still_open, unrecorded), key
        assert (row["median_late_days"], row["worst_late_days"]) == (median, worst), key
    assert rows["decision_due"]["owner"] == "la" and rows["meeting_due"]["owner"] == "setting"
    assert rows["decision_due"]["on_time_rate"] == "0.200"


@pytest.mark.usefixtures("caseload")
def test_split_by_setting_adds_up_to_the_authority_totals() -> None:
    rows = _csv()
    for key in EXPECTED:
        total = next(r for r in rows if r["level"] == "authority" and r["deadline_key"] == key)
        parts = [r for r in rows if r["level"] == "setting" and r["deadline_key"] == key]
        assert sum(int(r["due"]) for r in parts) == int(total["due"])
    beech = [r for r in _csv("--setting", "900102") if r["level"] == "setting"]
    assert {r["setting_urn"] for r in beech} == {"900102"}
    meeting = next(r for r in beech if r["deadline_key"] == "meeting_due")
    assert (meeting["met"], meeting["missed"], meeting["worst_late_days"]) == ("1", "1", "89")


def test_the_query_function_counts_on_both_backends(caseload: None, factory: SessionFactory) -> None:
    with session_scope(factory) as session:
        report = compliance_report(session, Period(date(2026, 1, 1), date(2026, 7, 31), date(2026, 6, 30)))
    review_due = next(line for line in report.by_stage if line.key == "review_due")
    assert sorted(review_due.late_days.elements()) == [6, 20, 61]
    assert review_due.median_late_days == 20 and review_due.worst_late_days == 61
    march = next(cell for cell in report.by_month if cell.key == "review_due" and cell.month == "2026-03")
    assert (march.met, march.late) == (1, 1)  # C1 on time, C2 20 days late


@pytest.mark.usefixtures("caseload")
def test_html_is_one_self_contained_page_with_the_charts(tmp_path: Path) -> None:
    out = tmp_path / "compliance.html"
    result = run("report", "compliance", *PERIOD, "--format", "html", "--out", str(out))
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and page.count("<svg") == 3  # with the backlog chart
    assert "<script" not in page.lower() and "http" not in page.lower()
    assert not re.search(r"\b(src|href)\s*=", page, re.IGNORECASE)
    assert "<style>" in page and "LA decision notified (LA)" in page and "20%" in page
    assert "Synthetic-C" not in page and "2012-01-01" not in page  # no names, no dates of birth


@pytest.mark.usefixtures("caseload")
def test_table_output_names_every_stage() -> None:
    result = run("report", "compliance", *PERIOD)
    assert result.exit_code == 0, result.output
    assert "Review meeting held (setting)" in result.stdout and "900101 Synthetic Alder Primary" in result.stdout


@pytest.mark.parametrize(
    ("options", "named"),
    [
        (("--from", "2026-02-30"), "--from"),
        (("--to", "tomorrow"), "--to"),
        (("--from", "2026-06-01", "--to", "2026-01-01"), "--from"),
        (("--setting", "999999"), "--setting"),
        (("--as-of", "2026-13-01"), "--as-of"),
    ],
)
def test_bad_options_exit_2_naming_the_option(cli_env: str, options: tuple[str, ...], named: str) -> None:
    result = run("report", "compliance", *options)
    assert result.exit_code == 2
    assert named in result.stderr


def test_unknown_format_is_refused(cli_env: str) -> None:
    result = run("report", "compliance", "--format", "pdf")
    assert result.exit_code == 2
    assert "--format" in result.output + result.stderr
