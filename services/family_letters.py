"""A family letter queued once per addressee and channel, decided from the records when it is queued.

``rules.addressees`` says who the letter is for on the business date (``rules.school_age``: a child's parents or
carers, a young person, or their representative; parents copied only by the young person's choice); each person
gets one outbox row per channel, keyed ``<the letter's key>/<contact id>/<channel>``, so a replay queues nothing
twice. A review with no family contact on record keeps one row without a person (sent, as before, to the roles
file's post room, whose staff address it by hand); when contacts are on record but the lawful addressee is not,
that one row fails when it is sent, saying who is missing (``services.rendering``). The caseworker sees both on
the review page. Nothing personal is written to the row: ids, the channel and whether it is a copy.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from records.family import family_of, family_on_record
from records.models import Notification, NotificationStatus, Review
from records.outbox import enqueue
from rules.addressees import Addressing, addressees
from rules.ladder import Role
from rules.school_age import is_young_person

__all__ = ["FamilyRow", "addressing_of", "carried_by_unsent", "enqueue_family_letter", "family_rows", "person_key"]


@dataclass(frozen=True, slots=True)
class FamilyRow:
    """One outbox row of a family letter: its key, addressee (None: nobody on record) and channel."""

    idempotency_key: str
    family_contact_id: int | None
    channel: str
    copied: bool = False


def person_key(key: str, contact_id: int, channel: str) -> str:
    """Return the outbox key of one addressee's copy of a family letter by one channel."""
    return f"{key}/{contact_id}/{channel}"


def addressing_of(session: Session, review: Review, on: date) -> Addressing:
    """Return who the review's family letters go to on ``on`` (the law's addressees, or who is missing)."""
    child = review.plan.child
    family = family_on_record(family_of(session, review.plan_id))
    return addressees(family, young_person=is_young_person(child.date_of_birth, on))


def family_rows(session: Session, review: Review, key: str, on: date) -> list[FamilyRow]:
    """Return the rows of one family letter whose role-level key is ``key``, as the records stand on ``on``."""
    found = addressing_of(session, review, on)
    rows = [
        FamilyRow(person_key(key, one.contact_id, channel), one.contact_id, channel, one.copied)
        for one in found.addressees
        for channel in one.channels
    ]
    if found.missing is not None and not any(not row.copied for row in rows):
        rows.insert(0, FamilyRow(key, None, "email"))  # fails when sent, naming who is missing (or the post room)
    return rows


def carried_by_unsent(session: Session, key: str) -> bool:
    """Whether the letter queued under ``key`` is still unsent, so it will carry a later one (rendered at send time).

    Its row is locked first, so a delivery running at the same moment either sends it before (and the later one is
    queued) or after (and renders it as the later one), never neither."""
    earlier = session.scalar(select(Notification).where(Notification.idempotency_key == key).with_for_update())
    return earlier is not None and earlier.status != NotificationStatus.SENT.value


def enqueue_family_letter(
    session: Session, review: Review, *, idempotency_key: str, on: date, unless_unsent: str | None = None,
    **columns: Any,
) -> list[Notification]:
    """Queue a family letter once per addressee and channel; ``unless_unsent`` names the role-level key of a letter
    that, while unsent to the same person, carries this one (a cease notice on the decision's own day)."""
    queued = []
    for row in family_rows(session, review, idempotency_key, on):
        if unless_unsent is not None:
            earlier = unless_unsent if row.family_contact_id is None else person_key(
                unless_unsent, row.family_contact_id, row.channel
            )
            if carried_by_unsent(session, earlier):
                continue
        queued.append(
            enqueue(
                session,
                idempotency_key=row.idempotency_key,
                review_id=review.id,
                channel=row.channel,
                recipient_role=Role.FAMILY,
                family_contact_id=row.family_contact_id,
                family_copy=row.copied or None,
                **columns,
            )
        )
    return queued
