"""A hand-built caseload whose compliance, SEN2 and termly answers are worked out by hand in the tests.

Two settings (A primary 900101, B secondary 900102) and ten children. Dates are chosen so each case
tests one thing: C1 all on time (amend within 4 weeks), C2 late at every step (maintain over 4 weeks),
C3 nothing done (missed), C4 nothing due yet (open; phase transfer), C5 ceased plan whose cease
decision crosses the SEN2 census date, C6 stage 1 dates never recorded (amend over 4 weeks), C7 done
before the census, C8 ceased before the census, C9 meeting held but no decision yet, C10 first review.
"""

from __future__ import annotations

from pathlib import Path

from tests.records.support import run, write_csv

SETTINGS = [
    {"urn": "900101", "name": "Synthetic Alder Primary", "phase": "primary"},
    {"urn": "900102", "name": "Synthetic Beech High", "phase": "secondary"},
]
COLUMNS = (
    "child_ref", "given_name", "family_name", "date_of_birth", "setting_urn", "plan_first_issued_on", "year_group",
    "plan_status", "transfer_kind", "transfer_year", "previous_meeting_on", "previous_decision_on",
    "meeting_planned_on", "invitations_sent_on", "advice_circulated_on", "meeting_held_on", "report_received_on",
    "decision_outcome", "decision_notified_on", "amendment_notice_sent_on", "final_plan_issued_on",
    "cease_notice_sent_on",
)
_ROWS = [
    # ref  setting  year status   transfer          previous meeting / decision   planned   invites    advice  held  report  outcome  decided  notice  final  cease  # noqa: E501
    ("C1", "900101", "5", "", "", "", "2025-02-20", "2025-03-10", "", "2026-01-19", "2026-01-19", "2026-02-02",
     "2026-02-16", "amend", "2026-02-27", "2026-02-27", "2026-04-24", ""),
    ("C2", "900101", "9", "", "", "", "2025-03-15", "2025-04-01", "", "2026-03-01", "2026-02-27", "2026-03-13",
     "2026-04-03", "maintain", "2026-04-20", "", "", ""),
    ("C3", "900102", "11", "", "", "", "2025-04-10", "2025-05-01", "2026-05-20", "", "", "", "", "", "", "", "", ""),
    ("C4", "900101", "6", "", "school", "2027", "2025-08-10", "2025-09-01", "", "", "", "", "", "", "", "", "", ""),
    ("C5", "900101", "10", "ceased", "", "", "2024-12-20", "2025-01-15", "", "2025-11-26", "2025-11-26",
     "2025-12-10", "2025-12-24", "cease", "2026-01-20", "", "", "2026-01-20"),
    ("C6", "900102", "12", "", "", "", "2025-05-10", "2025-06-01", "", "", "", "2026-04-20", "2026-05-01", "amend",
     "2026-05-26", "2026-05-26", "", ""),
    ("C7", "900101", "3", "", "", "", "2025-01-10", "2025-02-01", "", "2025-11-06", "2025-11-06", "2025-11-20",
     "2025-12-01", "maintain", "2025-12-10", "", "", ""),
    ("C8", "900102", "10", "ceased", "", "", "2024-09-20", "2024-10-15", "", "2025-08-27", "2025-08-27",
     "2025-09-10", "2025-09-20", "cease", "2025-10-01", "", "", "2025-10-01"),
    ("C9", "900101", "10", "", "", "", "2025-06-10", "2025-07-01", "", "2026-05-18", "2026-05-18", "2026-06-01",
     "", "", "", "", "", ""),
    ("C10", "900102", "R", "", "", "", "", "", "", "", "", "", "", "", "", "", "", ""),
]
FIRST_ISSUED = {"C10": "2025-10-01"}


def caseload_rows() -> list[dict[str, str]]:
    """Return the caseload as CSV rows (names and dates of birth are synthetic and never reported)."""
    rows = []
    for ref, urn, year, status, kind, transfer_year, *review in _ROWS:
        values = [ref, "Testchild", f"Synthetic-{ref}", "2012-01-01", urn, FIRST_ISSUED.get(ref, "2020-01-10"), year,
                  status, kind, transfer_year, *review]
        rows.append(dict(zip(COLUMNS, values, strict=True)))
    return rows


def load_caseload(folder: Path) -> None:
    """Import the settings and the caseload through ``ehcp import`` (deadlines computed by rules/)."""
    result = run("import", "settings", str(write_csv(folder / "settings.csv", SETTINGS)))
    assert result.exit_code == 0, result.output
    result = run("import", "caseload", str(write_csv(folder / "caseload.csv", caseload_rows(), COLUMNS)))
    assert result.exit_code == 0, result.output
