"""The long-lived review flow: one run per review, five statutory stages, suspended between them.

Orchestration only. Each pass of the loop reads the review's record (the
truth: so a replay goes straight to the current stage), publishes its
timeline, and suspends at a stable key ``stage-<n>-<attempt>`` until a
person's form (Prefect UI or ``ehcp``) or the statutory clock's tick resumes
it. On a tick it raises the escalations the clock recorded
(``flows.escalations``) and waits again under the next key. A resumed run
replays from the top: keys already answered return their stored input at
once, and the keyed, persisted tasks return their stored outcome instead of
acting twice. A refused input (bad form, or facts that contradict the record)
is recorded and shown, and the run waits again at the next key: nothing is lost.
"""

from __future__ import annotations

from typing import Final

from prefect import flow, get_run_logger
from prefect.flow_runs import suspend_flow_run
from pydantic import ValidationError

from flows.clock import today_in_london
from flows.escalations import act_on_clock_events
from flows.inputs import FORMS, to_stage_input
from tasks.review_tasks import (
    open_next_review,
    publish_timeline,
    read_review,
    record_form_refusal,
    record_stage_input,
    tag_flow_run,
)
from tasks.timeline import form_description

WAIT_TIMEOUT_SECONDS: Final = 3 * 366 * 24 * 3600  # beyond any review's horizon; the clock decides lateness
MAX_WAITS_PER_STAGE: Final = 500


@flow(name="annual-review", flow_run_name="{review_ref}", persist_result=True)
def annual_review(review_ref: str) -> str:
    """Carry one review from its current stage to completion, waiting for people and the clock in between."""
    logger = get_run_logger()
    attempts: dict[int, int] = {}
    today = today_in_london()  # advanced by clock ticks, so time travel with `ehcp clock --as-of` reaches here
    while True:
        review = read_review(review_ref)
        tag_flow_run(review, today)
        if review.stage is None:
            next_ref = open_next_review(review_ref)
            logger.info("Review %s complete; next review %s", review_ref, next_ref)
            return f"complete; next review {next_ref}"
        attempt = attempts[review.stage] = attempts.get(review.stage, 0) + 1
        if attempt > MAX_WAITS_PER_STAGE:
            raise RuntimeError(f"{review_ref}: more than {MAX_WAITS_PER_STAGE} waits at stage {review.stage}")
        key = f"stage-{review.stage}-{attempt}"
        publish_timeline(review_ref, key, today)
        form_type = FORMS[review.stage].with_initial_data(description=form_description(review, today))
        try:
            form = suspend_flow_run(wait_for_input=form_type, key=key, timeout=WAIT_TIMEOUT_SECONDS)
        except ValidationError as exc:
            record_form_refusal(review_ref, key, exc.errors(include_url=False, include_input=False))
            continue
        if form.tick_date is not None:
            today = max(today, form.tick_date)
            act_on_clock_events(review_ref)
            continue
        record_stage_input(review_ref, key, to_stage_input(form), form.submitter, today_in_london())
