"""What the statutory clock finds due, recorded once: ladder events of open deadlines, and ended waits.

Persistence only: the clock's service layer (``services.escalation``) decides what to send.

Selection is an indexed query: only open deadlines whose next ladder step has
come (``next_step_on`` <= the business date, ``ix_deadlines_open_next_step_on``),
never a scan of every review. A ceased plan (CFA s45) has no ladder: its
deadlines record no event and leave the work list, and an event recorded
before the cease is no longer due (``records.ceased_plans``). The ladder itself is applied by
``rules.escalations`` to those few rows, and each one's ``next_step_on`` moves
on to its next step (or None when its ladder is done). Each event
is inserted with ON CONFLICT DO NOTHING on its unique (review, deadline key,
step), so concurrent, repeated or restarted clock runs record it once.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Final

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from records.models import ClockEvent, DeadlineRecord, EventStatus, Plan, PlanStatus, Review
from records.queries import chunked
from rules.calendar import IsWorkingDay
from rules.deadlines import Deadline, Owner, gets_family_letter
from rules.escalations import LadderEvent, escalations_due
from rules.ladder import LadderStep, Role
from rules.stages import Stage

WAIT_ENDED: Final = "wait-ended"
WAITS: Final = ("representations_close",)
MARK_CHUNK: Final = 5_000  # ids per UPDATE: far under every backend's bind-parameter limit


@dataclass(frozen=True, slots=True)
class ClockRecord:
    """What one clock pass recorded: new events, and the reviews that now have events to act on."""

    new_events: int
    new_escalations: int
    reviews_with_pending: tuple[str, ...]


def _insert_ignoring_duplicates(session: Session, model: Any, rows: list[dict[str, Any]]) -> int:
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    statement: Any = postgresql.insert(model) if dialect == "postgresql" else sqlite.insert(model)
    result = session.execute(statement.on_conflict_do_nothing(), rows)
    return int(getattr(result, "rowcount", 0) or 0)


def _candidates(session: Session, today: date) -> list[Any]:
    """Open deadlines whose next ladder step has come: the partial index on next_step_on answers this."""
    query = select(
        DeadlineRecord.id,
        DeadlineRecord.review_id,
        DeadlineRecord.key,
        DeadlineRecord.due_on,
        DeadlineRecord.owner,
        DeadlineRecord.stage,
        DeadlineRecord.advisory,
        DeadlineRecord.earliest_lawful_on,
        (Plan.status == PlanStatus.CEASED.value).label("ceased"),
    ).join(Review, Review.id == DeadlineRecord.review_id).join(Plan, Plan.id == Review.plan_id)
    return list(session.execute(query.where(DeadlineRecord.is_open, DeadlineRecord.next_step_on <= today)))


def _as_deadline(row: Any) -> Deadline:
    stage = Stage(row.stage) if row.stage is not None else None
    return Deadline(
        row.key,
        row.due_on,
        Owner(row.owner),
        stage,
        "",
        advisory=row.advisory,
        family_letter=gets_family_letter(row.key),
        earliest_lawful_on=row.earliest_lawful_on,  # no reminder asks for a plan inside the window
    )


def _next_step_after(
    deadline: Deadline, today: date, ladder: Sequence[LadderStep], is_working_day: IsWorkingDay
) -> date | None:
    """The date of the deadline's first ladder step after ``today``, if any is left."""
    later = escalations_due([deadline], frozenset(), date.max, ladder, is_working_day=is_working_day)
    return min((e.due_on for e in later if e.due_on > today), default=None)


@dataclass(frozen=True, slots=True)
class DueEvents:
    """The events due on a business date, and where each candidate deadline's ladder goes next."""

    events: list[tuple[int, LadderEvent]]
    next_steps: dict[int, date | None]  # deadline id -> next step date


def due_ladder_events(
    session: Session, today: date, ladder: Sequence[LadderStep], is_working_day: IsWorkingDay
) -> DueEvents:
    """Return (review id, event) for every ladder step due on or before ``today`` of the candidate deadlines.

    A ceased plan's deadline gives no event and leaves the work list (its next step becomes None)."""
    found: list[tuple[int, LadderEvent]] = []
    next_steps: dict[int, date | None] = {}
    for row in _candidates(session, today):
        if row.ceased:
            next_steps[row.id] = None
            continue
        deadline = _as_deadline(row)
        for event in escalations_due([deadline], frozenset(), today, ladder, is_working_day=is_working_day):
            found.append((row.review_id, event))
        next_steps[row.id] = _next_step_after(deadline, today, ladder, is_working_day)
    found.sort(key=lambda pair: (pair[1].due_on, pair[0], pair[1].deadline_key, pair[1].step))
    return DueEvents(found, next_steps)


def _advance(session: Session, next_steps: dict[int, date | None]) -> None:
    rows = [{"id": deadline_id, "next_step_on": on} for deadline_id, on in next_steps.items()]
    if rows:
        session.execute(update(DeadlineRecord), rows)


def _count(session: Session, model: Any) -> int:
    return int(session.scalar(select(func.count()).select_from(model)) or 0)


def _escalation_count(session: Session) -> int:
    return int(session.scalar(select(func.count()).where(ClockEvent.recipient_roles.is_not(None))) or 0)


def _ended_waits(session: Session, today: date) -> list[dict[str, Any]]:
    query = (
        select(DeadlineRecord.review_id, DeadlineRecord.key, DeadlineRecord.due_on)
        .join(Review, Review.id == DeadlineRecord.review_id)
        .where(DeadlineRecord.key.in_(WAITS), DeadlineRecord.due_on < today, Review.stage == int(Stage.PLAN))
    )
    return [
        {
            "review_id": r.review_id,
            "deadline_key": r.key,
            "ladder_step": WAIT_ENDED,
            "due_on": r.due_on + timedelta(days=1),
            "recipient_roles": None,
            "status": EventStatus.PENDING.value,
        }
        for r in session.execute(query)
    ]


def record_due_events(
    session: Session, today: date, ladder: Sequence[LadderStep], is_working_day: IsWorkingDay
) -> ClockRecord:
    """Record every due ladder event and ended wait once; return counts and the reviews with events to act on.

    Reads only the deadlines whose next step has come (``next_step_on``), records their due steps
    (ON CONFLICT DO NOTHING) and moves each one's ``next_step_on`` to its next step, in one transaction.
    """
    due = due_ladder_events(session, today, ladder, is_working_day)
    events = [
        {
            "review_id": review_id,
            "deadline_key": e.deadline_key,
            "ladder_step": e.step,
            "due_on": e.due_on,
            "recipient_roles": ",".join(e.audience),
            "status": EventStatus.PENDING.value,
        }
        for review_id, e in due.events
    ]
    before = (_count(session, ClockEvent), _escalation_count(session))
    _insert_ignoring_duplicates(session, ClockEvent, [*events, *_ended_waits(session, today)])
    _advance(session, due.next_steps)
    new_events = _count(session, ClockEvent) - before[0]
    new_escalations = _escalation_count(session) - before[1]
    return ClockRecord(new_events, new_escalations, tuple(reviews_with_pending_events(session)))


def reviews_with_pending_events(session: Session) -> list[str]:
    """Return the references of reviews with recorded events not yet acted on."""
    query = (
        select(Review.reference)
        .join(ClockEvent, ClockEvent.review_id == Review.id)
        .where(ClockEvent.status == EventStatus.PENDING.value)
        .group_by(Review.reference)
        .order_by(Review.reference)
    )
    return list(session.scalars(query))


@dataclass(frozen=True, slots=True)
class PendingEvent:
    """A recorded event the clock must act on (no personal data)."""

    event_id: int
    deadline_key: str
    ladder_step: str
    due_on: date
    recipient_roles: tuple[str, ...]
    deadline_due_on: date | None
    owner: str | None
    advisory: bool
    still_open: bool = True  # False once the stage is done: the reminder or escalation is no longer due
    stage: int | None = None  # the stage whose deadline this is (an input for it held in the inbox holds it)

    def ladder_event(self) -> LadderEvent:
        """Return the rules' view of this event (for wording and recipients)."""
        return LadderEvent(
            self.deadline_key,
            self.deadline_due_on or self.due_on,
            self.ladder_step,
            self.due_on,
            Owner(self.owner or Owner.NOBODY.value),
            tuple(Role(r) for r in self.recipient_roles),
            self.advisory,
        )


@dataclass(frozen=True, slots=True)
class ReviewEvents:
    """One review's pending events, oldest first, with what the clock needs to act on them."""

    review_id: int
    reference: str
    flow_run_id: str | None
    events: tuple[PendingEvent, ...]


def _pending_query(*where: Any) -> Any:
    deadline = (DeadlineRecord.review_id == ClockEvent.review_id) & (DeadlineRecord.key == ClockEvent.deadline_key)
    columns = (
        DeadlineRecord.due_on,
        DeadlineRecord.owner,
        DeadlineRecord.advisory,
        DeadlineRecord.is_open,
        DeadlineRecord.stage,
        Plan.status,
    )
    return (
        select(ClockEvent, Review.reference, Review.flow_run_id, *columns)
        .join(Review, Review.id == ClockEvent.review_id)
        .join(Plan, Plan.id == Review.plan_id)
        .outerjoin(DeadlineRecord, deadline)
        .where(ClockEvent.status == EventStatus.PENDING.value, *where)
        .order_by(Review.reference, ClockEvent.due_on, ClockEvent.id)
    )


def _pending(row: Any) -> PendingEvent:
    event, _, _, deadline_due_on, owner, advisory, is_open, stage, plan_status = row
    audience = tuple(event.recipient_roles.split(",")) if event.recipient_roles else ()
    ceased = plan_status == PlanStatus.CEASED.value  # the cease ended every duty: the event is no longer due
    still_open = (bool(is_open) and not ceased) or event.ladder_step == WAIT_ENDED
    return PendingEvent(
        event.id,
        event.deadline_key,
        event.ladder_step,
        event.due_on,
        audience,
        deadline_due_on,
        owner,
        bool(advisory),
        still_open,
        stage,
    )


def pending_by_review(session: Session, *, review_id: int | None = None) -> list[ReviewEvents]:
    """Return every review's pending events (one query), by reference; or one review's with ``review_id``."""
    where = [ClockEvent.review_id == review_id] if review_id is not None else []
    grouped: dict[int, ReviewEvents] = {}
    for row in session.execute(_pending_query(*where)):
        event = _pending(row)
        held = grouped.get(row[0].review_id)
        events = (*held.events, event) if held else (event,)
        grouped[row[0].review_id] = ReviewEvents(row[0].review_id, row[1], row[2], events)
    return list(grouped.values())


def claim_event(session: Session, event_id: int, fired_at: Any, status: EventStatus = EventStatus.FIRED) -> bool:
    """Move a pending event to ``status``; False when another clock got there first (a lost race is a skip)."""
    result = session.execute(
        update(ClockEvent)
        .where(ClockEvent.id == event_id, ClockEvent.status == EventStatus.PENDING.value)
        .values(status=status.value, fired_at=fired_at)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


def mark_fired(
    session: Session, event_ids: Iterable[int], fired_at: Any, status: EventStatus = EventStatus.FIRED
) -> int:
    """Mark pending events as acted on (or cancelled, or superseded); return how many this call moved."""
    moved = 0
    for part in chunked(list(event_ids), MARK_CHUNK):  # a first clock over a large caseload settles 76,000 at once:
        result = session.execute(  # one IN list would pass PostgreSQL's 65,535-parameter limit
            update(ClockEvent)
            .where(ClockEvent.id.in_(part), ClockEvent.status == EventStatus.PENDING.value)
            .values(status=status.value, fired_at=fired_at)
            .execution_options(synchronize_session=False)
        )
        moved += int(getattr(result, "rowcount", 0) or 0)
    return moved
