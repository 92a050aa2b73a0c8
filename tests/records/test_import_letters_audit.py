"""``ehcp import caseload`` after issue 18's audit: a past transfer (N3), hostile cells and future history (N17),
a review the LA leads with no school (N21) and the school a plan names. Each refusal leaves the records unchanged."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from records.importing.caseload_rows import CASELOAD_COLUMNS, CASELOAD_OPTIONAL_COLUMNS
from records.models import Review, Setting
from records.models.caseload import NO_SETTING_URN
from records.session import SessionFactory, session_scope
from tests.records.support import run, snapshot, write_csv

SETTINGS = [
    {"urn": "900001", "name": "Synthetic Primary", "phase": "primary"},
    {"urn": "900002", "name": "Synthetic High", "phase": "secondary"},
]
ROW = {
    "child_ref": "T101",
    "given_name": "Alex",
    "family_name": "Synthetic-101",
    "date_of_birth": "2015-03-04",
    "year_group": "6",
    "setting_urn": "900001",
    "plan_first_issued_on": "2022-06-03",
    "previous_meeting_on": "2025-11-03",
    "previous_decision_on": "2025-11-28",
}
HEADER = [*CASELOAD_COLUMNS, *CASELOAD_OPTIONAL_COLUMNS]


@pytest.fixture
def folder(cli_env: str, tmp_path: Path) -> Path:
    assert run("import", "settings", str(write_csv(tmp_path / "settings.csv", SETTINGS))).exit_code == 0
    return tmp_path


def _import(folder: Path, **changes: str) -> Any:
    return run("import", "caseload", str(write_csv(folder / "caseload.csv", [{**ROW, **changes}], HEADER)))


def test_n3_a_transfer_whose_date_passed_before_the_review_began_is_refused(
    folder: Path, factory: SessionFactory
) -> None:
    """The Year 6 transfer of 2026 (plan due Sat 14 Feb 2026) belongs to a review that ended on Fri 20 Feb 2026."""
    before = snapshot(factory)
    result = _import(
        folder,
        transfer_kind="school",
        transfer_year="2026",
        previous_meeting_on="2026-02-03",
        previous_decision_on="2026-02-20",
    )
    assert result.exit_code == 2
    assert "row 2" in result.stderr and "transfer_year" in result.stderr
    assert "2026-02-14" in result.stderr and "Traceback" not in result.stderr
    assert snapshot(factory) == before


def test_n17_an_oversized_cell_is_refused_naming_its_row(folder: Path, factory: SessionFactory) -> None:
    before = snapshot(factory)
    result = _import(folder, given_name="A" * 200_000)
    assert result.exit_code == 2, result.output
    assert "row 2" in result.stderr and "longer than 131,072 characters" in result.stderr
    assert snapshot(factory) == before


def test_n17_a_meeting_held_after_the_business_date_is_refused(folder: Path, factory: SessionFactory) -> None:
    before = snapshot(factory)
    result = _import(folder, meeting_held_on="2099-01-01")
    assert result.exit_code == 2
    assert "meeting_held_on" in result.stderr and "after the import's business date" in result.stderr
    assert snapshot(factory) == before
    assert _import(folder, meeting_planned_on="2099-01-01").exit_code == 0


def test_n21_a_review_the_council_leads_needs_no_setting(folder: Path, factory: SessionFactory) -> None:
    """Reg 21: a child who attends no school or college; the import takes an empty setting_urn with led_by la."""
    refused = _import(folder, setting_urn="")
    assert refused.exit_code == 2 and "setting_urn" in refused.stderr
    assert _import(folder, setting_urn="", led_by="la").exit_code == 0
    assert _import(folder, setting_urn="", led_by="la").exit_code == 0
    with session_scope(factory) as session:
        review = session.scalars(select(Review)).one()
        assert (review.plan.setting.urn, review.led_by) == (NO_SETTING_URN, "la")
        assert session.scalars(select(Setting).where(Setting.urn == NO_SETTING_URN)).one() is not None


def test_the_school_a_transfer_plan_names_is_imported(folder: Path, factory: SessionFactory) -> None:
    result = _import(folder, transfer_kind="school", transfer_year="2027", named_setting_urn="900002")
    assert result.exit_code == 0, result.output
    with session_scope(factory) as session:
        review = session.scalars(select(Review)).one()
        assert review.named_setting is not None and review.named_setting.urn == "900002"
    refused = _import(folder, named_setting_urn="999999")
    assert refused.exit_code == 2 and "named_setting_urn" in refused.stderr
