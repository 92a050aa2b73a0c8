"""The authority-wide work of the clock: each setting's termly list, queued once, and the caseload summary.

Termly lists (CoP 9.172): for every term starting within the lead time (at least 2 weeks ahead, never one
that has started), each setting with reviews falling due gets its list once. The (setting, term) record is
claimed and the list queued in the outbox in one transaction; the outbox sweep sends it (rendered from the
records at send time) with the same retries and failure reporting as every other message. Results carry
URNs, term ids and counts only. No Prefect: ``tasks.clock`` wraps these and publishes the caseload artifact.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from notices.kinds import MessageKind
from notices.planning import OutboxChannel
from records.outbox import enqueue
from records.session import session_scope
from records.termly_lists import record_termly_list_sent
from reports.caseload import caseload_summary
from reports.termly import SettingList, termly_list
from reports.terms import Term, terms_needing_lists
from rules.ladder import Role
from services.setup import authority_terms, session_factory

__all__ = ["caseload_rows", "queue_termly_lists", "termly_key"]


def caseload_rows(today: date) -> list[dict[str, Any]]:
    """The "caseload" table: per setting, open reviews, due this term, overdue by stage."""
    with session_scope(session_factory()) as session:
        return caseload_summary(session, today, authority_terms())


def termly_key(term_id: str, setting_urn: str) -> str:
    """Return the outbox key of a setting's termly list (one per setting and term)."""
    return f"termly/{term_id}/{setting_urn}"


def _queue_once(listed: SettingList, term: Term, today: date) -> str:
    """Claim the (setting, term) and queue its list in the outbox, in one transaction."""
    with session_scope(session_factory()) as session:
        claimed = record_termly_list_sent(
            session, setting_id=listed.setting_id, term_id=term.id, sent_on=today, review_count=len(listed.items)
        )
        if not claimed:
            return "already queued"
        enqueue(
            session,
            idempotency_key=termly_key(term.id, listed.setting_urn),
            review_id=None,
            kind=MessageKind.TERMLY_LIST,
            channel=OutboxChannel.EMAIL,
            recipient_role=Role.SENCO,
            as_of=today,
            setting_id=listed.setting_id,
            term_id=term.id,
        )
    return "queued"


def queue_termly_lists(today: date) -> dict[str, str]:
    """Queue each setting's list for every term that starts soon, once; return what became of each (term/URN)."""
    outcomes: dict[str, str] = {}
    for term in terms_needing_lists(authority_terms(), today):
        with session_scope(session_factory()) as session:
            lists = termly_list(session, term)
        for listed in lists:
            outcomes[f"{term.id}/{listed.setting_urn}"] = _queue_once(listed, term, today)
    return outcomes
