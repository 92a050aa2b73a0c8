"""The records-only acts as a door calls them: one transaction each, on the business date, no Prefect.

``ehcp mediation-certificate``, ``ehcp interim-review`` and ``ehcp named-institution`` and the front door's pages
and API call these. A mediation certificate that changes the record queues the family's letter giving the later
appeal date (HESC r20(1)(c)(ii)) in the outbox in the same transaction, dated the business date; the clock's outbox
sweep delivers it. Nothing here reaches a review's run: these acts move no stage.
"""

from __future__ import annotations

from datetime import date

from notices.kinds import MessageKind
from records.models import Review
from records.review_acts import (
    ActOutcome,
    record_interim_review,
    record_mediation_certificate,
    record_named_institution,
)
from records.session import SessionFactory, session_scope
from rules.calendar import IsWorkingDay
from rules.ladder import Role
from rules.rule_set import RuleSet
from services.family_letters import enqueue_family_letter
from services.setup import business_date

__all__ = ["interim_review", "mediation_certificate", "mediation_letter_key", "named_institution"]


def mediation_letter_key(reference: str, issued_on: date) -> str:
    """Return the outbox key of the family's letter about a certificate (a corrected date writes again)."""
    return f"{reference}/letter/appeal-after-mediation-{issued_on.isoformat()}/{Role.FAMILY}"


def mediation_certificate(
    factory: SessionFactory,
    reference: str,
    issued_on: date,
    *,
    actor: str,
    rule_set: RuleSet,
    is_working_day: IsWorkingDay,
    today: date | None = None,
) -> ActOutcome:
    """Record a mediation certificate and queue the family's letter with the later appeal date; raise ActRefused.

    ``today`` is the business date (default: ``services.setup``); the letter is dated it.
    """
    with session_scope(factory) as session:
        today = today or business_date(session)
        outcome = record_mediation_certificate(
            session, reference, issued_on, today=today, actor=actor, rule_set=rule_set, is_working_day=is_working_day
        )
        if outcome.changed:
            enqueue_family_letter(
                session,
                session.get_one(Review, outcome.review_id),
                idempotency_key=mediation_letter_key(reference, issued_on),
                on=today,
                kind=MessageKind.APPEAL_AFTER_MEDIATION,
                as_of=today,
            )
    return outcome


def interim_review(
    factory: SessionFactory,
    reference: str,
    held_on: date,
    *,
    actor: str,
    rule_set: RuleSet,
    is_working_day: IsWorkingDay,
) -> ActOutcome:
    """Record an under-5's interim review (CoP 9.178); raise ActRefused."""
    with session_scope(factory) as session:
        return record_interim_review(
            session,
            reference,
            held_on,
            today=business_date(session),
            actor=actor,
            rule_set=rule_set,
            is_working_day=is_working_day,
        )


def named_institution(factory: SessionFactory, reference: str, urn: str, *, actor: str) -> ActOutcome:
    """Record the school or college the amended plan names; raise ActRefused."""
    with session_scope(factory) as session:
        return record_named_institution(session, reference, urn, actor=actor)
