"""A review's long-lived run, end to end: real Prefect server, served deployment, CLI and raw API input.

Dates are fixed in autumn 2026 (all on or before the day these tests were written), so events are never
"in the future" for the flow's own clock.
"""

from __future__ import annotations

import json
import time
from typing import Any

import pytest

from tests.e2e.caseload import Records, write_caseload
from tests.e2e.conftest import Stack, api

CHILDREN = [
    ("E2E-AMEND", "5"),
    ("E2E-CEASE", "10"),
    ("E2E-BAD", "5"),
    ("E2E-RESTART", "5"),
    ("E2E-RAW", "5"),
    ("E2E-RECOVER", "5"),
    ("E2E-NO-RUN", "5"),
]
PREPARATION = [
    "--meeting-planned-on",
    "2026-10-20",
    "--invitations-sent-on",
    "2026-10-01",
    "--advice-circulated-on",
    "2026-10-02",
]


@pytest.fixture(scope="module")
def records(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Records:
    settings, caseload = write_caseload(tmp_path_factory.mktemp("caseload"), CHILDREN)
    stack.ehcp("import", "settings", str(settings))
    stack.ehcp("import", "caseload", str(caseload))
    return Records(stack.env["EHCP_DATABASE_URL"])


def run_state(stack: Stack, reference: str) -> dict[str, Any]:
    return json.loads(stack.ehcp("status", reference, "--json").stdout)["run"]


def wait_paused_at(stack: Stack, reference: str, key: str, timeout_s: float = 90) -> dict[str, Any]:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        run = run_state(stack, reference)
        if run and run["type"] == "PAUSED" and run["waiting_at"] == key:
            return run
        time.sleep(1)
    raise AssertionError(f"{reference} not paused at {key}: {run_state(stack, reference)}")


def start(stack: Stack, records: Records, child_ref: str) -> str:
    reference = records.reference_of(child_ref)
    stack.ehcp("start", reference)
    wait_paused_at(stack, reference, "stage-1-1")
    return reference


def walk_to_decision(stack: Stack, reference: str, recommendation: str, *meeting_flags: str) -> None:
    stack.ehcp("submit", "preparation", reference, *PREPARATION)
    stack.ehcp("submit", "meeting", reference, "--held-on", "2026-10-20", *meeting_flags)
    stack.ehcp("submit", "report", reference, "--received-on", "2026-10-27", "--recommendation", recommendation)


def task_names(stack: Stack, reference: str) -> list[str]:
    """The names of the task runs of the review's flow run, in start order."""
    run_id = run_state(stack, reference)["id"]
    body = {"flow_runs": {"id": {"any_": [run_id]}}, "sort": "EXPECTED_START_TIME_ASC", "limit": 200}
    response = api("POST", f"{stack.api_url}/task_runs/filter", json=body)
    response.raise_for_status()
    return [r["name"] for r in response.json()]


def test_an_amend_review_walks_every_stage_in_a_top_level_run(stack: Stack, records: Records) -> None:
    reference = start(stack, records, "E2E-AMEND")
    run = api("GET", f"{stack.api_url}/flow_runs/{run_state(stack, reference)['id']}").json()
    assert run["parent_task_run_id"] is None and run["name"] == reference  # never a subflow
    walk_to_decision(stack, reference, "amend")
    decided = stack.ehcp(
        "decide", reference, "--outcome", "amend", "--notified-on", "2026-11-03", "--amendment-notice-on", "2026-11-03"
    )
    assert decided.stdout.startswith("Recorded. Review") and "stage 5" in decided.stdout
    assert records.review_row(reference)["amendment_notice_sent_on"].isoformat() == "2026-11-03"
    wrong = stack.ehcp("issue", reference, "cease-notice", "--on", "2026-11-20", check=False)
    assert wrong.returncode == 2 and "final-plan or not-amending" in wrong.stderr
    issued = stack.ehcp("issue", reference, "final-plan", "--on", "2026-11-20")
    assert "breach" not in issued.stdout  # after the window (3-17 Nov): lawful, no note
    row = records.review_row(reference)
    assert (row["stage"], row["final_plan_issued_on"].isoformat()) == (None, "2026-11-20")
    assert run_state(stack, reference)["type"] == "COMPLETED"
    assert records.audit_counts(reference)["review.input_accepted"] == 5
    stages = ["1 preparation", "2 meeting", "3 report", "4 decision", "5 plan", "next cycle"]
    assert task_names(stack, reference) == [f"{reference} · {stage}" for stage in stages]
    assert records.letters(reference) == [
        ("decision-amend", "family"),
        ("decision-amend", "senco"),
        ("final-plan-issued", "family"),
        ("final-plan-issued", "senco"),
        ("final-plan-issued", "commissioning_body"),
    ]


def test_cease_needs_the_year_9_check(stack: Stack, records: Records) -> None:
    reference = start(stack, records, "E2E-CEASE")
    stack.ehcp("submit", "preparation", reference, *PREPARATION)
    refused = stack.ehcp("submit", "meeting", reference, "--held-on", "2026-10-20", check=False)
    assert refused.returncode == 2 and "--pfa-discussed" in refused.stderr and "Reg 20(6)" in refused.stderr
    stack.ehcp("submit", "meeting", reference, "--held-on", "2026-10-20", "--pfa-discussed")
    assert records.review_row(reference)["stage"] == 3


def resume_raw(stack: Stack, flow_run_id: str, run_input: dict[str, Any]) -> dict[str, Any]:
    """Resume as the Prefect UI's form does: POST /flow_runs/{id}/resume with the form's JSON."""
    response = api("POST", f"{stack.api_url}/flow_runs/{flow_run_id}/resume", json={"run_input": run_input})
    response.raise_for_status()
    return dict(response.json())


def test_bad_input_never_loses_the_run_nor_changes_the_record(stack: Stack, records: Records) -> None:
    reference = start(stack, records, "E2E-BAD")
    stack.ehcp("submit", "preparation", reference, *PREPARATION)
    stack.ehcp("submit", "meeting", reference, "--held-on", "2026-10-20")
    run = wait_paused_at(stack, reference, "stage-3-3")
    before = records.snapshot(reference)

    # 1. the CLI refuses a bad date and a stage out of order before anything is sent
    bad_date = stack.ehcp(
        "submit", "report", reference, "--received-on", "2026-02-30", "--recommendation", "amend", check=False
    )
    assert bad_date.returncode == 2 and "--received-on" in bad_date.stderr
    wrong_stage = stack.ehcp("decide", reference, "--outcome", "amend", "--notified-on", "2026-11-03", check=False)
    assert wrong_stage.returncode == 2 and "stage 3" in wrong_stage.stderr
    # 2. the server refuses a form that misses a required field (schema); the run stays suspended
    missing = resume_raw(stack, run["id"], {"report_received_on": "2026-10-27", "submitted_by": "raw"})
    assert missing["status"] == "REJECT" and "Validation failed" in json.dumps(missing["details"])
    assert run_state(stack, reference)["waiting_at"] == "stage-3-3"
    # 3. a date the schema lets through but the form model refuses: the run records it and asks again
    impossible = {"report_received_on": "2026-02-30", "recommendation": "amend", "submitted_by": "raw"}
    assert resume_raw(stack, run["id"], impossible)["status"] == "ACCEPT"
    wait_paused_at(stack, reference, "stage-3-4")
    # 4. a report dated before the meeting contradicts the record: refused by the run, which asks again
    contradicts = {"report_received_on": "2026-10-01", "recommendation": "amend", "submitted_by": "raw"}
    assert resume_raw(stack, run["id"], contradicts)["status"] == "ACCEPT"
    wait_paused_at(stack, reference, "stage-3-5")
    assert records.snapshot(reference) == before
    status = json.loads(stack.ehcp("status", reference, "--json").stdout)
    assert status["last_refusal"] and "report_received_on" in status["last_refusal"][0]["field"]
    # 5. corrected input goes through
    stack.ehcp("submit", "report", reference, "--received-on", "2026-10-27", "--recommendation", "amend")
    assert records.review_row(reference)["stage"] == 4
    counts = records.audit_counts(reference)
    assert (counts["review.input_accepted"], counts["review.input_refused"]) == (3, 2)
    names = task_names(stack, reference)
    assert names.count(f"{reference} · 3 report") == 2  # the contradiction and the report: each once
    assert names.count(f"{reference} · refused form") == 1


def test_form_schema_is_usable_by_a_caseworker(stack: Stack, records: Records) -> None:
    reference = start(stack, records, "E2E-RAW")
    run = run_state(stack, reference)
    made = api("GET", f"{stack.api_url}/flow_runs/{run['id']}").json()
    assert made["run_count"] == 0 and made["start_time"] is None  # created at its wait: no process spawned
    assert made["empirical_policy"]["pause_keys"] == ["stage-1-1"]  # so the resumed replay takes the input
    response = api("GET", f"{stack.api_url}/flow_runs/{run['id']}/input/suspended-stage-1-1-schema")
    schema = json.loads(response.json()) if isinstance(response.json(), str) else response.json()
    fields = schema["properties"]
    people = {"meeting_planned_on", "invitations_sent_on", "advice_circulated_on", "submitted_by"}
    assert set(schema["required"]) == people == set(fields)  # a person's form needs them all, and nothing else
    assert all(fields[name]["type"] == "string" and "anyOf" not in fields[name] for name in people)  # no None toggle
    assert all(field.get("description") for field in fields.values())
    description = api("GET", f"{stack.api_url}/flow_runs/{run['id']}/input/suspended-stage-1-1-description").json()
    assert reference in description and "Testchild" not in description  # no personal data in the form
    answer = {
        "meeting_planned_on": "2026-10-20",
        "invitations_sent_on": "2026-10-01",
        "advice_circulated_on": "2026-10-02",
        "submitted_by": "senco.900901@example.invalid",
    }
    assert resume_raw(stack, run["id"], answer)["status"] == "ACCEPT"
    wait_paused_at(stack, reference, "stage-2-2")
    assert records.review_row(reference)["advice_circulated_on"].isoformat() == "2026-10-02"


def test_server_restart_while_suspended_then_carry_on(stack: Stack, records: Records) -> None:
    reference = start(stack, records, "E2E-RESTART")
    stack.ehcp("submit", "preparation", reference, *PREPARATION)
    stack.stop_server()
    stack.start_server()
    wait_paused_at(stack, reference, "stage-2-2")
    stack.ehcp("submit", "meeting", reference, "--held-on", "2026-10-20")
    assert records.review_row(reference)["stage"] == 3


def test_a_run_that_ended_early_is_restarted_where_the_record_stands(stack: Stack, records: Records) -> None:
    """A runner stopped mid-stage cancels that run (PREFECT-NOTES 3): `ehcp start --all-due` recovers it."""
    reference = start(stack, records, "E2E-RECOVER")
    stack.ehcp("submit", "preparation", reference, *PREPARATION)
    cancelled = run_state(stack, reference)["id"]
    response = api(
        "POST",
        f"{stack.api_url}/flow_runs/{cancelled}/set_state",
        json={
            "state": {"type": "CANCELLED", "name": "Cancelled", "message": "Runner is shutting down."},
            "force": True,
        },
    )
    assert response.json()["status"] == "ACCEPT"
    result = stack.ehcp("start", "--all-due")
    assert "review runs started" in result.stdout
    restarted = wait_paused_at(stack, reference, "stage-2-2")
    assert restarted["id"] != cancelled
    stack.ehcp("submit", "meeting", reference, "--held-on", "2026-10-20")
    assert records.review_row(reference)["stage"] == 3


def test_an_input_for_a_review_whose_run_ended_is_recorded_with_nobody_starting_a_run(
    stack: Stack, records: Records
) -> None:
    """The door stores the input, finds the run gone, starts one there and then; the new run records the input."""
    reference = start(stack, records, "E2E-NO-RUN")
    stack.ehcp("submit", "preparation", reference, *PREPARATION)
    ended = run_state(stack, reference)["id"]
    response = api(
        "POST",
        f"{stack.api_url}/flow_runs/{ended}/set_state",
        json={"state": {"type": "CANCELLED", "name": "Cancelled", "message": "operator"}, "force": True},
    )
    assert response.json()["status"] == "ACCEPT"
    result = stack.ehcp("submit", "meeting", reference, "--held-on", "2026-10-20")
    assert result.stdout.startswith("Recorded. Review") and "ehcp start" not in result.stdout + result.stderr
    assert records.review_row(reference)["stage"] == 3
    assert run_state(stack, reference)["id"] != ended
