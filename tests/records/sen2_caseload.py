"""A hand-built caseload for SEN2 at the census of Thu 15 Jan 2026 (measures for 2025), answers worked by hand.

One setting; each row tests one thing (first issued 2020-01-10 unless the row says otherwise):

* S1  imported history only: previous meeting 3 Mar 2025, maintain notified 20 Mar (17 days: within 4 weeks)
* S2  imported amend: meeting 1 Apr 2025, decision and draft 13 May (42 days: over), final plan 20 Jun
* S3  imported, no outcome recorded: meeting 2 Jun 2025, decision 30 Jun (28 days: still within 4 weeks)
* S4  crossing the census: previous maintain 10 Jan / 1 Feb 2025; this cycle's meeting 20 Jan 2026, after it
* S5  January decision before the census: meeting 15 Dec 2025, maintain notified 9 Jan 2026 (counts for 2026)
* S6  completed before 2025: previous amend 1 Oct / 20 Oct 2024; nothing since (overdue since 19 Oct 2025)
* S7  meeting 10 Nov 2025 held, no decision at the census (overdue since 24 Nov 2025; family letter sent)
* S8  ceased within the appeal period: cease notified 1 Dec 2025 (28 days), appeal until Mon 2 Feb 2026
* S9  ceased, appeal period over (cease notice 1 Apr 2025): not in force at the census
* S10 first issued Thu 1 Jan 2025: not expected; no review yet (first review due 31 Dec 2025)
* S11 first issued 20 Jan 2026, after the census: not reported
* S12 phase transfer in Sep 2026: meeting 6 Oct 2025, amend 27 Oct (21 days), final plan 12 Jan 2026; due 14 Feb 2026
* S13 imported phase-transfer history: amend 1 Oct / 25 Oct 2024, due 14 Feb 2025, final plan 10 Feb 2025
* S14 first issued 1 Feb 2025 and reviewed early (maintain 20 Aug 2025): not expected, so not "completed"
* S15 first issued Tue 31 Dec 2024: expected (its first review fell due 30 Dec 2025), none yet; no identifiers
"""

from __future__ import annotations

from pathlib import Path

from tests.records.support import run, write_csv

SETTINGS = [{"urn": "900201", "name": "Synthetic Census Academy", "phase": "all_through"}]
COLUMNS = (
    "child_ref", "given_name", "family_name", "date_of_birth", "setting_urn", "plan_first_issued_on", "plan_status",
    "transfer_kind", "transfer_year", "la_person_id", "la_request_id",
    "previous_meeting_on", "previous_decision_on", "previous_outcome", "previous_amendment_notice_sent_on",
    "previous_final_plan_issued_on", "previous_transfer_due_on",
    "meeting_held_on", "decision_outcome", "decision_notified_on", "amendment_notice_sent_on",
    "final_plan_issued_on", "cease_notice_sent_on",
)
_PLAN = ("first_issued", "status", "kind", "year")
_PREVIOUS = ("previous_meeting_on", "previous_decision_on", "previous_outcome", "previous_amendment_notice_sent_on",
             "previous_final_plan_issued_on", "previous_transfer_due_on")
_CURRENT = ("meeting_held_on", "decision_outcome", "decision_notified_on", "amendment_notice_sent_on",
            "final_plan_issued_on", "cease_notice_sent_on")
CASES: dict[str, dict[str, str]] = {
    "S1": {"previous": "2025-03-03 2025-03-20 maintain"},
    "S2": {"previous": "2025-04-01 2025-05-13 amend 2025-05-13 2025-06-20"},
    "S3": {"previous": "2025-06-02 2025-06-30"},
    "S4": {"previous": "2025-01-10 2025-02-01 maintain", "current": "2026-01-20 amend 2026-02-10"},
    "S5": {"previous": "2024-12-01 2024-12-20 maintain", "current": "2025-12-15 maintain 2026-01-09"},
    "S6": {"previous": "2024-10-01 2024-10-20 amend 2024-10-20 2024-12-01"},
    "S7": {"previous": "2024-11-05 2024-11-25 maintain", "current": "2025-11-10"},
    "S8": {"plan": "2020-01-10 ceased", "previous": "2024-09-01 2024-09-20 maintain",
           "current": "2025-11-03 cease 2025-12-01 - - 2025-12-01"},
    "S9": {"plan": "2020-01-10 ceased", "previous": "2024-03-01 2024-03-20 maintain",
           "current": "2025-03-10 cease 2025-04-01 - - 2025-04-01"},
    "S10": {"plan": "2025-01-01"},
    "S11": {"plan": "2026-01-20"},
    "S12": {"plan": "2019-09-01 - school 2026", "previous": "2024-10-10 2024-10-30 maintain",
            "current": "2025-10-06 amend 2025-10-27 2025-10-27 2026-01-12"},
    "S13": {"plan": "2018-09-01", "previous": "2024-10-01 2024-10-25 amend 2024-10-25 2025-02-10 2025-02-14"},
    "S14": {"plan": "2025-02-01", "current": "2025-08-01 maintain 2025-08-20"},
    "S15": {"plan": "2024-12-31"},
}
NO_IDENTIFIERS = {"S15"}
CENSUS = "2026-01-15"


def _spread(names: tuple[str, ...], text: str) -> dict[str, str]:
    values = [value if value != "-" else "" for value in text.split()]
    return dict(zip(names, values + [""] * (len(names) - len(values)), strict=True))


def caseload_rows() -> list[dict[str, str]]:
    """Return the caseload as CSV rows (names and dates of birth are synthetic and never reported)."""
    rows = []
    for ref, case in CASES.items():
        plan = _spread(_PLAN, case.get("plan", "2020-01-10"))
        ids = ("", "") if ref in NO_IDENTIFIERS else (f"PER-{ref}", f"REQ/{ref}")
        rows.append({
            "child_ref": ref, "given_name": "Testchild", "family_name": f"Synthetic-{ref}",
            "date_of_birth": "2012-01-01", "setting_urn": "900201", "plan_first_issued_on": plan["first_issued"],
            "plan_status": plan["status"], "transfer_kind": plan["kind"], "transfer_year": plan["year"],
            "la_person_id": ids[0], "la_request_id": ids[1],
            **_spread(_PREVIOUS, case.get("previous", "")), **_spread(_CURRENT, case.get("current", "")),
        })
    return rows


def load_sen2_caseload(folder: Path) -> None:
    """Import the setting and the caseload through ``ehcp import`` (deadlines computed by rules/)."""
    result = run("import", "settings", str(write_csv(folder / "settings.csv", SETTINGS)))
    assert result.exit_code == 0, result.output
    result = run("import", "caseload", str(write_csv(folder / "caseload.csv", caseload_rows(), COLUMNS)))
    assert result.exit_code == 0, result.output
