"""The long-lived review flow: one top-level run per review cycle, five stage tasks, suspended between them.

Orchestration only, and it waits for people only. Each pass opens the review's one open wait,
``stage-<n>-<wait number>`` (the record keeps the number), and then does one of three things:
applies the input already stored for that wait (the front door or ``ehcp`` stored it while the run was
starting or busy); or suspends there until a person's input resumes it, then applies it (the door that
stored it, or the Prefect UI's Resume form, whose input the stage task stores first); or records that
the form given through Prefect did not validate, and asks again. The stage's task applies the input and
queues its letters in one transaction, moving the record to its next wait. A resumed run replays from
the top and goes straight to the open wait; the stage task's writes are keyed in the records, so nothing
is written or sent twice. The statutory clock never resumes a review run with an input of its own. The
flow reads no wall clock: inputs are judged on the business date the records hold.
"""

from __future__ import annotations

from typing import Final

from prefect import flow, get_run_logger
from prefect.flow_runs import suspend_flow_run
from pydantic import ValidationError

from services.forms import form_problems
from tasks.review import STAGE_TASKS, form_for, next_cycle, open_wait, refused_form

MAX_WAITS_PER_RUN: Final = 500


@flow(name="annual-review", flow_run_name="{review_ref}", persist_result=False)
def annual_review(review_ref: str) -> str:
    """Carry one review from its current stage to completion, waiting for people between stages."""
    for _ in range(MAX_WAITS_PER_RUN):
        wait = open_wait(review_ref)
        if wait.complete:
            following = next_cycle(review_ref)
            get_run_logger().info("Review %s complete; next review %s", review_ref, following)
            return f"complete; next review {following}"
        key, given = wait.key, None
        if not wait.input_stored:
            try:
                form = suspend_flow_run(wait_for_input=form_for(wait), key=key, timeout=None)
            except ValidationError as exc:
                refused_form(review_ref, key, [(p.field, p.message) for p in form_problems(exc)])
                continue
            given = form.model_dump(mode="json")  # given through the Prefect UI, or by a door's resume
        STAGE_TASKS[wait.stage](review_ref, key, given)
    raise RuntimeError(f"{review_ref}: more than {MAX_WAITS_PER_RUN} waits in one run")
