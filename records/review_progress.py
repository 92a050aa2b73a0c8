"""Moving a stored review on: a stage input applied to the record once, or refused with reasons.

``apply_input`` is idempotent by ``idempotency_key`` (the review and its wait
key): the first call writes the stage dates, the recomputed deadlines, the next
wait number and an audit row in one transaction; any later call with the same
key finds that audit row and returns the outcome it recorded, writing nothing.
A refusal is recorded the same way (the person's attempt is in the audit log
too) and also moves the review to its next wait, so the run asks again.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import date
from enum import Enum
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from records import audit
from records.derived import derived_from
from records.models import AuditEntry, DeadlineRecord, Review
from records.models.reviews import REVIEW_DATES
from records.review_facts import review_facts
from rules.calendar import IsWorkingDay
from rules.errors import Problem
from rules.facts import ReviewFacts
from rules.rule_set import RuleSet
from rules.transitions import StageInput, apply_stage_input, recorded_notes

ACCEPTED = "review.input_accepted"
REFUSED = "review.input_refused"


@dataclass(frozen=True, slots=True)
class InputOutcome:
    """What became of one input: accepted (and the stage now), or refused with every problem."""

    reference: str
    accepted: bool
    stage: int | None
    problems: tuple[tuple[str, str], ...] = ()
    business_date: date | None = None
    """The business date the input was judged on (persisted in its audit row)."""
    notes: tuple[tuple[str, str], ...] = ()
    """Accepted but worth saying: a duty done late, a breach kept as history (field, message)."""

    def to_detail(self) -> dict[str, Any]:
        return {
            "accepted": self.accepted,
            "stage": self.stage,
            "problems": [list(p) for p in self.problems],
            "business_date": self.business_date.isoformat() if self.business_date else None,
            "notes": [list(n) for n in self.notes],
        }


class UnknownReview(LookupError):
    """No review has this reference."""


def review_by_reference(session: Session, reference: str) -> Review:
    """Return the review with this reference, or raise UnknownReview."""
    review = session.scalar(select(Review).where(Review.reference == reference))
    if review is None:
        raise UnknownReview(f"no review has the reference {reference!r}")
    return review


def _recorded(session: Session, idempotency_key: str) -> InputOutcome | None:
    entry = session.scalar(select(AuditEntry).where(AuditEntry.idempotency_key == idempotency_key))
    if entry is None:
        return None
    detail = entry.detail
    problems = tuple((field, message) for field, message in detail.get("problems", []))
    judged_on = date.fromisoformat(detail["business_date"]) if detail.get("business_date") else None
    notes = tuple((field, message) for field, message in detail.get("notes", []))
    return InputOutcome(detail["reference"], detail["accepted"], detail["stage"], problems, judged_on, notes)


def write_facts(
    session: Session, review: Review, facts: ReviewFacts, rule_set: RuleSet, is_working_day: IsWorkingDay
) -> None:
    """Write a review's stage facts and everything ``rules/`` derives from them (stage, deadlines, next deadline)."""
    for name in REVIEW_DATES:
        if name == "decision_notified_on":  # written with the decision's outcome, below
            continue
        setattr(review, name, getattr(facts, name))
    if facts.decision is not None:
        review.decision_outcome = str(facts.decision.outcome)
        review.decision_notified_on = facts.decision.notified_on
    derived = derived_from(facts, rule_set, is_working_day=is_working_day)
    for column, value in derived.review_columns.items():
        setattr(review, column, value)
    stored = {row.key: row for row in review.deadlines}
    for values in derived.deadline_rows:
        row = stored.pop(values["key"], None)
        if row is None:  # appended, not review=...: SQLAlchemy 2 does not cascade through the backref
            row = DeadlineRecord(key=values["key"])
            review.deadlines.append(row)
        for column, value in values.items():
            setattr(row, column, value)
    for orphan in stored.values():
        review.deadlines.remove(orphan)


def _audit(
    session: Session, review: Review, outcome: InputOutcome, *, actor: str, idempotency_key: str, given: dict[str, Any]
) -> None:
    detail = {"reference": review.reference, "input": given, **outcome.to_detail()}
    action = ACCEPTED if outcome.accepted else REFUSED
    audit.record(
        session, actor=actor, action=action, review_id=review.id, detail=detail, idempotency_key=idempotency_key
    )


def apply_input(
    session: Session,
    reference: str,
    given: StageInput,
    *,
    idempotency_key: str,
    actor: str,
    today: date,
    rule_set: RuleSet,
    is_working_day: IsWorkingDay,
) -> InputOutcome:
    """Apply a stage input to the stored review once; return the (possibly earlier) outcome."""
    earlier = _recorded(session, idempotency_key)
    if earlier is not None:
        return earlier
    review = review_by_reference(session, reference)
    year_group = year_group_of(review)
    before = review_facts(review)
    result = apply_stage_input(before, given, today=today, year_group=year_group)
    notes: tuple[Problem, ...] = ()
    if result.accepted:
        notes = recorded_notes(before, result.facts, rule_set, is_working_day=is_working_day)
        write_facts(session, review, result.facts, rule_set, is_working_day)
    review.wait_number += 1
    outcome = InputOutcome(
        reference,
        result.accepted,
        review.stage,
        tuple((p.field, p.message) for p in result.problems),
        today,
        tuple((n.field, n.message) for n in notes),
    )
    _audit(session, review, outcome, actor=actor, idempotency_key=idempotency_key, given=plain_input(given))
    return outcome


def record_not_amending_reasons(session: Session, reference: str, reasons: str, *, actor: str) -> None:
    """Hold the reasons of a Reg 22(4) not-amending notice in the records (never in Prefect), for its letter.

    Kept apart from the stage input so the reasons (free text about the child) never enter a flow run's
    input, parameters or logs; the audit row says only that reasons were recorded, not what they are.
    """
    text = reasons.strip()
    if not text:
        raise ValueError("the not-amending notice must give the LA's reasons (Reg 22(4)); they are empty")
    review = review_by_reference(session, reference)
    review.amendments_withdrawn_reasons = text
    detail = {"reference": reference, "characters": len(text)}
    audit.record(session, actor=actor, action="review.not_amending_reasons", review_id=review.id, detail=detail)


def record_refusal(
    session: Session, reference: str, problems: Iterable[Problem], *, idempotency_key: str, actor: str
) -> InputOutcome:
    """Record once that an input was refused before it reached the rules (a form that did not validate)."""
    earlier = _recorded(session, idempotency_key)
    if earlier is not None:
        return earlier
    review = review_by_reference(session, reference)
    review.wait_number += 1
    outcome = InputOutcome(reference, False, review.stage, tuple((p.field, p.message) for p in problems))
    _audit(session, review, outcome, actor=actor, idempotency_key=idempotency_key, given={})
    return outcome


def plain_input(given: StageInput) -> dict[str, Any]:
    """Return the input as JSON-ready values for the audit row (dates as ISO text, enums as values)."""
    plain: dict[str, Any] = {}
    for name, value in asdict(given).items():
        plain[name] = (
            value.isoformat() if isinstance(value, date) else value.value if isinstance(value, Enum) else value
        )
    return plain


def year_group_of(review: Review) -> int | None:
    """Return the child's year group as a number (``Y9``, ``9`` -> 9), or None for early years/unknown."""
    value = review.plan.child.year_group
    if value is None:
        return None
    digits = "".join(ch for ch in str(value) if ch.isdigit())
    return int(digits) if digits else None
