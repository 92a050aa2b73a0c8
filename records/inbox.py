"""The review inbox's rows: store an input for a wait, find it, and settle what became of it.

Persistence only; the service that checks an input, stores it and hands it to the review's run is
``services.inbox``. One row per wait (a unique key on the review and its wait number), so when two
people answer the same wait at once the database lets one in and the other is told at once who got
there first. Times are system times (when it happened), passed in by the caller.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Final
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from records import audit
from records.models import InboxEntry, InboxStatus, Review, StaffUser

RECEIVED = InboxStatus.RECEIVED.value
LONDON: Final = ZoneInfo("Europe/London")


class AlreadyReceived(Exception):
    """Another input already answers this wait: who gave it, when, and what became of it."""

    def __init__(self, entry: InboxEntry) -> None:
        super().__init__(f"an input for stage {entry.stage} was already received from {entry.submitted_by}")
        self.submitted_by = entry.submitted_by
        self.received_at = entry.received_at
        self.status = entry.status
        self.stage = entry.stage


@dataclass(frozen=True, slots=True)
class InboxLine:
    """What may be shown of an input outside the records: no personal data (the form is non-personal)."""

    entry_id: int
    reference: str
    stage: int
    wait_key: str
    submitted_by: str
    source: str
    status: str
    received_at: datetime
    handed_over_at: datetime | None
    settled_at: datetime | None
    last_error: str | None
    reported_at: datetime | None
    outcome: Mapping[str, Any]

    @property
    def received_text(self) -> str:
        return london_time(self.received_at)

    @property
    def problems(self) -> tuple[tuple[str, str], ...]:
        return tuple((str(f), str(m)) for f, m in self.outcome.get("problems", []))

    @property
    def notes(self) -> tuple[tuple[str, str], ...]:
        return tuple((str(f), str(m)) for f, m in self.outcome.get("notes", []))

    @property
    def stage_after(self) -> int | None:
        value = self.outcome.get("stage")
        return int(value) if value is not None else None


def as_utc(moment: datetime) -> datetime:
    """An instant read back from the records, made aware (SQLite hands back naive UTC)."""
    return moment if moment.tzinfo is not None else moment.replace(tzinfo=UTC)


def london_time(moment: datetime) -> str:
    """An instant as people read it on a page or in a message: "4 Dec 2026 10:42" in London time."""
    local = as_utc(moment).astimezone(LONDON)
    return f"{local.day} {local:%b %Y %H:%M}"


def line_of(entry: InboxEntry, reference: str) -> InboxLine:
    return InboxLine(
        entry.id,
        reference,
        entry.stage,
        entry.wait_key,
        entry.submitted_by,
        entry.source,
        entry.status,
        entry.received_at,
        entry.handed_over_at,
        entry.settled_at,
        entry.last_error,
        entry.reported_at,
        dict(entry.outcome or {}),
    )


def entry_for_wait(session: Session, review_id: int, wait_number: int) -> InboxEntry | None:
    """Return the input that answers the review's wait, whatever its status, or None."""
    return session.scalar(
        select(InboxEntry).where(InboxEntry.review_id == review_id, InboxEntry.wait_number == wait_number)
    )


def received_for_wait(session: Session, review_id: int, wait_number: int) -> InboxEntry | None:
    """Return the input received for the wait and not yet applied, or None."""
    entry = entry_for_wait(session, review_id, wait_number)
    return entry if entry is not None and entry.status == RECEIVED else None


def store(
    session: Session,
    review: Review,
    form: Mapping[str, Any],
    *,
    submitted_by: str,
    source: str,
    now: datetime,
) -> InboxEntry:
    """Store an input for the review's open wait and audit its receipt; raise AlreadyReceived if one is there.

    ``INSERT ... ON CONFLICT DO NOTHING`` on the wait's unique key: of two people storing at once, one row
    goes in and the other is told who got there first, and the caller's transaction stays usable."""
    assert review.stage is not None, "a complete review has no wait"
    earlier = entry_for_wait(session, review.id, review.wait_number)
    if earlier is not None:
        raise AlreadyReceived(earlier)
    values = {
        "review_id": review.id,
        "stage": review.stage,
        "wait_number": review.wait_number,
        "form": dict(form),
        "submitted_by": submitted_by,
        "source": source,
        "status": RECEIVED,
        "received_at": now,
    }
    dialect = session.get_bind().dialect.name
    insert: Any = postgresql.insert(InboxEntry) if dialect == "postgresql" else sqlite.insert(InboxEntry)
    statement = insert.values(**values).on_conflict_do_nothing().returning(InboxEntry.id)
    new_id = session.execute(statement).scalar()  # None: a lost race inserted nothing
    entry = entry_for_wait(session, review.id, review.wait_number)
    assert entry is not None
    if new_id is None:
        raise AlreadyReceived(entry)
    audit.record(
        session,
        actor=submitted_by,
        action="review.input_received",
        review_id=review.id,
        detail={"reference": review.reference, "wait": entry.wait_key, "source": source, "entry": entry.id},
    )
    return entry


def settle(
    session: Session,
    entry: InboxEntry,
    status: InboxStatus,
    *,
    now: datetime,
    outcome: Mapping[str, Any] | None = None,
    reason: str | None = None,
) -> None:
    """Mark what became of an input (applied, refused or superseded); settled once, later calls change nothing."""
    if entry.status != RECEIVED:
        return
    entry.status = status.value
    entry.settled_at = now
    entry.outcome = dict(outcome) if outcome is not None else entry.outcome
    entry.last_error = reason[:500] if reason else None


def note_handed_over(session: Session, entry_id: int, *, now: datetime, error: str | None = None) -> None:
    """Record that the input was handed to the run (or why it could not be, which the person is shown)."""
    entry = session.get(InboxEntry, entry_id)
    if entry is None or entry.status != RECEIVED:
        return
    if error is None:
        entry.handed_over_at, entry.last_error = now, None
    else:
        entry.last_error = error[:500]


def received(session: Session, *, limit: int | None = None) -> list[InboxLine]:
    """Every input received and not yet applied, oldest first."""
    query = (
        select(InboxEntry, Review.reference)
        .join(Review, Review.id == InboxEntry.review_id)
        .where(InboxEntry.status == RECEIVED)
        .order_by(InboxEntry.received_at, InboxEntry.id)
        .limit(limit)
    )
    return [line_of(entry, reference) for entry, reference in session.execute(query)]


def latest_for_review(session: Session, review_id: int) -> InboxLine | None:
    """The review's most recent input, whatever became of it (what its page shows)."""
    found = session.execute(
        select(InboxEntry, Review.reference)
        .join(Review, Review.id == InboxEntry.review_id)
        .where(InboxEntry.review_id == review_id)
        .order_by(InboxEntry.id.desc())
        .limit(1)
    ).first()
    return line_of(found[0], found[1]) if found else None


def line_by_id(session: Session, entry_id: int) -> InboxLine | None:
    found = session.execute(
        select(InboxEntry, Review.reference)
        .join(Review, Review.id == InboxEntry.review_id)
        .where(InboxEntry.id == entry_id)
    ).first()
    return line_of(found[0], found[1]) if found else None


def held_stages(session: Session) -> dict[int, int]:
    """Review id -> the stage of its input received and not yet reported: the ladder holds that stage's messages.

    Once the operators have been told the input was not applied in time, the hold ends and the ladder says
    what is true of the record."""
    query = select(InboxEntry.review_id, InboxEntry.stage).where(
        InboxEntry.status == RECEIVED, InboxEntry.reported_at.is_(None)
    )
    return {int(review_id): int(stage) for review_id, stage in session.execute(query).all()}


def submitter_of(session: Session, submitted_by: str) -> tuple[str, str] | None:
    """The work email and role of the front-door account that gave an input, or None (a command, the run)."""
    found = session.execute(
        select(StaffUser.email, StaffUser.role).where(StaffUser.staff_id == submitted_by)
    ).first()
    return (str(found[0]), str(found[1])) if found else None
