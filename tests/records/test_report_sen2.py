"""``ehcp report sen2`` and ``sen2-measures`` on the hand-built SEN2 caseload (tests/records/sen2_caseload.py).

Every expected figure below is worked out by hand from the caseload's docstring; SQLite and PostgreSQL.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from xml.etree import ElementTree

import pytest

from tests.records.sen2_caseload import CENSUS, load_sen2_caseload
from tests.records.support import run

HEADER = ["la_person_id", "la_request_id", "child_ref", "plan_ceased_on", "TransferLA", "ReviewMeeting",
          "ReviewOutcome", "ReviewDraft", "PhaseTransferDueDate", "PhaseTransferFinalDate", "LastReview"]


@pytest.fixture
def caseload(cli_env: str, tmp_path: Path) -> None:
    load_sen2_caseload(tmp_path)


def _items(census: str) -> tuple[list[str], dict[str, tuple[str, ...]]]:
    result = run("report", "sen2", "--census-date", census)
    assert result.exit_code == 0, result.output
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert all(row[4] == "" for row in rows[1:])  # no plan here was transferred in (test_transfer_in.py)
    return rows[0], {row[2]: tuple(row[5:]) for row in rows[1:] if not row[3]}  # in force at the census


def _ceased(census: str) -> dict[str, str]:
    """The plans that ceased during the collection year, with the first day each was no longer in force."""
    result = run("report", "sen2", "--census-date", census)
    return {row["child_ref"]: row["plan_ceased_on"] for row in csv.DictReader(io.StringIO(result.stdout))
            if row["plan_ceased_on"]}


@pytest.mark.usefixtures("caseload")
def test_items_at_the_january_2026_census() -> None:
    header, items = _items(CENSUS)
    assert header == HEADER
    assert items == {
        #       meeting       outcome draft         PT due        PT final      last review
        "S1": ("2025-03-03", "M", "", "", "", "2025-03-20"),  # imported history only
        "S2": ("2025-04-01", "A", "2025-05-13", "", "", "2025-05-13"),
        "S3": ("2025-06-02", "", "", "", "", "2025-06-30"),  # imported with no outcome
        "S4": ("2025-01-10", "M", "", "", "", "2025-02-01"),  # this cycle's meeting is after the census
        "S5": ("2025-12-15", "M", "", "", "", "2026-01-09"),  # January decision before the census
        "S6": ("2024-10-01", "A", "2024-10-20", "", "", "2024-10-20"),
        "S7": ("2025-11-10", "", "", "", "", "2024-11-25"),  # decision pending: LastReview is the earlier one
        "S8": ("2025-11-03", "C", "", "", "", "2025-12-01"),  # ceased, still in its appeal period
        "S10": ("", "", "", "", "", ""),
        "S12": ("2025-10-06", "A", "2025-10-27", "2026-02-14", "2026-01-12", "2025-10-27"),
        "S13": ("2024-10-01", "A", "2024-10-25", "2025-02-14", "2025-02-10", "2024-10-25"),
        "S14": ("2025-08-01", "M", "", "", "", "2025-08-20"),
        "S15": ("", "", "", "", "", ""),
    }  # S9 ceased before the census (appeal period over), S11 first issued after it
    assert _ceased(CENSUS) == {"S9": "2025-06-03"}  # notice 1 Apr 2025: appeal until Mon 2 Jun (1 Jun a Sunday)


@pytest.mark.usefixtures("caseload")
def test_items_carry_the_council_identifiers_and_nothing_personal() -> None:
    result = run("report", "sen2", "--census-date", CENSUS)
    rows = {row["child_ref"]: row for row in csv.DictReader(io.StringIO(result.stdout))}
    assert (rows["S1"]["la_person_id"], rows["S1"]["la_request_id"]) == ("PER-S1", "REQ/S1")
    assert (rows["S15"]["la_person_id"], rows["S15"]["la_request_id"]) == ("", "")
    assert "Synthetic-" not in result.stdout and "Testchild" not in result.stdout and "2012-01-01" not in result.stdout


@pytest.mark.usefixtures("caseload")
def test_items_after_the_census_move_on_to_the_later_meeting() -> None:
    _, items = _items("2026-03-02")
    assert items["S4"] == ("2026-01-20", "A", "", "", "", "2026-02-10")  # no draft recorded
    assert "S8" not in items  # appeal period ended Mon 2 Feb 2026
    assert _ceased("2026-03-02") == {"S8": "2026-02-03", "S9": "2025-06-03"}  # both in the collection year 2025


@pytest.mark.usefixtures("caseload")
def test_xml_fragment_has_the_items_in_order_and_leaves_out_blanks() -> None:
    result = run("report", "sen2", "--census-date", CENSUS, "--format", "xml")
    assert result.exit_code == 0, result.output
    root = ElementTree.fromstring(result.stdout.encode())
    assert root.tag == "SEN2AnnualReviewItems" and root.get("ReferenceDate") == CENSUS
    people = {person.findtext("ChildRef"): person for person in root.findall("Person")}
    assert len(people) == 14  # the 13 in force and S9, which ceased during 2025
    assert people["S9"].findtext("Requests/PlanCeasedOn") == "2025-06-03"
    s12 = people["S12"]
    assert s12.findtext("LAPersonID") == "PER-S12" and s12.findtext("Requests/LARequestID") == "REQ/S12"
    plans = s12.find("Requests/ActivePlans")
    assert plans is not None
    assert [(child.tag, child.text) for child in plans] == [
        ("ReviewMeeting", "2025-10-06"), ("ReviewOutcome", "A"), ("ReviewDraft", "2025-10-27"),
        ("PhaseTransferDueDate", "2026-02-14"), ("PhaseTransferFinalDate", "2026-01-12"),
        ("LastReview", "2025-10-27"),
    ]
    s7 = people["S7"].find("Requests/ActivePlans")
    assert s7 is not None and [child.tag for child in s7] == ["ReviewMeeting", "LastReview"]


MEASURES_2025 = {
    "total_ehc_plans": 13,
    "review_expected": 11,  # all but S10 and S14 (first issued in 2025)
    "review_not_expected": 2,
    "review_completed": 6,  # S1 S2 S3 S4 S8 S12
    "review_completed_prior": 3,  # S6 S13, S7 (its Nov 2025 decision pending: LastReview 25 Nov 2024)
    "review_not_completed": 2,  # S5 (decided Jan 2026), S15 (none)
    "outcome_amended": 2,  # S2 S12
    "outcome_ceased": 1,  # S8
    "outcome_maintained": 2,  # S1 S4
    "no_outcome_recorded": 1,  # S3
    "decision_4_weeks": 5,  # S1 17 days, S3 28, S4 22, S8 28, S12 21
    "decision_over_4_weeks": 1,  # S2 42 days
    "phase_transfer_due": 1,  # S13 (14 Feb 2025)
    "phase_transfer_due_next_year": 1,  # S12 (14 Feb 2026)
    "phase_transfer_final": 1,  # S13
    "phase_transfer_final_next_year": 1,  # S12 (12 Jan 2026)
}


@pytest.mark.usefixtures("caseload")
def test_measures_for_2025_as_json() -> None:
    result = run("report", "sen2-measures", "--year", "2025", "--json")
    assert result.exit_code == 0, result.output
    found = json.loads(result.stdout)
    assert (found["year"], found["census_date"]) == (2025, CENSUS)  # the published census of January 2026
    assert {name: found["measures"][name] for name in MEASURES_2025} == MEASURES_2025
    assert found["measures"]["pc_decision_4_weeks"] == 83.3
    assert found["measures"]["pc_review_completed"] == 54.5


@pytest.mark.usefixtures("caseload")
def test_measures_print_and_check_every_identity() -> None:
    result = run("report", "sen2-measures", "--year", "2025")
    assert result.exit_code == 0, result.output
    assert "ok     total_ehc_plans 13 = review_expected 11 + review_not_expected 2" in result.stdout
    assert "ok     review_expected 11 = review_completed 6 + review_completed_prior 3 + review_not_completed 2" in (
        result.stdout
    )
    assert "ok     review_completed 6 = decision_4_weeks 5 + decision_over_4_weeks 1" in result.stdout
    assert "FAILED" not in result.stdout


@pytest.mark.usefixtures("caseload")
def test_a_january_decision_counts_for_the_year_it_was_made() -> None:
    result = run("report", "sen2-measures", "--year", "2026", "--census-date", "2027-01-21", "--explain",
                 "review_completed")
    assert result.exit_code == 0, result.output
    refs = [row["child_ref"] for row in csv.DictReader(io.StringIO(result.stdout))]
    assert refs == ["S4", "S5"]  # S4 decided 10 Feb 2026; S5's 9 Jan 2026 decision counts here, not in 2025
    assert "review_completed for 2026 (census 2027-01-21): 2 plans" in result.stderr


@pytest.mark.usefixtures("caseload")
@pytest.mark.parametrize(
    ("measure", "plans"),
    [
        ("review_not_completed", ["S15", "S5"]),
        ("review_completed_prior", ["S13", "S6", "S7"]),
        ("no_outcome_recorded", ["S3"]),
        ("decision_over_4_weeks", ["S2"]),
        ("review_not_expected", ["S10", "S14"]),
        ("outcome_ceased", ["S8"]),
    ],
)
def test_explain_lists_the_plans_a_figure_counts(measure: str, plans: list[str]) -> None:
    result = run("report", "sen2-measures", "--year", "2025", "--explain", measure)
    assert result.exit_code == 0, result.output
    assert [row["child_ref"] for row in csv.DictReader(io.StringIO(result.stdout))] == plans


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (("sen2",), "--census-date"),
        (("sen2", "--census-date", "2026-01-32"), "--census-date"),
        (("sen2-measures",), "--year"),
        (("sen2-measures", "--year", "1999"), "--year"),
        (("sen2-measures", "--year", "2025", "--explain", "reviews_expected"), "--explain"),
        (("sen2-measures", "--year", "2025", "--census-date", "2025-06-01"), "--census-date"),
    ],
)
def test_bad_options_exit_2_naming_the_option(cli_env: str, args: tuple[str, ...], named: str) -> None:
    result = run("report", *args)
    assert result.exit_code == 2
    assert named in result.stderr and "Traceback" not in result.output
