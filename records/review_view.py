"""A review as the orchestration may see it: reference, stage, dates and deadlines; nothing personal.

``ReviewView`` is what tasks pass to flows, to Prefect artifacts and to the CLI's
status: no child's name, date of birth or free text ever goes into it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from records.models import AuditEntry, ClockEvent, Review
from records.models.reviews import REVIEW_DATES, wait_key
from records.review_progress import ACCEPTED, REFUSED, review_by_reference

STAGE_DATE_COLUMNS = REVIEW_DATES


@dataclass(frozen=True, slots=True)
class DeadlineLine:
    key: str
    due_on: date
    owner: str
    met_on: date | None
    is_open: bool
    advisory: bool
    breach: bool = False
    earliest_lawful_on: date | None = None  # cannot be met lawfully: the first day its document may be issued


@dataclass(frozen=True, slots=True)
class EscalationLine:
    deadline_key: str
    ladder_step: str
    due_on: date
    recipient_roles: str
    status: str


@dataclass(frozen=True, slots=True)
class ReviewView:
    reference: str
    cycle_number: int
    stage: int | None
    setting_urn: str
    outcome: str | None
    stage_dates: tuple[tuple[str, date], ...]
    deadlines: tuple[DeadlineLine, ...]
    escalations: tuple[EscalationLine, ...]
    flow_run_id: str | None
    last_refusal: tuple[tuple[str, str], ...]
    wait_number: int = 1

    @property
    def wait_key(self) -> str | None:
        """The key of the review's one open wait (``stage-<n>-<wait number>``), None once complete."""
        return None if self.stage is None else wait_key(self.stage, self.wait_number)


def _last_refusal(session: Session, review: Review) -> tuple[tuple[str, str], ...]:
    """The problems of the latest input if it was refused, else nothing."""
    latest = session.scalar(
        select(AuditEntry)
        .where(AuditEntry.review_id == review.id, AuditEntry.action.in_((ACCEPTED, REFUSED)))
        .order_by(AuditEntry.id.desc())
        .limit(1)
    )
    if latest is None or latest.action != REFUSED:
        return ()
    return tuple((field, message) for field, message in latest.detail.get("problems", []))


def review_view(session: Session, reference: str) -> ReviewView:
    """Return what may be shown of a review outside the records."""
    review = review_by_reference(session, reference)
    escalations = session.scalars(
        select(ClockEvent)
        .where(ClockEvent.review_id == review.id, ClockEvent.recipient_roles.is_not(None))
        .order_by(ClockEvent.due_on, ClockEvent.id)
    )
    return ReviewView(
        reference=review.reference,
        cycle_number=review.cycle_number,
        stage=review.stage,
        setting_urn=review.plan.setting.urn,
        outcome=review.decision_outcome,
        stage_dates=tuple((name, value) for name in STAGE_DATE_COLUMNS if (value := getattr(review, name))),
        deadlines=tuple(
            DeadlineLine(d.key, d.due_on, d.owner, d.met_on, d.is_open, d.advisory, d.breach, d.earliest_lawful_on)
            for d in review.deadlines
        ),
        escalations=tuple(
            EscalationLine(e.deadline_key, e.ladder_step, e.due_on, e.recipient_roles or "", e.status)
            for e in escalations
        ),
        flow_run_id=review.flow_run_id,
        last_refusal=_last_refusal(session, review),
        wait_number=review.wait_number,
    )
