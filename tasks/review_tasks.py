"""The review flow's tasks: read the record, apply a person's input once, tag the run, publish the timeline.

Every task that changes something is keyed by (flow run, review, wait key) and
persists its result, so a resumed run that replays from the top gets the stored
result back instead of acting twice; the records write is also guarded by a
unique idempotency key in the audit log, so even a task that re-runs after a
crash writes nothing new.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.context import FlowRunContext, TaskRunContext
from sqlalchemy.exc import OperationalError

from records.next_cycle import open_next_cycle
from records.review_progress import InputOutcome, apply_input, record_refusal
from records.review_view import ReviewView, review_view
from records.session import session_scope
from rules.errors import Problem
from rules.transitions import StageInput
from tasks.db import rule_set, session_factory, settings, working_days
from tasks.timeline import timeline_markdown

__all__ = [
    "artifact_key",
    "open_next_review",
    "publish_timeline",
    "read_review",
    "record_form_refusal",
    "record_stage_input",
    "tag_flow_run",
]

DB_RETRIES = 3


def retry_if_transient(task: Any, task_run: Any, state: Any) -> bool:
    """Retry only database hiccups (a locked SQLite file, a dropped connection); domain errors fail fast."""
    try:
        state.result()
    except OperationalError:
        return True
    except Exception:
        return False
    return False


def per_wait(context: TaskRunContext, parameters: dict[str, Any]) -> str:
    """Cache key: one result per task, flow run, review and wait key."""
    run_id = context.task_run.flow_run_id
    return f"{context.task.name}/{run_id}/{parameters['review_ref']}/{parameters['wait_key']}"


def artifact_key(review_ref: str) -> str:
    """Return the review's artifact key (lowercase letters, digits and dashes only)."""
    return "review-" + "".join(ch if ch.isalnum() else "-" for ch in review_ref.lower())


def read_review(review_ref: str) -> ReviewView:
    """Return the review as the record holds it now (read fresh on every replay).

    A plain function, not a task: reading changes nothing, and a task run per read
    per replay would cost the Prefect server three writes for no record."""
    with session_scope(session_factory()) as session:
        return review_view(session, review_ref)


def tag_flow_run(review: ReviewView, today: date) -> list[str]:
    """Tag the run with its setting, its stage and ``overdue`` while a deadline is missed; keep other tags.

    A plain function: it calls the API only when the tags change, and is idempotent, so replays are free."""
    context = FlowRunContext.get()
    if context is None or context.flow_run is None:
        return []
    overdue = any(d.is_open and not d.advisory and d.due_on < today for d in review.deadlines)
    kept = [t for t in context.flow_run.tags if not t.startswith(("stage:", "setting:")) and t != "overdue"]
    stage = f"stage:{review.stage}" if review.stage else "stage:complete"
    wanted = sorted({*kept, f"setting:{review.setting_urn}", stage, *(["overdue"] if overdue else [])})
    if sorted(context.flow_run.tags) != wanted:
        with get_client(sync_client=True) as client:
            client.update_flow_run(context.flow_run.id, tags=wanted)
        context.flow_run.tags = wanted
    return wanted


@task(cache_key_fn=per_wait, persist_result=True)
def publish_timeline(review_ref: str, wait_key: str, today: date) -> str:
    """Publish the review's timeline artifact once per wait."""
    with session_scope(session_factory()) as session:
        view = review_view(session, review_ref)
    key = artifact_key(review_ref)
    create_markdown_artifact(
        markdown=timeline_markdown(view, today), key=key, description=f"Timeline of review {review_ref}"
    )
    return key


def _report(outcome: InputOutcome, wait_key: str) -> InputOutcome:
    logger = get_run_logger()
    if outcome.accepted:
        logger.info(
            "Input at %s accepted; review %s is now at %s",
            wait_key,
            outcome.reference,
            f"stage {outcome.stage}" if outcome.stage else "completion",
        )
        for field, message in outcome.notes:  # a duty done late, or a breach kept: say so (dates and law only)
            logger.warning("Input at %s recorded with a note: %s: %s", wait_key, field, message)
    else:
        for field, message in outcome.problems:
            logger.warning("Input at %s refused: %s: %s", wait_key, field, message)
        create_markdown_artifact(
            key=artifact_key(outcome.reference) + "-refusal",
            markdown="\n".join(
                [
                    f"## Input refused at {wait_key}",
                    "Nothing was recorded. Correct and resubmit:",
                    *(f"- `{f}`: {m}" for f, m in outcome.problems),
                ]
            ),
            description=f"Why the last input to {outcome.reference} was refused",
        )
    return outcome


def _idempotency_key(wait_key: str) -> str:
    context = TaskRunContext.get()
    run_id = context.task_run.flow_run_id if context is not None else "no-run"
    return f"{run_id}/{wait_key}"


@task(cache_key_fn=per_wait, persist_result=True, retries=DB_RETRIES, retry_condition_fn=retry_if_transient)
def record_stage_input(
    review_ref: str, wait_key: str, given: StageInput, submitted_by: str, today: date
) -> InputOutcome:
    """Apply a person's stage input to the record once (or record why it was refused)."""
    with session_scope(session_factory()) as session:
        outcome = apply_input(
            session,
            review_ref,
            given,
            idempotency_key=_idempotency_key(wait_key),
            actor=submitted_by,
            today=today,
            rule_set=rule_set(),
            is_working_day=working_days(),
        )
    return _report(outcome, wait_key)


@task(cache_key_fn=per_wait, persist_result=True, retries=DB_RETRIES, retry_condition_fn=retry_if_transient)
def record_form_refusal(review_ref: str, wait_key: str, errors: list[dict[str, Any]]) -> InputOutcome:
    """Record once that a submitted form did not validate, naming each field."""
    problems = [Problem(".".join(str(p) for p in error["loc"]) or "form", error["msg"]) for error in errors]
    with session_scope(session_factory()) as session:
        outcome = record_refusal(
            session, review_ref, problems, idempotency_key=_idempotency_key(wait_key), actor=settings().actor
        )
    return _report(outcome, wait_key)


@task(cache_policy=NO_CACHE, persist_result=False, retries=DB_RETRIES, retry_condition_fn=retry_if_transient)
def open_next_review(review_ref: str) -> str | None:
    """Create the next cycle's review of a completed one (idempotent); None when the plan ceased."""
    with session_scope(session_factory()) as session:
        return open_next_cycle(
            session, review_ref, rule_set=rule_set(), is_working_day=working_days(), actor=settings().actor
        )
