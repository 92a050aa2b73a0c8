"""A stage applied to the record: the stored input judged, written and its letters queued, once.

The stage task (``tasks.review``) calls ``apply_stage`` for the wait the run is at, in one records
transaction: the input the review's inbox holds for that wait is judged on the business date, the facts,
deadlines and next wait number are written, the stage's letters are queued in the outbox, and the inbox row
is settled (applied or refused). The audit row is keyed by the review and its wait, so a replay, a retry
after a crash or a replacement run writes nothing twice. An input given through the Prefect UI's Resume
form is stored in the inbox first (``services.inbox.take_from_run``), like every other input. A completed
review opens its next cycle here too. No Prefect: the task wrapper logs and publishes what it returns.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime
from typing import Any

from pydantic import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from notices.stage_letters import letters_for_stage_input
from records.business_dates import latest_business_date
from records.inbox import entry_for_wait, received_for_wait, settle
from records.models import InboxEntry, InboxStatus, Review
from records.models.reviews import wait_number_of
from records.outbox import enqueue
from records.review_progress import InputOutcome, apply_input, record_refusal, review_by_reference
from records.review_view import ReviewView, review_view
from records.session import session_scope
from records.system_time import system_now
from rules.errors import Problem
from rules.ladder import Role
from rules.stages import Stage
from rules.transitions import StageInput
from services.family_letters import carried_by_unsent, enqueue_family_letter
from services.forms import FORMS, form_problems, to_stage_input
from services.inbox import note_overtaken, take_from_run
from services.meeting_record import queue_meeting_record
from services.rendering import letter_reach
from services.setup import business_date, rule_set, session_factory, settings, working_days

__all__ = [
    "apply_entry",
    "apply_stage",
    "has_received_input",
    "input_key",
    "open_next_review",
    "queue_letters",
    "read_review",
    "record_form_refusal",
    "recorded_business_date",
]


def input_key(review_ref: str, wait_key: str) -> str:
    """The audit log's idempotency key of the input answered at one wait of one review."""
    return f"{review_ref}/{wait_key}"


def read_review(review_ref: str) -> ReviewView:
    """Return the review as the record holds it now (read fresh on every replay; a read is not a task)."""
    with session_scope(session_factory()) as session:
        return review_view(session, review_ref)


def recorded_business_date() -> date | None:
    """The latest business date the records hold (the clock's last run): a review run reads no wall clock."""
    with session_scope(session_factory()) as session:
        return latest_business_date(session)


def has_received_input(review_ref: str, wait_number: int) -> bool:
    """Whether an input waits in the review's inbox for this wait (the run applies it before it would wait)."""
    with session_scope(session_factory()) as session:
        review_id = session.scalars(select(Review.id).where(Review.reference == review_ref)).one()
        return received_for_wait(session, review_id, wait_number) is not None


def queue_letters(session: Session, review_ref: str, given: StageInput, today: date | None = None) -> int:
    """Put the letters of an accepted stage input in the outbox (once each); return how many it queued.

    ``notices.stage_letters`` decides which letters go to whom from the records' reach (a setting to copy, a
    school or college the plan names); the family's letter goes to each lawful addressee by each channel
    (``services.family_letters``, on the business date ``today``); a cease notice on the decision's own day rides
    on each addressee's unsent decision letter."""
    review = session.scalars(select(Review).where(Review.reference == review_ref)).one()
    letters = letters_for_stage_input(
        review_ref, given, reach=letter_reach(review), decided_on=review.decision_notified_on
    )
    on = today or business_date(session)
    queued = 0
    for letter in letters:
        if letter.recipient_role is Role.FAMILY:
            queued += len(enqueue_family_letter(
                session, review, idempotency_key=letter.idempotency_key, on=on, unless_unsent=letter.unless_unsent,
                kind=letter.kind,
            ))  # fmt: skip
            continue
        if letter.unless_unsent is not None and carried_by_unsent(session, letter.unless_unsent):
            continue
        enqueue(
            session,
            idempotency_key=letter.idempotency_key,
            review_id=review.id,
            kind=letter.kind,
            channel="email",
            recipient_role=letter.recipient_role,
        )
        queued += 1
    return queued


def apply_entry(session: Session, review_ref: str, wait_key: str, entry: InboxEntry, *, now: datetime) -> InputOutcome:
    """Judge the stored input on the business date, write it and its letters once, and settle the entry."""
    try:
        form = FORMS[Stage(entry.stage)].model_validate(entry.form)
    except ValidationError as exc:
        outcome = record_refusal(
            session, review_ref, form_problems(exc), idempotency_key=input_key(review_ref, wait_key),
            actor=entry.submitted_by,
        )  # fmt: skip
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
            queue_letters(session, review_ref, given, business_date(session))
            if Stage(entry.stage) is Stage.REPORT:  # the sent record to the family and every invitee, once each
                queue_meeting_record(session, review_by_reference(session, review_ref), business_date(session))
    status = InboxStatus.APPLIED if outcome.accepted else InboxStatus.REFUSED
    settle(session, entry, status, now=now, outcome=outcome.to_detail())
    return outcome


def apply_stage(
    review_ref: str,
    wait_key: str,
    given: Mapping[str, Any] | None = None,
    *,
    prefect_response: Mapping[str, Any] | None = None,
) -> InputOutcome:
    """Apply the input stored for the review's wait once, queue its letters, and settle the input, in one transaction.

    ``given`` is the input the run was resumed with when no door stored one first (a person answered through
    the Prefect UI's Resume form): it is stored in the inbox before it is applied. ``prefect_response`` is what
    Prefect holds as the answer to this wait, when the run applied a stored input without waiting: if a person
    gave another one through the Prefect UI, it is audited as overtaken (one is recorded, the other is told)."""
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
        if prefect_response is not None and dict(prefect_response) != dict(entry.form):
            note_overtaken(session, review, entry, str(prefect_response.get("submitted_by") or "unknown"))
        return apply_entry(session, review_ref, wait_key, entry, now=now)


def record_form_refusal(review_ref: str, wait_key: str, problems: list[Problem]) -> InputOutcome:
    """Record once that a form given through Prefect did not validate, naming each field; the run asks again."""
    with session_scope(session_factory()) as session:
        return record_refusal(
            session, review_ref, problems, idempotency_key=input_key(review_ref, wait_key), actor=settings().actor
        )


def open_next_review(review_ref: str) -> str | None:
    """Create the next cycle's review of a completed one (idempotent); None when the plan ceased.

    Imported when called: it pulls in the caseload importer, which no other stage needs, and every flow-run
    process (one per start and per resume on a work pool) would pay for importing it."""
    from records.next_cycle import open_next_cycle

    with session_scope(session_factory()) as session:
        return open_next_cycle(
            session, review_ref, rule_set=rule_set(), is_working_day=working_days(), actor=settings().actor
        )
