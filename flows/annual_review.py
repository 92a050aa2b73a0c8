"""The long-lived review flow: one top-level run per review cycle, five stage tasks, suspended between them.

Orchestration only, and it waits for people only. Each pass reads the review's
record (the truth). When the review's inbox already holds an input for its one open
wait, ``stage-<n>-<wait number>`` (stored first by the front door or ``ehcp``, while
the run was starting or busy), the stage's task applies it at once; otherwise the pass
publishes the timeline and suspends at that wait until a person's input resumes it
(the door that stored it, or the Prefect UI's Resume form, whose input the stage task
stores in the inbox first). The stage's task applies the input and queues the stage's
letters in one transaction, moving the record to its next wait. A resumed run replays from the top and goes straight to
that open wait: the answered wait returns its stored input at once, and the
stage task's write is keyed in the records, so nothing is written or sent twice.
The statutory clock never resumes a review run: it escalates in its own run. The
flow reads no wall clock: stage tasks judge inputs on the business date
(``tasks.business_date``) and the timeline shows the clock's latest date.
"""

from __future__ import annotations

from typing import Final

from prefect import flow, get_run_logger
from prefect.flow_runs import suspend_flow_run
from pydantic import ValidationError

from rules.stages import Stage
from tasks.review_tasks import (
    STAGE_TASKS,
    has_received_input,
    open_next_review,
    publish_timeline,
    read_review,
    record_form_refusal,
    recorded_business_date,
    tag_flow_run,
)
from tasks.stage_forms import FORMS
from tasks.timeline import form_description

MAX_WAITS_PER_RUN: Final = 500


@flow(name="annual-review", flow_run_name="{review_ref}", persist_result=False)
def annual_review(review_ref: str) -> str:
    """Carry one review from its current stage to completion, waiting for people between stages."""
    for _ in range(MAX_WAITS_PER_RUN):
        review = read_review(review_ref)
        tag_flow_run(review)
        if review.stage is None or review.wait_key is None:
            next_ref = open_next_review(review_ref)
            get_run_logger().info("Review %s complete; next review %s", review_ref, next_ref)
            return f"complete; next review {next_ref}"
        stage = Stage(review.stage)
        given = None
        if not has_received_input(review_ref, review.wait_number):  # an input stored first is applied at once
            as_of = recorded_business_date()
            publish_timeline(review, as_of)
            form_type = FORMS[stage].with_initial_data(description=form_description(review, as_of))
            try:
                form = suspend_flow_run(wait_for_input=form_type, key=review.wait_key, timeout=None)
            except ValidationError as exc:
                errors = [dict(error) for error in exc.errors(include_url=False, include_input=False)]
                record_form_refusal(review_ref, review.wait_key, errors)
                continue
            given = form.model_dump(mode="json")  # given through the Prefect UI, or by a door's resume
        STAGE_TASKS[stage](review_ref, review.wait_key, given)
    raise RuntimeError(f"{review_ref}: more than {MAX_WAITS_PER_RUN} waits in one run")
