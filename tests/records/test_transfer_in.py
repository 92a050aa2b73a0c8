"""Issue 23 item 4: plans transferred in from another council (SEND Regs 2014 reg 15), on SQLite and PostgreSQL.

Imported with ``transferred_in_on`` and ``transferred_from_la``, recorded with ``ehcp transfer-in``: the first review
after the transfer is due by the later of the 12 months and 3 months from the transfer, and SEN2's ``TransferLA``
gives the old council's number at the census after the calendar year of the transfer.

* MOVED    plan first issued by the old council Wed 1 Jan 2025; transferred Mon 1 Dec 2025 from 873: the 12 months
           end Wed 31 Dec 2025, 3 months from the transfer Sun 1 Mar 2026: the review is due then (the audit's E07)
* EARLY    first issued Mon 2 Jun 2025, transferred Tue 1 Jul 2025 from 935: the 12 months (Mon 1 Jun 2026) are later
* RECORDED first issued Tue 10 Mar 2026; transferred Mon 2 Nov 2026 from 926, recorded later with `ehcp transfer-in`
"""

from __future__ import annotations

import csv
import io
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from records.models import AuditEntry, DeadlineRecord, Review
from records.session import SessionFactory, session_scope
from tests.records.support import run, write_csv

SETTING = {"urn": "900401", "name": "Synthetic Arrivals Primary", "phase": "primary"}
COLUMNS = ("child_ref", "given_name", "family_name", "date_of_birth", "setting_urn", "plan_first_issued_on",
           "transferred_in_on", "transferred_from_la", "la_person_id")
CASES = {
    "MOVED": ("2025-01-01", "2025-12-01", "873"),
    "EARLY": ("2025-06-02", "2025-07-01", "935"),
    "RECORDED": ("2026-03-10", "", ""),
}


def _rows(cases: dict[str, tuple[str, str, str]]) -> list[dict[str, str]]:
    return [{"child_ref": ref, "given_name": "Testchild", "family_name": "Synthetic", "date_of_birth": "2016-04-04",
             "setting_urn": "900401", "plan_first_issued_on": first, "transferred_in_on": moved,
             "transferred_from_la": la, "la_person_id": f"PER-{ref}"} for ref, (first, moved, la) in cases.items()]


@pytest.fixture
def caseload(cli_env: str, tmp_path: Path) -> Path:
    assert run("import", "settings", str(write_csv(tmp_path / "s.csv", [SETTING]))).exit_code == 0
    result = run("import", "caseload", str(write_csv(tmp_path / "c.csv", _rows(CASES), COLUMNS)))
    assert result.exit_code == 0, result.output
    return tmp_path


def _due(factory: SessionFactory) -> dict[str, tuple[str, date]]:
    with session_scope(factory) as session:
        return {
            r.plan.child.child_ref: (r.reference, next(d.due_on for d in r.deadlines if d.key == "review_due"))
            for r in session.scalars(select(Review))
        }


@pytest.mark.usefixtures("caseload")
def test_the_first_review_after_a_transfer_in_is_due_by_the_later_date(factory: SessionFactory) -> None:
    due = {ref: on for ref, (_, on) in _due(factory).items()}
    assert due == {"MOVED": date(2026, 3, 1), "EARLY": date(2026, 6, 1), "RECORDED": date(2027, 3, 9)}
    with session_scope(factory) as session:
        meeting = session.scalars(select(DeadlineRecord.due_on).join(Review).where(
            DeadlineRecord.key == "meeting_due", Review.reference == _due(factory)["MOVED"][0])).one()
    assert meeting == date(2026, 2, 1)  # 4 weeks before the moved review date


@pytest.mark.usefixtures("caseload")
def test_transfer_la_is_given_for_the_calendar_year_of_the_transfer() -> None:
    def transfer_la(census: str) -> dict[str, str]:
        result = run("report", "sen2", "--census-date", census)
        assert result.exit_code == 0, result.output
        return {row["child_ref"]: row["TransferLA"] for row in csv.DictReader(io.StringIO(result.stdout))}

    assert transfer_la("2026-01-15") == {"MOVED": "873", "EARLY": "935"}  # RECORDED first issued after the census
    assert transfer_la("2027-01-21") == {"MOVED": "", "EARLY": "", "RECORDED": ""}
    xml = run("report", "sen2", "--census-date", "2026-01-15", "--format", "xml").stdout
    assert "<TransferLA>873</TransferLA>" in xml


def test_ehcp_transfer_in_records_it_and_moves_the_review_date(factory: SessionFactory, caseload: Path) -> None:
    reference, before = _due(factory)["RECORDED"]
    refused = run("transfer-in", reference, "--on", "2026-11-02", "--from-la", "96")
    assert refused.exit_code == 2 and "three-digit" in refused.stderr
    result = run("transfer-in", reference, "--on", "2026-11-02", "--from-la", "926")
    assert result.exit_code == 0, result.output
    assert "recorded" in result.stdout
    assert run("transfer-in", reference, "--on", "2026-11-02", "--from-la", "926").stdout.endswith("already recorded\n")
    assert (before, _due(factory)["RECORDED"][1]) == (date(2027, 3, 9), date(2027, 3, 9))  # 12 months are later
    with session_scope(factory) as session:
        assert session.scalars(select(AuditEntry.action).where(AuditEntry.action == "plan.transferred_in")).all() == [
            "plan.transferred_in"]


@pytest.mark.parametrize(
    ("moved", "la", "column", "reason"),
    [
        ("2026-01-05", "", "transferred_from_la", "together"),
        ("", "873", "transferred_in_on", "together"),
        ("2024-12-01", "873", "transferred_in_on", "after it was first issued"),
        ("2025-12-01", "Suffolk", "transferred_from_la", "three-digit"),
        ("2099-01-01", "873", "transferred_in_on", "business date"),
    ],
)
def test_a_bad_transfer_in_is_refused_naming_the_column(
    cli_env: str, tmp_path: Path, moved: str, la: str, column: str, reason: str
) -> None:
    assert run("import", "settings", str(write_csv(tmp_path / "s.csv", [SETTING]))).exit_code == 0
    rows = _rows({"BAD": ("2025-01-01", moved, la)})
    result = run("import", "caseload", str(write_csv(tmp_path / "c.csv", rows, COLUMNS)))
    assert result.exit_code == 2
    assert column in result.stderr and reason in result.stderr
