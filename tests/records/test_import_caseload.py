"""``ehcp import caseload``: every bad input refused whole, re-imports idempotent, changes updated in place."""

from __future__ import annotations

import threading
from datetime import date
from pathlib import Path

import pytest
from sqlalchemy import select

from records.importing.caseload_import import CaseloadContext, import_caseload
from records.importing.caseload_rows import CASELOAD_COLUMNS, CASELOAD_OPTIONAL_COLUMNS
from records.models import AuditEntry, DeadlineRecord, Review
from records.review_facts import review_facts
from records.session import SessionFactory, session_scope
from rules.bank_holidays import england_and_wales_working_days
from rules.facts import Decision, Outcome, PreviousReview
from rules.rule_set import ENGLAND_2014
from tests.records.support import count, run, snapshot, write_csv

SETTINGS = [
    {"urn": "900001", "name": "Synthetic Primary", "phase": "primary"},
    {"urn": "900002", "name": "Synthetic High", "phase": "secondary"},
]
GOOD = [
    {
        "child_ref": "T001",
        "given_name": "Alex",
        "family_name": "Synthetic-1",
        "date_of_birth": "2016-03-04",
        "year_group": "4",
        "setting_urn": "900001",
        "plan_first_issued_on": "2024-06-03",
        "meeting_planned_on": "2025-05-01",
        "meeting_held_on": "2025-05-01",
        "decision_outcome": "maintain",
        "decision_notified_on": "2025-05-20",
    },
    {
        "child_ref": "T002",
        "given_name": "Sam",
        "family_name": "Synthetic-2",
        "date_of_birth": "2014-10-10",
        "year_group": "6",
        "setting_urn": "900001",
        "plan_first_issued_on": "2022-02-01",
        "previous_meeting_on": "2025-01-10",
        "previous_decision_on": "2025-02-03",
        "transfer_kind": "school",
        "transfer_year": "2026",
        "meeting_planned_on": "2025-11-20",
    },
    {
        "child_ref": "T003",
        "given_name": "Kit",
        "family_name": "Synthetic-3",
        "date_of_birth": "2010-01-15",
        "year_group": "11",
        "setting_urn": "900002",
        "plan_first_issued_on": "2023-09-01",
    },
]
HEADER = [*CASELOAD_COLUMNS, *CASELOAD_OPTIONAL_COLUMNS]


@pytest.fixture
def loaded(cli_env: str, tmp_path: Path) -> Path:
    """The settings imported; return the path of the good caseload file (not yet imported)."""
    assert run("import", "settings", str(write_csv(tmp_path / "settings.csv", SETTINGS))).exit_code == 0
    return write_csv(tmp_path / "caseload.csv", GOOD, HEADER)


def _with(row: int, **changes: str) -> list[dict[str, str]]:
    rows = [dict(r) for r in GOOD]
    rows[row].update(changes)
    return rows


BAD_FILES = {
    "bad-date": (_with(1, date_of_birth="2014-13-10"), ["row 3", "date_of_birth", "not a real date"]),
    "unknown-urn": (_with(0, setting_urn="999999"), ["row 2", "setting_urn", "unknown setting URN"]),
    "impossible-order": (
        _with(0, decision_notified_on="2025-04-01"),
        ["row 2", "decision_notified_on", "before the meeting"],
    ),
    "duplicate-child": ([*GOOD, {**GOOD[0], "family_name": "Other"}], ["row 5", "child_ref", "duplicate child"]),
    "missing-outcome": (_with(1, decision_notified_on="2025-12-01"), ["row 3", "decision_outcome", "together"]),
}


@pytest.mark.parametrize("name", list(BAD_FILES))
def test_bad_rows_are_all_reported_and_nothing_is_imported(name: str, loaded: Path, factory: SessionFactory) -> None:
    rows, expected = BAD_FILES[name]
    before = snapshot(factory)
    result = run("import", "caseload", str(write_csv(loaded, rows, HEADER)))
    assert result.exit_code == 2
    assert "nothing was imported" in result.stderr
    for text in expected:
        assert text in result.stderr
    assert snapshot(factory) == before


def test_every_bad_row_is_reported_not_just_the_first(loaded: Path) -> None:
    rows = _with(0, date_of_birth="yesterday")
    rows[2]["setting_urn"] = "999999"
    result = run("import", "caseload", str(write_csv(loaded, rows, HEADER)))
    assert result.exit_code == 2
    assert "row 2" in result.stderr and "row 4" in result.stderr


def test_names_are_never_echoed_in_problem_reports(loaded: Path) -> None:
    result = run("import", "caseload", str(write_csv(loaded, _with(0, given_name="x" * 101), HEADER)))
    assert result.exit_code == 2
    assert "given_name" in result.stderr and "(withheld)" in result.stderr and "x" * 101 not in result.stderr


def test_missing_column_is_reported(loaded: Path, factory: SessionFactory) -> None:
    header = [c for c in HEADER if c != "plan_first_issued_on"]
    result = run("import", "caseload", str(write_csv(loaded, GOOD, header)))
    assert result.exit_code == 2
    assert "plan_first_issued_on" in result.stderr and "missing column" in result.stderr
    assert count(factory, "children") == 0


@pytest.mark.parametrize(("delimiter", "name"), [(";", "semicolons"), ("\t", "tabs")])
def test_wrong_delimiter_is_named(loaded: Path, factory: SessionFactory, delimiter: str, name: str) -> None:
    loaded.write_text(loaded.read_text(encoding="utf-8").replace(",", delimiter), encoding="utf-8")
    result = run("import", "caseload", str(loaded))
    assert result.exit_code == 2
    assert f"separated by {name}" in result.stderr
    assert count(factory, "children") == 0


def test_file_not_in_utf8_is_refused(loaded: Path, factory: SessionFactory) -> None:
    rows = _with(2, family_name="Synthétique")
    loaded.write_bytes(write_csv(loaded, rows, HEADER).read_text(encoding="utf-8").encode("cp1252"))
    result = run("import", "caseload", str(loaded))
    assert result.exit_code == 2
    assert "row 4" in result.stderr and "not UTF-8" in result.stderr
    assert count(factory, "children") == 0


def test_import_creates_reviews_with_deadlines_from_the_rules(loaded: Path, factory: SessionFactory) -> None:
    result = run("import", "caseload", str(loaded))
    assert result.exit_code == 0, result.output
    assert "3 created, 0 updated, 0 unchanged" in result.stdout
    with session_scope(factory) as session:
        review = session.scalars(select(Review).join(Review.plan).where(Review.stage.is_(None))).one()
        facts = review_facts(review)
        keys = set(session.scalars(select(DeadlineRecord.key).where(DeadlineRecord.review_id == review.id)))
        references = list(session.scalars(select(Review.reference)))
    assert facts.decision == Decision(Outcome.MAINTAIN, date(2025, 5, 20))
    assert {"review_due", "meeting_due", "decision_due", "next_review_due"} <= keys
    assert all(ref.startswith("AR-20") and len(ref) == len("AR-2026-00001") for ref in references)
    with session_scope(factory) as session:
        actions = sorted(session.scalars(select(AuditEntry.action)))
    assert actions == ["caseload.imported", *["review.created"] * 3, "settings.imported"]


def test_reimport_of_the_same_file_changes_nothing(loaded: Path, factory: SessionFactory) -> None:
    assert run("import", "caseload", str(loaded)).exit_code == 0
    before = snapshot(factory)
    result = run("import", "caseload", str(loaded))
    assert result.exit_code == 0
    assert "0 created, 0 updated, 3 unchanged" in result.stdout
    assert snapshot(factory) == before


def test_a_changed_row_updates_its_review_in_place(loaded: Path, factory: SessionFactory) -> None:
    assert run("import", "caseload", str(loaded)).exit_code == 0
    with session_scope(factory) as session:
        before = session.execute(select(Review.id, Review.reference, Review.stage).where(Review.plan_id == 2)).one()
    changed = _with(1, meeting_held_on="2025-11-20", report_received_on="2025-11-27")
    result = run("import", "caseload", str(write_csv(loaded, changed, HEADER)))
    assert "0 created, 1 updated, 2 unchanged" in result.stdout
    with session_scope(factory) as session:
        after = session.execute(select(Review.id, Review.reference, Review.stage).where(Review.plan_id == 2)).one()
        report = session.scalars(
            select(DeadlineRecord).where(DeadlineRecord.review_id == after.id, DeadlineRecord.key == "report_due")
        ).one()
    assert (after.id, after.reference) == (before.id, before.reference)
    assert (before.stage, after.stage) == (1, 4)
    assert report.met_on is not None and not report.is_open
    assert count(factory, "reviews") == 3


def test_a_row_naming_the_stored_review_as_previous_starts_the_next_cycle(
    loaded: Path, factory: SessionFactory
) -> None:
    assert run("import", "caseload", str(loaded)).exit_code == 0
    next_cycle = _with(
        0,
        previous_meeting_on="2025-05-01",
        previous_decision_on="2025-05-20",
        meeting_planned_on="",
        meeting_held_on="",
        decision_outcome="",
        decision_notified_on="",
    )
    result = run("import", "caseload", str(write_csv(loaded, next_cycle, HEADER)))
    assert "1 created, 0 updated, 2 unchanged" in result.stdout
    with session_scope(factory) as session:
        cycles = [
            (r.cycle_number, r.stage)
            for r in session.scalars(select(Review).where(Review.plan_id == 1).order_by(Review.cycle_number))
        ]
        newest = session.scalars(select(Review).where(Review.plan_id == 1).order_by(Review.cycle_number.desc())).first()
        assert newest is not None
        previous = review_facts(newest).previous_review
    assert previous == PreviousReview(date(2025, 5, 1), date(2025, 5, 20))
    assert len(cycles) == 2 and cycles[1][0] == cycles[0][0] + 1
    assert (cycles[0][1], cycles[1][1]) == (None, 1)  # the old review stays complete; the new one is preparing


def test_concurrent_double_import_leaves_one_copy(loaded: Path, factory: SessionFactory) -> None:
    context = CaseloadContext(ENGLAND_2014, england_and_wales_working_days(), "test")
    barrier = threading.Barrier(2)
    summaries, errors = [], []

    def work() -> None:
        barrier.wait()
        try:
            summaries.append(import_caseload(factory, loaded, context))
        except Exception as exc:  # collected so the test reports it, not the thread
            errors.append(exc)

    threads = [threading.Thread(target=work) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted((s.created, s.unchanged) for s in summaries) == [(0, 3), (3, 0)]
    assert (count(factory, "children"), count(factory, "plans"), count(factory, "reviews")) == (3, 3, 3)
