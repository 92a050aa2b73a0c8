"""Submitting a person's stage input: check it against the record, resume the review's run, and say truly
what became of it.

One service for every front door (``ehcp submit/decide/issue``, the web front door). The input is
checked with the same rule the run applies (``rules.transitions.apply_stage_input``) before anything
is sent, so a refusal is shown at once. After the run is resumed, the outcome is read from the
records (the audit row keyed by the review and its wait), never from the run's state: "recorded"
means the record changed, "refused" that the run refused it, and "queued" that the input reached
Prefect but no stage task has applied it yet (no runner, or a slow one): it will be applied when
the run is picked up, and nothing was lost. "overtaken" means two people answered the same wait at
once and the other's input was the one recorded: this one was not applied.
"""

from __future__ import annotations

import json
import time
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Final

from sqlalchemy import select

from records.models import AuditEntry
from records.review_facts import review_facts
from records.review_progress import (
    ACCEPTED,
    REFUSED,
    UnknownReview,
    plain_input,
    review_by_reference,
    year_group_of,
)
from records.session import SessionFactory, session_scope
from rules.errors import Problem
from rules.transitions import apply_stage_input, recorded_notes
from tasks.business_date import business_date
from tasks.db import rule_set, working_days
from tasks.review_tasks import input_key
from tasks.run_control import ResumeRefused, RunState, read_run_state, resume_review_run
from tasks.stage_forms import StageForm, to_stage_input

POLL_SECONDS: Final = 0.5


class Outcome(StrEnum):
    RECORDED = "recorded"
    REFUSED = "refused"
    QUEUED = "queued"
    SENT = "sent"  # not waited for
    OVERTAKEN = "overtaken"  # another person's input at the same wait was recorded first; this one was not


@dataclass(frozen=True, slots=True)
class Submission:
    """What became of one input: its outcome, the review's stage after it, and any problems."""

    reference: str
    outcome: Outcome
    stage: int | None
    problems: tuple[Problem, ...] = ()
    flow_run_id: str | None = None
    notes: tuple[Problem, ...] = ()
    """What the person must be told of an accepted input: duties it shows done late or unlawfully."""
    recorded_by: str | None = None
    recorded_input: dict[str, Any] | None = None


class SubmissionRefused(Exception):
    """The input was refused before anything was sent; ``problems`` name each field."""

    def __init__(self, headline: str, problems: tuple[Problem, ...] = ()) -> None:
        super().__init__(headline)
        self.headline = headline
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Checked:
    """An input the run will accept: the review's stage and run now, and the notes to show the person."""

    stage: int | None
    flow_run_id: str | None
    notes: tuple[Problem, ...]


def check_against_record(factory: SessionFactory, reference: str, form: StageForm) -> Checked:
    """Refuse here what the run would refuse; return the review's stage, run id and the notes on late duties."""
    try:
        with session_scope(factory) as session:
            review = review_by_reference(session, reference)
            before = review_facts(review)
            result = apply_stage_input(
                before, to_stage_input(form), today=business_date(session), year_group=year_group_of(review)
            )
            stage, run_id = review.stage, review.flow_run_id
    except UnknownReview as exc:
        raise SubmissionRefused(str(exc), (Problem("reference", "check it with `ehcp reviews`"),)) from None
    if not result.accepted:
        raise SubmissionRefused(f"review {reference}: input refused; nothing was recorded", tuple(result.problems))
    notes = recorded_notes(before, result.facts, rule_set(), is_working_day=working_days())
    return Checked(stage, run_id, notes)


def waiting_run(reference: str, stage: int | None, run_id: str | None) -> RunState:
    """Return the review's run state when it waits for this stage; else refuse, saying what to do."""
    if run_id is None:
        raise SubmissionRefused(
            f"review {reference} has no run yet", (Problem("run", f"start it with: ehcp start {reference}"),)
        )
    state = read_run_state(run_id)
    if state.waiting_stage != stage:
        hint = "it is busy; try again in a few seconds" if not state.is_final else f"restart it: ehcp start {reference}"
        raise SubmissionRefused(
            f"review {reference}'s run is not waiting for stage {stage} ({state.state_name})", (Problem("run", hint),)
        )
    return state


def recorded_outcome(factory: SessionFactory, reference: str, wait_key: str) -> Submission | None:
    """Return what the records say of the input answered at ``wait_key``, or None while none is recorded."""
    with session_scope(factory) as session:
        entry = session.scalar(select(AuditEntry).where(AuditEntry.idempotency_key == input_key(reference, wait_key)))
        if entry is None or entry.action not in (ACCEPTED, REFUSED):
            return None
        stage = review_by_reference(session, reference).stage
        problems = tuple(Problem(field, message) for field, message in entry.detail.get("problems", []))
        recorded = entry.detail.get("input")
        by = entry.actor
    outcome = Outcome.RECORDED if entry.action == ACCEPTED else Outcome.REFUSED
    return Submission(reference, outcome, stage, problems, recorded_by=by, recorded_input=recorded)


def outcome_of(factory: SessionFactory, reference: str, wait_key: str, form: StageForm) -> Submission | None:
    """What became of ``form`` at the wait: as recorded, or ``overtaken`` if another input was recorded there.

    Two people can resume the same wait at the same instant; Prefect hands the run one input and the
    records hold that one, so the other person must be told theirs was not applied."""
    found = recorded_outcome(factory, reference, wait_key)
    if found is None or found.outcome is not Outcome.RECORDED or found.recorded_input is None:
        return found
    ours = json.loads(json.dumps(plain_input(to_stage_input(form))))  # as the JSON column holds it
    if found.recorded_by == form.submitter and found.recorded_input == ours:
        return found
    return Submission(reference, Outcome.OVERTAKEN, found.stage, recorded_by=found.recorded_by)


def submit(factory: SessionFactory, reference: str, form: StageForm, *, wait_seconds: float = 120.0) -> Submission:
    """Check, resume the waiting run, and (unless ``wait_seconds`` is 0) wait for the records to show the outcome.

    Raises SubmissionRefused when the input is refused before anything is sent."""
    checked = check_against_record(factory, reference, form)
    stage, notes = checked.stage, checked.notes
    state = waiting_run(reference, stage, checked.flow_run_id)
    wait_key = state.pause_key or ""
    try:
        resume_review_run(state.flow_run_id, form.model_dump(mode="json"))
    except ResumeRefused as exc:
        raise SubmissionRefused(f"review {reference}: Prefect refused the input: {exc}") from None
    deadline = time.monotonic() + wait_seconds
    while wait_seconds > 0:
        found = outcome_of(factory, reference, wait_key, form)
        if found is not None:
            return Submission(found.reference, found.outcome, found.stage, found.problems, state.flow_run_id, notes,
                              recorded_by=found.recorded_by)  # fmt: skip
        if time.monotonic() >= deadline:
            return Submission(reference, Outcome.QUEUED, stage, (), state.flow_run_id, notes)
        time.sleep(POLL_SECONDS)
    return Submission(reference, Outcome.SENT, stage, (), state.flow_run_id, notes)
