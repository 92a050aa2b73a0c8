"""The caseload file's SEN2 columns: identifiers and the previous review's outcome and dates, stored and checked."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from records.models import Child, Plan, Review
from records.session import SessionFactory, session_scope
from tests.records.support import run, snapshot, write_csv
from tests.records.test_import_caseload import GOOD, HEADER, SETTINGS

SEN2 = {
    "la_person_id": "PER-0002",
    "la_request_id": "REQ/2/1",
    "previous_outcome": "amend",
    "previous_amendment_notice_sent_on": "2025-02-03",
    "previous_final_plan_issued_on": "2025-03-20",
    "previous_transfer_due_on": "2026-02-14",
}


@pytest.fixture
def folder(cli_env: str, tmp_path: Path) -> Path:
    assert run("import", "settings", str(write_csv(tmp_path / "settings.csv", SETTINGS))).exit_code == 0
    return tmp_path


def _rows(**changes: str) -> list[dict[str, str]]:
    rows = [dict(row) for row in GOOD]
    rows[1].update(changes)  # T002: previous review 10 Jan / 3 Feb 2025, meeting planned 20 Nov 2025
    return rows


def test_sen2_columns_are_stored_with_the_child_plan_and_review(folder: Path, factory: SessionFactory) -> None:
    result = run("import", "caseload", str(write_csv(folder / "caseload.csv", _rows(**SEN2), HEADER)))
    assert result.exit_code == 0, result.output
    with session_scope(factory) as session:
        child = session.scalars(select(Child).where(Child.child_ref == "T002")).one()
        plan = session.scalars(select(Plan).where(Plan.child_id == child.id)).one()
        review = session.scalars(select(Review).where(Review.plan_id == plan.id)).one()
        assert (child.la_person_id, plan.la_request_id) == ("PER-0002", "REQ/2/1")
        assert (review.previous_outcome, review.previous_amendment_notice_sent_on,
                review.previous_final_plan_issued_on, review.previous_transfer_due_on) == (
            "amend", date(2025, 2, 3), date(2025, 3, 20), date(2026, 2, 14))
    again = run("import", "caseload", str(write_csv(folder / "caseload.csv", _rows(**SEN2), HEADER)))
    assert "0 created, 0 updated, 3 unchanged" in again.stdout


def test_a_changed_identifier_updates_in_place(folder: Path, factory: SessionFactory) -> None:
    assert run("import", "caseload", str(write_csv(folder / "c.csv", _rows(**SEN2), HEADER))).exit_code == 0
    changed = run("import", "caseload", str(write_csv(folder / "c.csv", _rows(**{**SEN2, "la_request_id": "R9"}),
                                                      HEADER)))
    assert changed.exit_code == 0 and "1 updated" in changed.stdout
    with session_scope(factory) as session:
        assert session.scalars(select(Plan.la_request_id).where(Plan.la_request_id.is_not(None))).all() == ["R9"]


BAD = {
    "identifier-with-comma-space": ({"la_person_id": "PER 2"}, ["la_person_id", "letters, digits"]),
    "identifier-too-long": ({"la_request_id": "R" * 51}, ["la_request_id", "longer than 50"]),
    "unknown-outcome": ({"previous_outcome": "amended"}, ["previous_outcome", "expected one of"]),
    "outcome-without-dates": (
        {"previous_outcome": "maintain", "previous_meeting_on": "", "previous_decision_on": ""},
        ["previous_outcome", "give previous_meeting_on and previous_decision_on"],
    ),
    "notice-without-amend": (
        {"previous_outcome": "maintain", "previous_amendment_notice_sent_on": "2025-02-03"},
        ["previous_amendment_notice_sent_on", "needs previous_outcome 'amend'"],
    ),
    "notice-before-decision": (
        {"previous_outcome": "amend", "previous_amendment_notice_sent_on": "2025-01-20"},
        ["previous_amendment_notice_sent_on", "cannot precede the previous decision (2025-02-03)"],
    ),
    "final-without-notice": (
        {"previous_outcome": "amend", "previous_final_plan_issued_on": "2025-03-01"},
        ["previous_final_plan_issued_on", "needs previous_amendment_notice_sent_on"],
    ),
    "bad-date": ({"previous_transfer_due_on": "2026-02-30"}, ["previous_transfer_due_on"]),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_sen2_cells_are_refused_naming_the_column(name: str, folder: Path, factory: SessionFactory) -> None:
    changes, expected = BAD[name]
    before = snapshot(factory)
    result = run("import", "caseload", str(write_csv(folder / "caseload.csv", _rows(**changes), HEADER)))
    assert result.exit_code == 2
    assert "row 3" in result.stderr
    for text in expected:
        assert text in result.stderr
    assert snapshot(factory) == before
