"""N13 (issue 18): the termly list gives a phase-transfer review the meeting date worked back from Reg 18, says a
meeting already held was held, and lists no placeholder setting of a review the council leads (Reg 21)."""

from __future__ import annotations

from pathlib import Path

import pytest

from notices.recipients import load_la_directory
from notices.termly import render_termly_list
from records.session import SessionFactory, session_scope
from reports.termly import termly_list
from reports.terms import load_terms, term_by_id
from tests.records.support import EXAMPLES, run, write_csv

SETTINGS = [{"urn": "900301", "name": "Synthetic Rowan Primary", "phase": "primary"}]
BASE = {
    "given_name": "Testchild",
    "date_of_birth": "2015-10-01",
    "setting_urn": "900301",
    "plan_first_issued_on": "2020-01-10",
    "year_group": "6",
    "transfer_kind": "school",
    "transfer_year": "2027",  # the plan must name the secondary school by Sun 14 Feb 2027
    "previous_meeting_on": "2026-02-10",
    "previous_decision_on": "2026-02-20",  # review due Fri 19 Feb 2027: meeting due Fri 22 Jan 2027
}
ROWS = [
    {**BASE, "child_ref": "TT1", "family_name": "Synthetic-TT1"},
    {**BASE, "child_ref": "TT2", "family_name": "Synthetic-TT2", "meeting_held_on": "2026-11-30"},
    {
        **BASE,
        "child_ref": "TT3",
        "family_name": "Synthetic-TT3",
        "setting_urn": "",
        "led_by": "la",
        "transfer_kind": "",
        "transfer_year": "",
    },
]


@pytest.fixture
def spring_list(cli_env: str, tmp_path: Path, factory: SessionFactory) -> str:
    assert run("import", "settings", str(write_csv(tmp_path / "s.csv", SETTINGS))).exit_code == 0
    header = sorted({key for row in ROWS for key in row})
    result = run("import", "caseload", str(write_csv(tmp_path / "c.csv", ROWS, header)))
    assert result.exit_code == 0, result.output
    term = term_by_id(load_terms().terms, "spring-2027")
    assert term is not None
    with session_scope(factory) as session:
        lists = termly_list(session, term)
    assert [found.setting_urn for found in lists] == ["900301"]  # none for the council-led review
    (found,) = lists
    message = render_termly_list(
        setting_urn=found.setting_urn,
        setting_name=found.setting_name,
        term_id=term.id,
        term_name="spring 2027",
        term_starts_on=term.starts_on,
        term_ends_on=term.ends_on,
        items=list(found.items),
        la=load_la_directory(EXAMPLES / "la_roles.toml"),
    )
    return message.body_text


def test_n13_a_transfer_review_is_given_the_meeting_date_worked_back_from_reg_18(spring_list: str) -> None:
    """Cap Sun 14 Feb 2027; the decision with its amendments by Sat 30 Jan; the meeting 4 weeks before: Sat 2 Jan."""
    (first,) = [line for line in spring_list.splitlines() if "child TT1" in line]
    assert "meeting by Saturday 2 January 2027 (brought forward from Friday 22 January 2027" in first
    assert "name the next school by Sunday 14 February 2027" in first


def test_n13_a_meeting_already_held_is_said_to_be_held(spring_list: str) -> None:
    (held,) = [line for line in spring_list.splitlines() if "child TT2" in line]
    assert "meeting held on Monday 30 November 2026" in held and "meeting by" not in held
