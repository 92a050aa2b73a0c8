"""The review flow waits for people only, names its stage tasks, and writes and sends each stage once."""

from __future__ import annotations

import json
from pathlib import Path
from uuid import UUID

from prefect.client.orchestration import get_client
from prefect.flow_runs import resume_flow_run
from prefect.states import Running, Suspended

from records.business_dates import start_clock_run
from records.review_runs import set_flow_run
from records.session import SessionFactory, session_scope
from services.stages import apply_stage
from tests.flows.conftest import BUSINESS_DATE, ReviewRun, new_run

PREPARATION = {
    "meeting_planned_on": "2026-11-10",
    "invitations_sent_on": "2026-10-20",
    "advice_circulated_on": "2026-10-22",
}


def walk_to_decision(run: ReviewRun) -> None:
    run.answer(**PREPARATION)
    run.answer(meeting_held_on="2026-11-10")
    run.answer(report_received_on="2026-11-20", recommendation="maintain")


def test_each_stage_is_a_named_task_and_the_run_waits_for_people_only(review_run: ReviewRun) -> None:
    assert review_run.pause_key == "stage-1-1"
    walk_to_decision(review_run)
    assert review_run.pause_key == "stage-4-4"
    result = review_run.answer(outcome="maintain", notified_on="2026-12-01")
    assert result.startswith("complete; next review ")
    assert review_run.stage() is None
    ref = review_run.reference
    assert review_run.task_run_names() == sorted(
        [f"{ref} · 1 preparation", f"{ref} · 2 meeting", f"{ref} · 3 report", f"{ref} · 4 decision"]
        + [f"{ref} · next cycle"]
    )


def test_the_decision_queues_the_family_and_setting_letters_once(review_run: ReviewRun) -> None:
    walk_to_decision(review_run)
    assert review_run.letters() == []  # stages 1-3 are the setting's own: no letters from the LA
    review_run.answer(outcome="amend", notified_on="2026-12-01", amendment_notice_sent_on="2026-12-01")
    assert review_run.letters() == [("decision-amend", "family"), ("decision-amend", "senco")]
    review_run.answer(document="final-plan", issued_on="2027-01-08")
    assert review_run.letters()[2:] == [  # the final plan goes to the health commissioning body too (Reg 22(3)(c))
        ("final-plan-issued", "family"),
        ("final-plan-issued", "senco"),
        ("final-plan-issued", "commissioning_body"),
    ]


def test_a_replayed_stage_writes_and_sends_nothing_twice(review_run: ReviewRun) -> None:
    walk_to_decision(review_run)
    review_run.answer(outcome="maintain", notified_on="2026-12-01")
    before = (review_run.inputs_recorded(), review_run.letters())
    again = apply_stage(review_run.reference, "stage-4-4")  # replayed: the input stored for that wait
    assert again.accepted and again.stage is None
    assert (review_run.inputs_recorded(), review_run.letters()) == before


def test_a_refused_input_is_recorded_and_the_run_asks_again(review_run: ReviewRun) -> None:
    walk_to_decision(review_run)
    review_run.answer(outcome="maintain", notified_on="2099-01-01")  # in the future: refused by the rules
    assert review_run.stage() == 4
    assert review_run.pause_key == "stage-4-5"
    assert review_run.inputs_recorded()[-1] == "review.input_refused"
    assert review_run.letters() == []


def test_a_replacement_run_goes_straight_to_the_open_wait(review_run: ReviewRun, prefect_server: UUID) -> None:
    review_run.answer(**PREPARATION)
    replacement = ReviewRun(review_run.reference, new_run(prefect_server, review_run.reference), review_run.factory)
    replacement.drive()
    assert replacement.pause_key == review_run.pause_key == "stage-2-2"
    replacement.answer(meeting_held_on="2026-11-10")
    assert replacement.stage() == 3 and replacement.pause_key == "stage-3-3"


def test_the_form_holds_only_peoples_fields_and_requires_them(review_run: ReviewRun) -> None:
    walk_to_decision(review_run)
    with get_client(sync_client=True) as client:
        schema = json.loads(client.read_flow_run_input(review_run.flow_run_id, "suspended-stage-4-4-schema"))
    assert "anyOf" not in json.dumps(schema)
    assert list(schema["properties"]) == ["outcome", "notified_on", "amendment_notice_sent_on", "submitted_by"]
    assert schema["required"] == ["outcome", "notified_on", "submitted_by"]
    assert schema["properties"]["outcome"]["enum"] == ["maintain", "amend", "cease"]


OLD_SCHEMA = Path(__file__).parents[1] / "data" / "preparation_form_schema_1b8afda.json"
"""The stage-1 form's schema as the code before the service layer moved (main at 1b8afda) saved it for a wait."""


def test_a_run_suspended_before_the_service_layer_moved_resumes_after_it(
    prefect_server: UUID, factory: SessionFactory, review: tuple[int, str]
) -> None:
    """Pause keys and the forms' fields are unchanged: a wait the old code left takes a person's answer, checked
    by Prefect against the old schema it saved, and today's flow applies it and moves on."""
    reference = review[1]
    with session_scope(factory) as session:
        start_clock_run(session, BUSINESS_DATE)
    run_id = new_run(prefect_server, reference)
    with session_scope(factory) as session:
        set_flow_run(session, reference, str(run_id), actor="test")
    keys = {part: f"suspended-stage-1-1-{part}" for part in ("description", "response", "schema")}
    suspended = Suspended(pause_key="stage-1-1")
    suspended.state_details.run_input_keyset = keys  # type: ignore[assignment]
    with get_client(sync_client=True) as client:  # what the old run's process did when it reached the wait:
        client.set_flow_run_state(run_id, Running(), force=True)
        proposed = client.set_flow_run_state(run_id, suspended)  # proposed, so Prefect records the pause key
        client.create_flow_run_input(run_id, keys["schema"], OLD_SCHEMA.read_text())  # then its form's schema
    assert proposed.status.value == "ACCEPT"
    resume_flow_run(run_id, run_input={**PREPARATION, "submitted_by": "staff-0042"})
    old = ReviewRun(reference, run_id, factory)
    old.drive()
    assert old.stage() == 2 and old.pause_key == "stage-2-2"


def test_a_run_created_at_its_wait_takes_its_input_and_survives_a_recreated_deployment(
    review_run: ReviewRun,
) -> None:
    """``ehcp start``'s run is created suspended with its pause key fired (one call), from a deployment id kept per
    process; a deployment recreated under the same name is looked up again, not an error."""
    from uuid import uuid4

    from flows.annual_review import annual_review
    from services.runs import start_review_run

    name = f"recreated-{uuid4().hex[:8]}"  # one per test, as its idempotency keys: the backends share a server

    def deploy() -> UUID:
        deployment_id: UUID = annual_review.to_deployment(name=name).apply()
        return deployment_id

    first_id = deploy()
    made = start_review_run(review_run.reference, "900000", 1, f"annual-review/{name}", idempotency_key=f"{name}-1")
    with get_client(sync_client=True) as client:
        run = client.read_flow_run(UUID(made))
        assert run.deployment_id == first_id and run.run_count == 0  # created at its wait: no process spawned
        assert run.state is not None and run.state.state_details.pause_key == "stage-1-1"
        assert run.empirical_policy.pause_keys == {"stage-1-1"}
        client.delete_deployment(first_id)
    second_id = deploy()
    again = start_review_run(review_run.reference, "900000", 1, f"annual-review/{name}", idempotency_key=f"{name}-2")
    with get_client(sync_client=True) as client:
        assert client.read_flow_run(UUID(again)).deployment_id == second_id != first_id
    created = ReviewRun(review_run.reference, UUID(made), review_run.factory)
    created.answer(**PREPARATION)
    assert created.stage() == 2 and created.pause_key == "stage-2-2"
