"""The bridge from a person's form to the review's run: check with the run's own rules, then resume, or keep it.

The check is the one ``ehcp`` makes (``cli/input_commands``): the stage's ``tasks.stage_forms`` form is
validated, then ``rules.transitions.apply_stage_input`` runs on the recorded facts. Only an input
that passes is sent, and only its non-personal fields (dates, outcome, the meeting record's id,
the staff ID). If Prefect cannot be reached, or the run is not waiting yet, the form is kept in
``pending_submissions`` and ``apply_pending_submissions`` sends it later (the clock calls it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any, Literal

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from records import audit
from records.models import PendingSubmission, Review
from records.review_facts import review_facts
from records.review_progress import year_group_of
from records.session import SessionFactory, session_scope
from rules.errors import Problem
from rules.facts import ReviewFacts
from rules.stages import Stage
from rules.transitions import apply_stage_input
from tasks.run_bridge import RunBridge, RunUnavailable
from tasks.run_control import ResumeRefused
from tasks.stage_forms import FORMS, StageForm, to_stage_input

PENDING = "pending"
SENT = "sent"
REFUSED = "refused"


class RunNotWaiting(RuntimeError):
    """The review's run is not (yet) waiting for this stage."""


@dataclass(frozen=True, slots=True)
class Submission:
    """What became of a submission: ``sent`` to the run, ``kept`` to send later, or ``refused`` with problems."""

    status: Literal["sent", "kept", "refused"]
    problems: tuple[Problem, ...] = ()
    note: str = ""


def _form_problems(exc: ValidationError) -> list[Problem]:
    return [Problem(str(e["loc"][0]) if e["loc"] else "form", e["msg"]) for e in exc.errors(include_url=False)]


@dataclass(frozen=True, slots=True)
class Checked:
    """A stage form checked against the record: the run's form and the facts it leads to, or the problems."""

    form: StageForm | None
    facts: ReviewFacts | None
    problems: tuple[Problem, ...] = ()


def checked_form(review: Review, stage: int, values: dict[str, Any], *, today: date) -> Checked:
    """Return the stage's run form if the run would accept it, else the problems (the CLI's check)."""
    try:
        form = FORMS[Stage(stage)].model_validate(values)
    except ValidationError as exc:
        return Checked(None, None, tuple(_form_problems(exc)))
    given, year_group = to_stage_input(form), year_group_of(review)
    result = apply_stage_input(review_facts(review), given, today=today, year_group=year_group)
    return Checked(form, result.facts) if result.accepted else Checked(None, None, result.problems)


def has_pending(session: Session, review: Review) -> bool:
    found = session.scalar(
        select(PendingSubmission.id).where(
            PendingSubmission.review_id == review.id, PendingSubmission.status == PENDING
        )
    )
    return found is not None


def send_to_run(bridge: RunBridge, flow_run_id: str | None, stage: int, payload: dict[str, Any]) -> None:
    """Resume the run if it waits for this stage; raise RunNotWaiting or RunUnavailable otherwise."""
    if flow_run_id is None:
        raise RunNotWaiting("the review's run has not started yet")
    state = bridge.run_state(flow_run_id)
    if state.waiting_stage != stage:
        raise RunNotWaiting(f"the review's run is not waiting for stage {stage} ({state.state_name})")
    bridge.resume(flow_run_id, payload)


def submit_stage(
    session: Session, review: Review, stage: int, values: dict[str, Any], *, staff_id: str, today: date,
    bridge: RunBridge,
) -> Submission:
    """Check the input against the record, then resume the run, or keep the input for later."""
    if has_pending(session, review):
        note = "An earlier submission for this review is waiting to be sent; try again once it has gone."
        return Submission("refused", (Problem("stage", note),))
    checked = checked_form(review, stage, {**values, "submitted_by": staff_id}, today=today)
    if checked.form is None:
        return Submission("refused", checked.problems)
    payload = checked.form.model_dump(mode="json")
    try:
        send_to_run(bridge, review.flow_run_id, stage, payload)
    except (RunUnavailable, RunNotWaiting) as exc:
        session.add(PendingSubmission(review_id=review.id, stage=stage, form=payload, status=PENDING,
                                      last_error=str(exc)[:500]))
        audit.record(session, actor=staff_id, action="portal.submission_kept", review_id=review.id,
                     detail={"reference": review.reference, "stage": stage})
        return Submission("kept", note="The review's run could not take it just now. It is saved and will be "
                                       "sent automatically; you do not need to enter it again.")
    except ResumeRefused as exc:
        return Submission("refused", (Problem("stage", f"the review's run refused the input: {exc}"),))
    audit.record(session, actor=staff_id, action="portal.submission_sent", review_id=review.id,
                 detail={"reference": review.reference, "stage": stage})
    return Submission("sent", note="Sent to the review's run. The timeline shows it once the run has recorded it.")


def keep_input_of_dead_run(
    session: Session, review: Review, payload: dict[str, Any], *, dead_run_id: str, actor: str
) -> bool:
    """Keep the input a run took but died before recording (kill -9 mid-stage), for its replacement.

    The replacement run waits at the same key; the clock's next pass sends it this input, so the
    person who gave it need not give it again. Return False when a kept submission already waits."""
    if review.stage is None or has_pending(session, review):
        return False
    note = f"carried over from run {dead_run_id}, which stopped before recording it"
    session.add(PendingSubmission(review_id=review.id, stage=review.stage, form=payload, status=PENDING,
                                  last_error=note))
    audit.record(session, actor=actor, action="review.input_carried_over", review_id=review.id,
                 detail={"reference": review.reference, "stage": review.stage, "from_run": dead_run_id})
    return True


def _apply_one(session: Session, row: PendingSubmission, *, today: date, bridge: RunBridge) -> bool:
    review = session.get_one(Review, row.review_id)
    checked = checked_form(review, row.stage, dict(row.form), today=today)
    if checked.form is None:  # the record moved on meanwhile (e.g. the same stage entered through ehcp)
        row.status, row.last_error = REFUSED, "; ".join(str(p) for p in checked.problems)[:500]
        return False
    try:
        send_to_run(bridge, review.flow_run_id, row.stage, dict(row.form))
    except RunNotWaiting as exc:
        row.last_error = str(exc)[:500]
        return False
    except ResumeRefused as exc:
        row.status, row.last_error = REFUSED, str(exc)[:500]
        return False
    row.status, row.sent_at, row.last_error = SENT, datetime.now(UTC), None
    return True


def apply_pending_submissions(factory: SessionFactory, bridge: RunBridge, *, today: date) -> int:
    """Send every kept submission whose run now waits for it; return how many were sent.

    Stops at the first sign that Prefect is still unreachable (the rest wait for the next call).
    """
    with session_scope(factory) as session:
        ids = list(session.scalars(select(PendingSubmission.id).where(PendingSubmission.status == PENDING)
                                   .order_by(PendingSubmission.id)))
    sent = 0
    for row_id in ids:
        try:
            with session_scope(factory) as session:
                sent += _apply_one(session, session.get_one(PendingSubmission, row_id), today=today, bridge=bridge)
        except RunUnavailable:
            break
    return sent
