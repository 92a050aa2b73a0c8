"""Issue 23 item 5: compliance counts the previous reviews imported with the caseload, apart and plainly.

SQLite and PostgreSQL. The hand-built SEN2 caseload (tests/records/sen2_caseload.py) for 2025, and one plan whose
imported amend still owes its final plan (the audit's "untracked duty", 125 demo plans):

* OWED   previous amend: meeting Thu 1 Oct 2026, decision and notice Tue 20 Oct 2026, no final plan: due the earlier
         of the meeting + 12 weeks (Thu 24 Dec) and the notice + 8 weeks (Tue 15 Dec 2026)
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest

from records.session import SessionFactory, session_scope
from reports.compliance import Period, compliance_report
from tests.records.sen2_caseload import load_sen2_caseload
from tests.records.support import run, write_csv

OWED = {"child_ref": "OWED", "given_name": "Testchild", "family_name": "Synthetic", "date_of_birth": "2012-01-01",
        "setting_urn": "900201", "plan_first_issued_on": "2020-01-10", "previous_meeting_on": "2026-10-01",
        "previous_decision_on": "2026-10-20", "previous_outcome": "amend",
        "previous_amendment_notice_sent_on": "2026-10-20"}


@pytest.fixture
def caseload(cli_env: str, tmp_path: Path) -> None:
    load_sen2_caseload(tmp_path)
    result = run("import", "caseload", str(write_csv(tmp_path / "owed.csv", [OWED])))
    assert result.exit_code == 0, result.output


def _imported(factory: SessionFactory, period: Period) -> dict[str, dict[str, int]]:
    with session_scope(factory) as session:
        report = compliance_report(session, period)
    return {line.key: {k: v for k, v in line.counts.items() if v} for line in report.imported}


@pytest.mark.usefixtures("caseload")
def test_imported_decisions_of_2025_are_counted_apart(factory: SessionFactory) -> None:
    found = _imported(factory, Period(date(2025, 1, 1), date(2025, 12, 31), date(2026, 1, 15)))
    # decisions whose 4 weeks ended in 2025: S4 (due Fri 7 Feb, decided 1 Feb), S1 (17 days), S3 (day 28): met;
    # S2 (42 days): late. S2's notice came with its decision (late too); its final plan of 20 Jun met Tue 24 Jun.
    assert found == {"decision_due": {"met": 3, "met_late": 1}, "amendment_notice_due": {"met_late": 1},
                     "final_plan_due": {"met": 1}}


@pytest.mark.usefixtures("caseload")
def test_an_imported_amend_still_owes_its_final_plan(factory: SessionFactory) -> None:
    period = Period(date(2026, 12, 1), date(2026, 12, 31), date(2026, 12, 4))
    assert _imported(factory, period)["final_plan_due"] == {"open": 1}
    later = Period(date(2026, 12, 1), date(2026, 12, 31), date(2026, 12, 20))
    assert _imported(factory, later)["final_plan_due"] == {"missed": 1}  # 5 days late on Sun 20 Dec 2026


@pytest.mark.usefixtures("caseload")
def test_the_csv_marks_the_imported_lines() -> None:
    result = run("report", "compliance", "--from", "2025-01-01", "--to", "2025-12-31", "--as-of", "2026-01-15",
                 "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = [row for row in csv.DictReader(io.StringIO(result.stdout)) if row["level"] == "imported"]
    assert {(row["deadline_key"], row["due"]) for row in rows} == {
        ("decision_due", "4"), ("amendment_notice_due", "1"), ("final_plan_due", "1")}


@pytest.mark.usefixtures("caseload")
def test_the_page_reconciles_the_decisions_of_2025_to_sen2(tmp_path: Path) -> None:
    out = tmp_path / "c.html"
    result = run("report", "compliance", "--as-of", "2026-01-15", "--format", "html", "--out", str(out))
    assert result.exit_code == 0, result.output
    page = out.read_text(encoding="utf-8")
    assert "Previous reviews imported with the caseload" in page

    def figure(label: str) -> str:
        start = page.index(label)
        return page[start:].split("<td>", 1)[1].split("</td>", 1)[0]

    # decisions notified in 2025: S1 S2 S3 S4(Feb) S8 S9 S12 S14 = 8; SEN2 counts S1 S2 S3 S4 S8 S12 (6);
    # S9 ceased before the census; S14 started in 2025
    assert figure("Decisions notified in 2025 held in the records") == "8"
    assert figure("of which counted by SEN2 as completed") == "6"
    assert figure("plans that ceased before the census") == "1"
    assert figure("plans started in 2025") == "1"
