"""The review run's Prefect side: opening each wait, and the five stage tasks that apply what people give.

Each pass of the review flow calls ``open_wait``: it reads the review as the record holds it, keeps the run's
tags and timeline true (``services.timeline``), and says whether an input is already stored for the open wait.
The stage tasks (named for operators: ``AR-2026-00123 · 4 decision``) apply the stored input through
``services.stages`` and log what became of it; a refusal is also published as an artifact on the run. Only
what Prefect needs is here: the work and its transaction are in ``services``.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from prefect import Task, get_run_logger
from prefect.artifacts import create_markdown_artifact
from prefect.context import FlowRunContext
from prefect.exceptions import MissingContextError
from prefect.input import RunInput

from records.review_progress import InputOutcome
from records.review_view import ReviewView
from rules.errors import Problem
from rules.stages import Stage
from services import stages
from services.runs import read_wait_input, wait_form
from services.timeline import artifact_key, form_description, refresh_run
from tasks.policies import records_task

__all__ = ["STAGE_TASKS", "OpenWait", "form_for", "next_cycle", "open_wait", "refused_form"]

STAGE_TASK_NAMES: Final = {
    Stage.PREPARATION: "1 preparation",
    Stage.MEETING: "2 meeting",
    Stage.REPORT: "3 report",
    Stage.DECISION: "4 decision",
    Stage.PLAN: "5 plan",
}


@dataclass(frozen=True, slots=True)
class OpenWait:
    """The review as a pass finds it: complete, or at one open wait with or without an input stored for it."""

    review: ReviewView
    input_stored: bool
    as_of: date | None
    """The clock's latest business date (the run reads no wall clock): what the timeline and the form count from."""

    @property
    def complete(self) -> bool:
        return self.review.stage is None or self.review.wait_key is None

    @property
    def stage(self) -> Stage:
        assert self.review.stage is not None, "a complete review has no open wait"
        return Stage(self.review.stage)

    @property
    def key(self) -> str:
        """The pause key of the open wait."""
        assert self.review.wait_key is not None, "a complete review has no open wait"
        return self.review.wait_key


def open_wait(review_ref: str) -> OpenWait:
    """Read the review, refresh its run's tags and timeline, and say whether its open wait already has an input.

    The refresh is skipped when an input is stored: the pass applies it at once and the next pass refreshes
    what it changed, so publishing the old timeline first would be an API call thrown away (one per resume
    through a door). A plain function (a read and a view refresh, both safe to repeat on every replay), not a task.
    """
    review, as_of = stages.read_review(review_ref), stages.recorded_business_date()
    stored = review.stage is not None and stages.has_received_input(review_ref, review.wait_number)
    context = FlowRunContext.get()
    if not stored and context is not None and context.flow_run is not None:
        context.flow_run.tags = refresh_run(review, str(context.flow_run.id), context.flow_run.tags, as_of)
    return OpenWait(review, stored, as_of)


def form_for(wait: OpenWait) -> type[RunInput]:
    """The Prefect form of the review's open wait, with what to enter and what is due shown above it."""
    form: type[RunInput] = wait_form(wait.stage, form_description(wait.review, wait.as_of))
    return form


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


def _prefect_response(wait_key: str) -> dict[str, Any] | None:
    """What Prefect holds as the answer to this wait of the current run (None outside a run, or when unanswered)."""
    context = FlowRunContext.get()
    if context is None or context.flow_run is None:
        return None
    try:
        return read_wait_input(str(context.flow_run.id), wait_key)
    except Exception:  # Prefect cannot say now: nothing to compare
        return None


def apply_stage(review_ref: str, wait_key: str, given: dict[str, Any] | None = None) -> InputOutcome:
    """Apply the input stored for the wait (or the one the Prefect UI gave), once; log what became of it."""
    response = _prefect_response(wait_key) if given is None else None
    return _report(stages.apply_stage(review_ref, wait_key, given, prefect_response=response), wait_key)


def _stage_task(stage: Stage) -> Task[..., InputOutcome]:
    name = STAGE_TASK_NAMES[stage]
    stage_task: Task[..., InputOutcome] = records_task(name, "{review_ref} · " + name)(apply_stage)
    return stage_task


STAGE_TASKS: Final[dict[Stage, Task[..., InputOutcome]]] = {stage: _stage_task(stage) for stage in Stage}
"""One task per statutory stage; the flow calls the one for the stage the review is waiting at."""


@records_task("refused form", "{review_ref} · refused form")
def refused_form(review_ref: str, wait_key: str, problems: list[tuple[str, str]]) -> InputOutcome:
    """Record once that a form given through Prefect did not validate, naming each field; the run asks again."""
    outcome = stages.record_form_refusal(review_ref, wait_key, [Problem(f, m) for f, m in problems])
    return _report(outcome, wait_key)


@records_task("next cycle", "{review_ref} · next cycle")
def next_cycle(review_ref: str) -> str | None:
    """Create the next cycle's review of a completed one (idempotent); None when the plan ceased."""
    return stages.open_next_review(review_ref)
