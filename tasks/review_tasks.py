"""The review flow's tasks: the five stages, each applying a person's input and queueing its letters once.

A stage task runs in one records transaction: the input is judged on the business date
(``tasks.business_date``), the facts, deadlines and the next wait number are written, the
stage's letters are queued in the outbox, and the audit row is keyed by the review and its wait
key, so a replay, a retry after a crash or a replacement run writes nothing a second time. The
letters are delivered by the statutory clock's outbox sweep, so a mail server that is down never
fails a review run. Task runs are named for operators: ``AR-2026-00123 · 4 decision``.
"""

from __future__ import annotations

import logging
from datetime import date, datetime
from typing import Any, Final

from prefect import Task, get_run_logger, task
from prefect.artifacts import create_markdown_artifact
from prefect.cache_policies import NO_CACHE
from prefect.client.orchestration import get_client
from prefect.context import FlowRunContext
from prefect.exceptions import MissingContextError
from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from records.business_dates import latest_business_date
from records.inbox import entry_for_wait, received_for_wait, settle
from records.models import InboxEntry, InboxStatus, Review
from records.models.reviews import wait_number_of
from records.review_progress import InputOutcome, apply_input, record_refusal, review_by_reference
from records.review_view import ReviewView, review_view
from records.session import session_scope
from records.system_time import system_now
from rules.errors import Problem
from rules.stages import Stage
from rules.transitions import StageInput
from tasks.business_date import business_date
from tasks.db import rule_set, session_factory, settings, working_days
from tasks.inbox import form_problems, note_overtaken, take_from_run
from tasks.prefect_runs import read_wait_input
from tasks.stage_forms import FORMS, to_stage_input
from tasks.stage_letters import queue_letters
from tasks.timeline import timeline_markdown

__all__ = [
    "STAGE_TASKS",
    "apply_entry",
    "artifact_key",
    "has_received_input",
    "open_next_review",
    "publish_timeline",
    "read_review",
    "recorded_business_date",
    "record_form_refusal",
    "tag_flow_run",
]

DB_RETRIES: Final = 3
STAGE_TASK_NAMES: Final = {
    Stage.PREPARATION: "1 preparation",
    Stage.MEETING: "2 meeting",
    Stage.REPORT: "3 report",
    Stage.DECISION: "4 decision",
    Stage.PLAN: "5 plan",
}


def retry_if_transient(task: Any, task_run: Any, state: Any) -> bool:
    """Retry only database hiccups (a locked SQLite file, a dropped connection); domain errors fail fast."""
    try:
        state.result()
    except OperationalError:
        return True
    except Exception:
        return False
    return False


def artifact_key(review_ref: str) -> str:
    """Return the review's artifact key (lowercase letters, digits and dashes only)."""
    return "review-" + "".join(ch if ch.isalnum() else "-" for ch in review_ref.lower())


def input_key(review_ref: str, wait_key: str) -> str:
    """The audit log's idempotency key of the input answered at one wait of one review."""
    return f"{review_ref}/{wait_key}"


def read_review(review_ref: str) -> ReviewView:
    """Return the review as the record holds it now (read fresh on every replay; a read is not a task)."""
    with session_scope(session_factory()) as session:
        return review_view(session, review_ref)


def tag_flow_run(review: ReviewView) -> list[str]:
    """Tag the run with its setting and stage; keep every other tag (the clock owns ``overdue``).

    A plain function: it calls the API only when the tags change, and is idempotent, so replays are free."""
    context = FlowRunContext.get()
    if context is None or context.flow_run is None:
        return []
    kept = [t for t in context.flow_run.tags if not t.startswith(("stage:", "setting:"))]
    stage = f"stage:{review.stage}" if review.stage else "stage:complete"
    wanted = sorted({*kept, f"setting:{review.setting_urn}", stage})
    if sorted(context.flow_run.tags) != wanted:
        with get_client(sync_client=True) as client:
            client.update_flow_run(context.flow_run.id, tags=wanted)
        context.flow_run.tags = wanted
    return wanted


def recorded_business_date() -> date | None:
    """The latest business date the records hold (the clock's last run): the flow reads no wall clock."""
    with session_scope(session_factory()) as session:
        return latest_business_date(session)


def publish_timeline(review: ReviewView, as_of: date | None) -> str:
    """Publish the review's timeline artifact (a new version of its key), as of the given business date."""
    key = artifact_key(review.reference)
    create_markdown_artifact(
        markdown=timeline_markdown(review, as_of), key=key, description=f"Timeline of review {review.reference}"
    )
    return key


def _logger() -> logging.Logger | logging.LoggerAdapter[logging.Logger]:
    """The run's logger inside a flow or task run; the module's logger when called as a plain function."""
    try:
        return get_run_logger()
    except MissingContextError:
        return logging.getLogger(__name__)


def _report(outcome: InputOutcome, wait_key: str) -> InputOutcome:
    logger = _logger()
    if outcome.accepted:
        where = f"stage {outcome.stage}" if outcome.stage else "completion"
        logger.info("Input at %s accepted; review %s is now at %s", wait_key, outcome.reference, where)
        for field, message in outcome.notes:  # a duty done late, or a breach kept: say so (dates and law only)
            logger.warning("Input at %s recorded with a note: %s: %s", wait_key, field, message)
        return outcome
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


def queue_stage_letters(session: Session, review_ref: str, given: StageInput) -> int:
    """Put the letters of an accepted stage input in the outbox (once each); return how many it queued."""
    return queue_letters(session, review_ref, given)


def has_received_input(review_ref: str, wait_number: int) -> bool:
    """Whether an input waits in the review's inbox for this wait (a read, not a task: the pass asks each time)."""
    with session_scope(session_factory()) as session:
        review_id = session.scalars(select(Review.id).where(Review.reference == review_ref)).one()
        return received_for_wait(session, review_id, wait_number) is not None


def _overtaken_in_prefect(review_ref: str, wait_key: str, entry: InboxEntry) -> str | None:
    """Who answered this wait through the Prefect UI with another input, if anyone (None outside a flow run)."""
    context = FlowRunContext.get()
    if context is None or context.flow_run is None:
        return None
    try:
        given = read_wait_input(str(context.flow_run.id), wait_key)
    except Exception:  # Prefect cannot say now: nothing to compare
        return None
    if given is None or dict(given) == dict(entry.form):
        return None
    return str(given.get("submitted_by") or "unknown")


def apply_stage(review_ref: str, wait_key: str, given: dict[str, Any] | None = None) -> InputOutcome:
    """Apply the input stored for the review's wait once, queue its letters, and mark the input, in one transaction.

    ``given`` is the input the run was resumed with when no door stored one first (a person answered through
    the Prefect UI's Resume form): it is stored in the inbox before it is applied, like every other input."""
    now = system_now()
    with session_scope(session_factory()) as session:
        review = review_by_reference(session, review_ref)
        wait_number = wait_number_of(wait_key)
        if given is not None:
            entry = take_from_run(session, review_ref, wait_number, given, now=now)
        else:
            found = entry_for_wait(session, review.id, wait_number)
            if found is None:
                raise LookupError(f"{review_ref}: no input in the inbox for {wait_key}")
            entry = found
        other = _overtaken_in_prefect(review_ref, wait_key, entry)
        if other is not None:
            note_overtaken(session, review, entry, other)
        outcome = apply_entry(session, review_ref, wait_key, entry, now=now)
    return _report(outcome, wait_key)


def apply_entry(session: Session, review_ref: str, wait_key: str, entry: InboxEntry, *, now: datetime) -> InputOutcome:
    """Judge the stored input on the business date, write it and its letters once, and settle the entry."""
    try:
        form = FORMS[Stage(entry.stage)].model_validate(entry.form)
    except ValidationError as exc:
        problems = [Problem(p.field, p.message) for p in form_problems(exc)]
        outcome = record_refusal(
            session, review_ref, problems, idempotency_key=input_key(review_ref, wait_key), actor=entry.submitted_by
        )
    else:
        given = to_stage_input(form)
        outcome = apply_input(
            session,
            review_ref,
            given,
            idempotency_key=input_key(review_ref, wait_key),
            actor=entry.submitted_by,
            today=business_date(session),
            rule_set=rule_set(),
            is_working_day=working_days(),
        )
        if outcome.accepted:
            queue_stage_letters(session, review_ref, given)
    status = InboxStatus.APPLIED if outcome.accepted else InboxStatus.REFUSED
    settle(session, entry, status, now=now, outcome=outcome.to_detail())
    return outcome


def _stage_task(stage: Stage) -> Task[..., InputOutcome]:
    name = STAGE_TASK_NAMES[stage]
    decorate = task(
        name=name,
        task_run_name="{review_ref} · " + name,
        cache_policy=NO_CACHE,
        persist_result=False,
        retries=DB_RETRIES,
        retry_condition_fn=retry_if_transient,
    )
    return decorate(apply_stage)


STAGE_TASKS: Final[dict[Stage, Task[..., InputOutcome]]] = {stage: _stage_task(stage) for stage in Stage}
"""One task per statutory stage; the flow calls the one for the stage the review is waiting at."""


@task(
    name="refused form",
    task_run_name="{review_ref} · refused form",
    cache_policy=NO_CACHE,
    persist_result=False,
    retries=DB_RETRIES,
    retry_condition_fn=retry_if_transient,
)
def record_form_refusal(review_ref: str, wait_key: str, errors: list[dict[str, Any]]) -> InputOutcome:
    """Record once that a submitted form did not validate, naming each field."""
    problems = [Problem(".".join(str(p) for p in error["loc"]) or "form", error["msg"]) for error in errors]
    with session_scope(session_factory()) as session:
        outcome = record_refusal(
            session, review_ref, problems, idempotency_key=input_key(review_ref, wait_key), actor=settings().actor
        )
    return _report(outcome, wait_key)


@task(
    name="next cycle",
    task_run_name="{review_ref} · next cycle",
    cache_policy=NO_CACHE,
    persist_result=False,
    retries=DB_RETRIES,
    retry_condition_fn=retry_if_transient,
)
def open_next_review(review_ref: str) -> str | None:
    """Create the next cycle's review of a completed one (idempotent); None when the plan ceased.

    Imported here: it pulls in the caseload importer, which no other stage needs, and every flow-run
    process (one per start and per resume on a work pool) would pay for importing it."""
    from records.next_cycle import open_next_cycle

    with session_scope(session_factory()) as session:
        return open_next_cycle(
            session, review_ref, rule_set=rule_set(), is_working_day=working_days(), actor=settings().actor
        )
