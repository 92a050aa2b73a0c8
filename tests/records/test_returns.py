"""Issue 23 item 6: the returns beside SEN2 from the same records, on the hand-built SEN2 caseload (SQLite and
PostgreSQL): annex A list 1, a plan's chronology, the FOI figures and DfE's breakdowns, each as ``ehcp report``."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import pytest
from sqlalchemy import select

from records.models import Child, Plan, Review
from records.session import SessionFactory, session_scope
from tests.records.sen2_caseload import CENSUS, load_sen2_caseload
from tests.records.support import run


@pytest.fixture
def caseload(cli_env: str, tmp_path: Path) -> None:
    load_sen2_caseload(tmp_path)


def _csv(*args: str) -> list[dict[str, str]]:
    result = run("report", *args)
    assert result.exit_code == 0, result.output
    return list(csv.DictReader(io.StringIO(result.stdout)))


@pytest.mark.usefixtures("caseload")
def test_annex_a_list_1_has_the_columns_the_engine_holds() -> None:
    rows = {row["Unique ID"]: row for row in _csv("annex-a", "--as-of", CENSUS)}
    assert list(next(iter(rows.values()))) == [
        "Unique ID", "Date of birth", "Date initial EHC plan issued", "Date updated EHC plan issued",
        "Date EHC plan last reviewed", "Main education establishment – URN", "Main education establishment – phase"]
    assert rows["PER-S12"] == {
        "Unique ID": "PER-S12", "Date of birth": "01/01/2012", "Date initial EHC plan issued": "01/09/2019",
        "Date updated EHC plan issued": "12/01/2026", "Date EHC plan last reviewed": "27/10/2025",
        "Main education establishment – URN": "900201", "Main education establishment – phase": "All-through"}
    assert rows["S15"]["Date EHC plan last reviewed"] == ""  # no council id imported: the engine's reference
    assert "PER-S9" not in rows and "PER-S11" not in rows  # ceased before, first issued after, the date
    assert len(rows) == 13


@pytest.mark.usefixtures("caseload")
def test_a_plans_chronology_has_every_date_deadline_and_recorded_act(factory: SessionFactory) -> None:
    with session_scope(factory) as session:
        reference = session.scalars(select(Review.reference).join(Plan).join(Child).where(
            Child.child_ref == "S12")).one()
    rows = _csv("chronology", reference, "--as-of", "2026-03-02")
    kinds = {row["kind"] for row in rows}
    assert {"plan", "history", "fact", "deadline", "audit"} <= kinds
    whats = [(row["date"], row["what"]) for row in rows]
    assert ("2019-09-01", "First final EHC plan issued") == whats[0]
    assert ("2025-10-06", "Review meeting held") in whats
    assert ("2026-01-12", "Final amended plan issued") in whats
    decision = next(row for row in rows if row["what"] == "Decision notified")
    assert (decision["date"], decision["detail"]) == ("2025-10-27", "outcome: amend")
    transfer = next(row for row in rows if row["kind"] == "deadline" and row["what"].startswith("Phase transfer"))
    assert (transfer["date"], transfer["detail"], transfer["who"]) == ("2026-02-14", "met; done 2026-01-12",
                                                                       "owed by la")
    assert any(row["kind"] == "audit" and row["what"] == "review.created" and row["who"] == "test" for row in rows)
    assert [row["date"] for row in rows] == sorted(row["date"] for row in rows)
    assert run("report", "chronology", "AR-1999-99999").exit_code == 2


@pytest.mark.usefixtures("caseload")
def test_foi_figures_for_2025() -> None:
    figures = {row["figure"]: row["value"] for row in _csv("foi", "--from", "2025-01-01", "--to", "2025-12-31",
                                                          "--as-of", CENSUS)}
    # decisions of 2025: S1 17 days, S2 42, S3 28, S4 22, S8 28, S9 22, S12 21, S14 19: median 22, 7 within
    assert (figures["decisions"], figures["median_days_meeting_to_decision"]) == ("8", "22")
    assert (figures["decisions_within_4_weeks"], figures["pc_decisions_within_4_weeks"]) == ("7", "87.5%")
    assert figures["incomplete_6_months_after_meeting"] == "0"  # S7's meeting of 10 Nov 2025 is 2 months old
    later = {row["figure"]: row["value"] for row in _csv("foi", "--as-of", "2026-12-04")}
    assert (later["incomplete_6_months_after_meeting"], later["incomplete_12_months_after_meeting"],
            later["incomplete_24_months_after_meeting"]) == ("1", "1", "0")


@pytest.mark.usefixtures("caseload")
def test_sen2_breakdowns_add_up_to_the_measures() -> None:
    rows = _csv("sen2-breakdowns", "--year", "2025", "--as-of", "2026-12-04")
    by_years = {row["breakdown"]: row for row in rows if row["breakdown_topic"] == "years_in_place"}
    assert by_years["1"]["review_not_expected"] == "2"  # S10 and S14, started in 2025
    totals = {row["breakdown_topic"]: row for row in rows if row["breakdown"] == "Total"}
    assert {row["review_completed"] for row in totals.values()} == {"6"}
    assert sum(int(row["total_ehc_plans"]) for name, row in by_years.items() if name != "Total") == 13
    ages = {row["breakdown"] for row in rows if row["breakdown_topic"] == "age"}
    assert ages == {"Aged 13", "Total"}  # every synthetic child was born on 1 Jan 2012
    assert run("report", "sen2-breakdowns", "--year", "2025", "--by", "sex").exit_code == 2
