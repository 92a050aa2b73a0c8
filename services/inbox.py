"""The one way in for a person's stage input: check it, store it in the review's inbox, hand it to the run.

Every door calls this module for the same act: the front door's pages and JSON API
(``portal.review_service``), ``ehcp submit/decide/issue`` (``cli.input_commands``), and the review
run itself (an input a person gave through the Prefect UI's Resume form is stored here before it
is applied). The path of an input:

1. ``receive`` checks it with the rule the run applies (``rules.transitions``) on the business
   date, and stores it in the inbox in the caller's transaction, with the personal part the door
   saves beside it; a refusal stores nothing and names each field. A second input for the same
   wait is refused at once, saying who gave the first and when (``records.inbox.AlreadyReceived``).
2. ``hand_over`` (after the commit) gives it to the review's run: it resumes the run when it
   waits at the input's wait, starts it when the review has none (the liveness pass's idempotency
   key, so two starters make one run) or its run ended, and otherwise leaves it: a run that is
   starting or busy applies its inbox itself before it next waits.
3. The stage task applies it and queues the stage's letters in one transaction, marking it applied
   (or refused, with the problems). ``follow`` waits for that, handing over again while the run is
   busy; only then is a person told "Recorded".
4. ``sweep`` is the backstop (the liveness flow every few minutes, and the clock): it hands over
   every input still received, marks one whose review moved on without it, and tells the operators
   once about an input not applied within ``REPORT_AFTER``, with the reason.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any, Final

from pydantic import ValidationError
from sqlalchemy.orm import Session

from notices.kinds import MessageKind
from notices.planning import input_not_applied_key
from records import audit
from records.inbox import (
    AlreadyReceived,
    InboxLine,
    as_utc,
    entry_for_wait,
    line_by_id,
    london_time,
    note_handed_over,
    received,
    settle,
    store,
    submitter_of,
)
from records.models import InboxEntry, InboxStatus, Review
from records.outbox import enqueue_for_operators
from records.review_facts import review_facts
from records.review_progress import review_by_reference, year_group_of
from records.review_runs import run_key, set_flow_run
from records.session import SessionFactory, session_scope
from records.system_time import system_now
from rules.errors import Problem
from rules.facts import ReviewFacts
from rules.stages import Stage
from rules.transitions import apply_stage_input, recorded_notes
from rules.warnings import input_warnings
from services.forms import FORMS, StageForm, form_problems, to_stage_input
from services.runs import ResumeRefused, RunBridge, RunUnavailable
from services.setup import rule_set, working_days

__all__ = [
    "REPORT_AFTER",
    "AlreadyReceived",
    "Checked",
    "already_said",
    "moved_on_said",
    "submitter",
    "HandOver",
    "Received",
    "MovedOn",
    "Refused",
    "check",
    "follow",
    "hand_over",
    "receive",
    "sweep",
]

REPORT_AFTER: Final = timedelta(minutes=30)
"""An input still not applied this long after it was received is reported to the operators (once)."""

logger = logging.getLogger(__name__)


class Refused(Exception):
    """The input was refused before anything was stored; ``problems`` name each field and the fix."""

    def __init__(self, headline: str, problems: tuple[Problem, ...] = ()) -> None:
        super().__init__(headline)
        self.headline = headline
        self.problems = problems


@dataclass(frozen=True, slots=True)
class Checked:
    """An input the run will accept: its form, the facts it leads to, and the notes to show the person."""

    form: StageForm
    facts: ReviewFacts
    notes: tuple[Problem, ...]
    warnings: tuple[Problem, ...] = ()
    """What the person is warned of before sending (``rules.warnings``): accepted, but late or unlawful."""


@dataclass(frozen=True, slots=True)
class Received:
    """An input stored in the review's inbox (not yet applied): what the door tells the person now."""

    entry_id: int
    reference: str
    stage: int
    wait_key: str
    notes: tuple[Problem, ...] = ()
    warnings: tuple[Problem, ...] = ()


class HandOver(StrEnum):
    """What handing an input to the review's run did."""

    RESUMED = "resumed"  # the run was waiting at the input's wait and now has it
    STARTED = "started"  # the review had no live run: one was started, and applies the input first
    BUSY = "busy"  # the run is starting or working: it applies its inbox before it next waits
    SETTLED = "settled"  # the input was applied or refused already
    SUPERSEDED = "superseded"  # the review moved on without it (the reason is on the row)
    UNAVAILABLE = "unavailable"  # Prefect did not answer: the input waits in the inbox, shown as received
    FAILED = "failed"  # Prefect answered but would not start or resume the run (the reason is on the row)


def check(review: Review, stage: int, values: Mapping[str, Any], *, today: date) -> Checked:
    """Return the stage's form and the facts it leads to if the run would accept it; else raise Refused."""
    try:
        form = FORMS[Stage(stage)].model_validate(dict(values))
    except ValidationError as exc:
        problems = tuple(form_problems(exc))
        raise Refused(f"review {review.reference}: input refused; nothing was recorded", problems) from None
    before = review_facts(review)
    given = to_stage_input(form)
    result = apply_stage_input(before, given, today=today, year_group=year_group_of(review))
    if not result.accepted:
        raise Refused(f"review {review.reference}: input refused; nothing was recorded", tuple(result.problems))
    notes = recorded_notes(before, result.facts, rule_set(), is_working_day=working_days())
    warnings = input_warnings(before, given, rule_set(), is_working_day=working_days())
    return Checked(form, result.facts, tuple(notes), warnings)


ROLE_WORDS: Final = {
    "setting": "setting staff",
    "caseworker": "council caseworker",
    "manager": "council manager",
    "admin": "council administrator",
}


def submitter(session: Session, submitted_by: str) -> str:
    """Who gave an input, as their colleagues know them: "jo@school.example (setting staff)", or the ID as given."""
    found = submitter_of(session, submitted_by)
    if found is None:
        return submitted_by
    email, role = found
    return f"{email} ({ROLE_WORDS.get(role, role)})"


def _stage_words(stage: int) -> str:
    return f"stage {stage} ({Stage(stage).label})"


def _where(review: Review) -> str:
    return "complete" if review.stage is None else f"now at {_stage_words(review.stage)}"


def already_said(session: Session, review: Review, exc: AlreadyReceived) -> str:
    """What every door tells a person whose input for a wait came second: who gave the first, when, what became of it.

    One sentence for the pages, the JSON API (its 409) and ``ehcp``."""
    by, when, stage = submitter(session, exc.submitted_by), london_time(exc.received_at), _stage_words(exc.stage)
    if exc.status == InboxStatus.RECEIVED:
        return (f"An input for {stage} is already being recorded: sent by {by} on {when}. Nothing you entered was "
                "saved. The review's page shows it once it is recorded")  # fmt: skip
    if exc.status == InboxStatus.APPLIED:
        return (f"{stage[0].upper()}{stage[1:]} was already recorded, from the input sent by {by} on {when}; "
                f"the review is {_where(review)}. Nothing you entered was saved")  # fmt: skip
    return (f"An input for {stage} was already sent by {by} on {when} (it was {exc.status}); the review is "
            f"{_where(review)}. Nothing you entered was saved")  # fmt: skip


def moved_on_said(review: Review, stage: int) -> str:
    """What every door tells a person whose input answers a wait the review has moved past (nothing is kept)."""
    if review.stage == stage:
        return (f"This form for {_stage_words(stage)} was opened before the review asked for that stage again. "
                "Nothing you entered was saved. Look at the review as it stands before entering anything again")
    return (f"This input was for {_stage_words(stage)}, but the review has moved on: it is {_where(review)}. "
            "Nothing you entered was saved. Look at the review as it stands before entering anything again")


class MovedOn(Exception):
    """The input answers a wait the review has left (another stage, or the same stage asked again)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


def ensure_open(session: Session, review: Review, stage: int, wait_number: int | None = None) -> None:
    """Refuse at once an input for a wait that is answered already or that the review has left.

    Raises AlreadyReceived (with who gave the first input and when), MovedOn, or Refused for a stage
    the review has not reached; called before anything is saved, and again when the input is stored."""
    asked = review.wait_number if wait_number is None else wait_number
    if review.stage == stage:
        earlier = entry_for_wait(session, review.id, asked)
        if earlier is not None:
            raise AlreadyReceived(earlier)
        if asked == review.wait_number:
            return
    elif wait_number is not None and (earlier := entry_for_wait(session, review.id, wait_number)) is not None:
        raise AlreadyReceived(earlier)
    if review.stage is not None and stage > review.stage:
        problem = Problem("stage", f"the review is at {_stage_words(review.stage)}; {_stage_words(stage)} is not "
                                   "open yet")  # fmt: skip
        raise Refused(f"review {review.reference}: input refused; nothing was recorded", (problem,))
    raise MovedOn(moved_on_said(review, stage))


def receive(
    session: Session,
    review: Review,
    stage: int,
    values: Mapping[str, Any],
    *,
    submitted_by: str,
    source: str,
    today: date,
    now: datetime | None = None,
    wait_number: int | None = None,
) -> Received:
    """Check the input and store it in the review's inbox, in the caller's transaction.

    ``wait_number`` is the wait the person's form was opened at, when the door knows it (the pages).
    Raises Refused (nothing stored), AlreadyReceived (another input answers this wait) or MovedOn."""
    ensure_open(session, review, stage, wait_number)
    checked = check(review, stage, {**values, "submitted_by": submitted_by}, today=today)
    entry = store(
        session,
        review,
        checked.form.model_dump(mode="json"),
        submitted_by=submitted_by,
        source=source,
        now=now or system_now(),
    )
    return Received(entry.id, review.reference, stage, entry.wait_key, checked.notes, checked.warnings)


@dataclass(frozen=True, slots=True)
class _Target:
    reference: str
    setting_urn: str
    stage: int
    cycle_number: int
    flow_run_id: str | None
    wait_key: str
    form: dict[str, Any]


def _target(session: Session, entry_id: int, now: datetime, actor: str) -> _Target | HandOver:
    entry = session.get(InboxEntry, entry_id)
    if entry is None or entry.status != InboxStatus.RECEIVED:
        return HandOver.SETTLED
    review = session.get_one(Review, entry.review_id)
    if review.stage != entry.stage or review.wait_number != entry.wait_number:
        where = "complete" if review.stage is None else f"at stage {review.stage}"
        reason = f"the review moved on before this was recorded (it is now {where})"
        settle(session, entry, InboxStatus.SUPERSEDED, now=now, reason=reason)
        detail = {"reference": review.reference, "wait": entry.wait_key, "entry": entry.id, "reason": reason}
        audit.record(session, actor=actor, action="review.input_superseded", review_id=review.id, detail=detail)
        return HandOver.SUPERSEDED
    return _Target(
        review.reference,
        review.plan.setting.urn,
        review.stage,
        review.cycle_number,
        review.flow_run_id,
        entry.wait_key,
        dict(entry.form),
    )


def _start(factory: SessionFactory, runs: RunBridge, target: _Target, replaces: str | None, actor: str) -> HandOver:
    key = run_key(target.reference, target.cycle_number, replaces)
    new_id = runs.start(target.reference, target.setting_urn, target.stage, idempotency_key=key)
    with session_scope(factory) as session:
        set_flow_run(session, target.reference, new_id, actor=actor)
    return HandOver.STARTED


def _resume_or_start(factory: SessionFactory, runs: RunBridge, target: _Target, actor: str) -> HandOver:
    if target.flow_run_id is None:
        return _start(factory, runs, target, None, actor)
    state = runs.run_state(target.flow_run_id)
    if state.is_final:  # ended while the review is open: a fresh run carries on from the records
        return _start(factory, runs, target, target.flow_run_id, actor)
    if state.state_type == "PAUSED" and state.pause_key == target.wait_key:
        try:
            runs.resume(target.flow_run_id, target.form)
        except ResumeRefused:  # no longer waiting: it took its inbox itself, or someone answered first
            return HandOver.BUSY
        return HandOver.RESUMED
    if state.state_type == "PAUSED":  # waits where the record no longer is (the record was changed beside it)
        runs.retire(target.flow_run_id, f"waited at {state.pause_key}; the record's open wait is {target.wait_key}")
        return _start(factory, runs, target, target.flow_run_id, actor)
    return HandOver.BUSY


def hand_over(
    factory: SessionFactory, runs: RunBridge, entry_id: int, *, actor: str, now: datetime | None = None
) -> HandOver:
    """Give a received input to its review's run: resume, start, or leave it to the busy run; say which."""
    at = now or system_now()
    with session_scope(factory) as session:
        target = _target(session, entry_id, at, actor)
    if isinstance(target, HandOver):
        return target
    try:
        done = _resume_or_start(factory, runs, target, actor)
    except RunUnavailable as exc:
        logger.warning("input %s not handed over: the review runs did not answer (%s)", entry_id, exc)
        error = "the service that records reviews did not answer; it will be recorded as soon as it does"
        with session_scope(factory) as session:
            note_handed_over(session, entry_id, now=at, error=error)
        return HandOver.UNAVAILABLE
    except Exception as exc:  # e.g. the review deployment is missing: kept, shown, retried, reported after 30 min
        logger.warning("input %s not handed over: the review's run could not be started or resumed (%s: %s)",
                       entry_id, type(exc).__name__, exc)
        error = ("it could not be passed on to be recorded just now (recording could not be started); it is tried "
                 "again automatically, and the service's operators are told if it keeps failing")
        with session_scope(factory) as session:
            note_handed_over(session, entry_id, now=at, error=error)
        return HandOver.FAILED
    if done in (HandOver.RESUMED, HandOver.STARTED):
        with session_scope(factory) as session:
            note_handed_over(session, entry_id, now=at)
    return done


def line(factory: SessionFactory, entry_id: int) -> InboxLine:
    """What became of an input so far."""
    with session_scope(factory) as session:
        found = line_by_id(session, entry_id)
    if found is None:
        raise LookupError(f"no input {entry_id} in the inbox")
    return found


def follow(
    factory: SessionFactory,
    runs: RunBridge,
    entry_id: int,
    *,
    actor: str,
    seconds: float,
    poll_s: float = 0.5,
    hand_over_every_s: float = 3.0,
) -> InboxLine:
    """Wait up to ``seconds`` for the input to be applied or refused, handing it over again while the run is busy.

    A run that was working when the input arrived may reach its wait a moment after it last looked at its
    inbox; handing over again when it waits closes that gap without waiting for the liveness pass."""
    deadline = time.monotonic() + seconds
    next_hand_over = time.monotonic() + hand_over_every_s
    while True:
        found = line(factory, entry_id)
        if found.status != InboxStatus.RECEIVED or time.monotonic() >= deadline:
            return found
        if time.monotonic() >= next_hand_over:
            hand_over(factory, runs, entry_id, actor=actor)
            next_hand_over = time.monotonic() + hand_over_every_s
        time.sleep(poll_s)


@dataclass(slots=True)
class InboxSweep:
    """What one sweep of the inbox did (counts and references only)."""

    handed_over: dict[str, int] = field(default_factory=dict)  # HandOver value -> count
    reported: list[str] = field(default_factory=list)  # references whose input the operators were told of
    unavailable: bool = False

    def count(self, outcome: HandOver) -> None:
        self.handed_over[outcome.value] = self.handed_over.get(outcome.value, 0) + 1


def _report(factory: SessionFactory, entry: InboxLine, now: datetime, actor: str) -> bool:
    """Tell the operators once that an input has waited too long, with the reason; False if told already."""
    with session_scope(factory) as session:
        row = session.get(InboxEntry, entry.entry_id)
        if row is None or row.status != InboxStatus.RECEIVED or row.reported_at is not None:
            return False
        row.reported_at = now
        enqueue_for_operators(
            session, idempotency_key=input_not_applied_key(row.id), review_id=row.review_id,
            kind=MessageKind.INPUT_NOT_APPLIED,
        )  # fmt: skip
        detail = {
            "reference": entry.reference,
            "wait": entry.wait_key,
            "entry": entry.entry_id,
            "reason": entry.last_error or "not applied yet",
        }
        audit.record(session, actor=actor, action="review.input_reported", review_id=row.review_id, detail=detail)
    return True


def sweep(
    factory: SessionFactory,
    runs: RunBridge,
    *,
    actor: str,
    now: datetime | None = None,
    report_after: timedelta = REPORT_AFTER,
) -> InboxSweep:
    """Hand over every input still received, oldest first; tell the operators of those waiting too long.

    Stops handing over at the first sign that Prefect is unreachable (the rest wait for the next sweep), but
    still reports: an input that cannot reach its run is exactly what the operators must hear of."""
    at = now or system_now()
    result = InboxSweep()
    with session_scope(factory) as session:
        waiting = received(session)
    for entry in waiting:
        if not result.unavailable:
            outcome = hand_over(factory, runs, entry.entry_id, actor=actor, now=at)
            result.count(outcome)
            result.unavailable = outcome is HandOver.UNAVAILABLE
        if entry.reported_at is None and at - as_utc(entry.received_at) >= report_after:
            fresh = line(factory, entry.entry_id)
            if fresh.status == InboxStatus.RECEIVED and _report(factory, fresh, at, actor):
                result.reported.append(entry.reference)
    return result


def take_from_run(
    session: Session, reference: str, wait_number: int, given: Mapping[str, Any], *, now: datetime
) -> InboxEntry:
    """The run's own door: the input a person gave through the Prefect UI's Resume form, stored before it is applied.

    When another input already answers the wait (stored first through another door), that one stands and
    the Prefect UI's input is recorded as overtaken: one is recorded, the other is told it was not."""
    review = review_by_reference(session, reference)
    entry = entry_for_wait(session, review.id, wait_number)
    submitted_by = str(given.get("submitted_by") or "unknown")
    if entry is None:
        return store(session, review, given, submitted_by=submitted_by, source="prefect-ui", now=now)
    if dict(entry.form) != dict(given):
        note_overtaken(session, review, entry, submitted_by)
    return entry


def note_overtaken(session: Session, review: Review, entry: InboxEntry, submitted_by: str) -> None:
    """Audit that an input given through Prefect for a wait was not applied: another input answered it first."""
    detail = {"reference": review.reference, "wait": entry.wait_key, "recorded_from": entry.submitted_by}
    audit.record(
        session,
        actor=submitted_by,
        action="review.input_overtaken",
        review_id=review.id,
        detail=detail,
        idempotency_key=f"{review.reference}/{entry.wait_key}/overtaken/{submitted_by}",
    )


def carry_over(
    session: Session, review: Review, given: Mapping[str, Any], *, dead_run_id: str, now: datetime, actor: str
) -> bool:
    """Keep the input a run took but died before recording (kill -9 mid-stage), for the run that replaces it.

    Prefect keeps a resumed run's input on the run; when no input answers the review's open wait in the
    inbox, that one is stored there, and the replacement run applies it. False when one already does."""
    if review.stage is None or entry_for_wait(session, review.id, review.wait_number) is not None:
        return False
    submitted_by = str(given.get("submitted_by") or "unknown")
    store(session, review, given, submitted_by=submitted_by, source="carried-over", now=now)
    detail = {"reference": review.reference, "stage": review.stage, "from_run": dead_run_id}
    audit.record(session, actor=actor, action="review.input_carried_over", review_id=review.id, detail=detail)
    return True
