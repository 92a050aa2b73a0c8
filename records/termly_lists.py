"""Recording a setting's termly list as sent, once per (setting, term): insert first, then send.

The clock calls ``record_termly_list_sent`` before it sends; True means this call recorded it (send
now), False means it was already recorded (a retry, a replay or a second clock run: do not send).
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from records.models import TermlyListSent


def termly_lists_sent(session: Session, term_id: str) -> set[int]:
    """Return the ids of the settings whose list for ``term_id`` is recorded as sent."""
    return set(session.scalars(select(TermlyListSent.setting_id).where(TermlyListSent.term == term_id)))


def record_termly_list_sent(
    session: Session, *, setting_id: int, term_id: str, sent_on: date, review_count: int
) -> bool:
    """Record the setting's list for the term as sent; return False when it already was (unique key)."""
    if setting_id in termly_lists_sent(session, term_id):
        return False
    try:
        with session.begin_nested():
            session.add(TermlyListSent(setting_id=setting_id, term=term_id, sent_on=sent_on, review_count=review_count))
    except IntegrityError:  # a concurrent clock run recorded it first
        return False
    return True
