"""What the statutory clock finds due, recorded once: ladder events of open deadlines, and ended waits.

Selection is an indexed query: only open deadlines whose next ladder step has
come (``next_step_on`` <= the business date, ``ix_deadlines_open_next_step_on``),
never a scan of every review; the ladder itself is applied by
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

from records.models import ClockEvent, DeadlineRecord, Escalation, EventStatus, Review
from rules.calendar import IsWorkingDay
from rules.deadlines import Deadline, Owner, gets_family_letter
from rules.escalations import LadderEvent, escalations_due
from rules.ladder import LadderStep, Role
from rules.stages import Stage

WAIT_ENDED: Final = "wait-ended"
WAITS: Final = ("representations_close",)


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
    ).where(DeadlineRecord.is_open, DeadlineRecord.next_step_on <= today)
    return list(session.execute(query))


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
    """Return (review id, event) for every ladder step due on or before ``today`` of the candidate deadlines."""
    found, next_steps = [], {}
    for row in _candidates(session, today):
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
            "status": EventStatus.PENDING.value,
        }
        for r in session.execute(query)
    ]


def record_due_events(
    session: Session, today: date, ladder: Sequence[LadderStep], is_working_day: IsWorkingDay
) -> ClockRecord:
    """Record every due ladder event and ended wait once; return counts and the reviews to wake.

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
            "status": EventStatus.PENDING.value,
        }
        for review_id, e in due.events
    ]
    escalations = [
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
    before = (_count(session, ClockEvent), _count(session, Escalation))
    _insert_ignoring_duplicates(session, ClockEvent, [*events, *_ended_waits(session, today)])
    _insert_ignoring_duplicates(session, Escalation, escalations)
    _advance(session, due.next_steps)
    new_events, new_escalations = _count(session, ClockEvent) - before[0], _count(session, Escalation) - before[1]
    return ClockRecord(new_events, new_escalations, tuple(reviews_with_pending_events(session)))


def reviews_with_pending_events(session: Session) -> list[str]:
    """Return the references of reviews whose recorded events the review run has not yet acted on."""
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
    """A recorded event the review's run must act on (no personal data)."""

    event_id: int
    deadline_key: str
    ladder_step: str
    due_on: date
    recipient_roles: tuple[str, ...]
    deadline_due_on: date | None
    owner: str | None
    advisory: bool
    still_open: bool = True  # False once the stage is done: the reminder or escalation is no longer due

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


def pending_events(session: Session, review_id: int) -> list[PendingEvent]:
    """Return the review's pending events, oldest first, with the roles each escalation reaches."""
    escalation = (
        (Escalation.review_id == ClockEvent.review_id)
        & (Escalation.deadline_key == ClockEvent.deadline_key)
        & (Escalation.ladder_step == ClockEvent.ladder_step)
    )
    deadline = (DeadlineRecord.review_id == ClockEvent.review_id) & (DeadlineRecord.key == ClockEvent.deadline_key)
    columns = (DeadlineRecord.due_on, DeadlineRecord.owner, DeadlineRecord.advisory, DeadlineRecord.is_open)
    query = (
        select(ClockEvent, Escalation.recipient_roles, *columns)
        .outerjoin(Escalation, escalation)
        .outerjoin(DeadlineRecord, deadline)
        .where(ClockEvent.review_id == review_id, ClockEvent.status == EventStatus.PENDING.value)
        .order_by(ClockEvent.due_on, ClockEvent.id)
    )
    found = []
    for event, roles, deadline_due_on, owner, advisory, is_open in session.execute(query):
        audience = tuple(roles.split(",")) if roles else ()
        still_open = bool(is_open) or event.ladder_step == WAIT_ENDED
        found.append(
            PendingEvent(
                event.id,
                event.deadline_key,
                event.ladder_step,
                event.due_on,
                audience,
                deadline_due_on,
                owner,
                bool(advisory),
                still_open,
            )
        )
    return found


def mark_fired(
    session: Session, review_id: int, event_ids: Iterable[int], fired_at: Any, status: EventStatus = EventStatus.FIRED
) -> None:
    """Mark events (and their escalations) as acted on (or cancelled: the deadline was met meanwhile)."""
    ids = list(event_ids)
    if not ids:
        return
    session.execute(update(ClockEvent).where(ClockEvent.id.in_(ids)).values(status=status.value, fired_at=fired_at))
    fired = select(ClockEvent.deadline_key, ClockEvent.ladder_step).where(ClockEvent.id.in_(ids))
    for key, step in session.execute(fired).all():
        session.execute(
            update(Escalation)
            .where(Escalation.review_id == review_id, Escalation.deadline_key == key, Escalation.ladder_step == step)
            .values(status=status.value, fired_at=fired_at)
        )
