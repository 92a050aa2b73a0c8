"""The clock's authority-wide tasks: the "caseload" table artifact, and each setting's termly list, sent once.

Termly lists (CoP 9.172): for every term starting within the lead time (at least 2 weeks ahead, never
one that has started), each setting with reviews falling due gets its list once. The (setting, term)
record is claimed and the list queued in the outbox in one transaction; the outbox sweep sends it
(rendered from the records at send time) with the same retries and failure reporting as every other
message. Results and logs carry URNs, term ids and counts only.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE

from notices.kinds import MessageKind
from notices.planning import OutboxChannel
from records.outbox import enqueue
from records.session import session_scope
from records.termly_lists import record_termly_list_sent
from reports.caseload import caseload_summary
from reports.termly import SettingList, termly_list
from reports.terms import Term, load_terms, terms_needing_lists
from rules.ladder import Role
from tasks.db import session_factory, settings


def _terms() -> tuple[Term, ...]:
    return tuple(load_terms(settings().term_dates_file).terms)


@task(cache_policy=NO_CACHE, persist_result=False)
def publish_caseload(today: date) -> int:
    """Refresh the "caseload" table artifact: per setting, open reviews, due this term, overdue by stage."""
    with session_scope(session_factory()) as session:
        rows = caseload_summary(session, today, _terms())
    create_table_artifact(
        table=rows, key="caseload", description=f"The authority's caseload on {today:%a %d %b %Y}, per setting"
    )
    return len(rows)


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


@task(name="queue termly lists", cache_policy=NO_CACHE, persist_result=False)
def send_termly_lists(today: date) -> dict[str, Any]:
    """Queue each setting's list for every term that starts soon (at least 2 weeks ahead), once; the
    outbox sweep sends it (rendered from the records then) and retries it like any other message."""
    outcomes: dict[str, Any] = {}
    for term in terms_needing_lists(_terms(), today):
        with session_scope(session_factory()) as session:
            lists = termly_list(session, term)
        for listed in lists:
            outcome = _queue_once(listed, term, today)
            outcomes[f"{term.id}/{listed.setting_urn}"] = outcome
            get_run_logger().info("Termly list %s for setting %s: %s", term.id, listed.setting_urn, outcome)
    return outcomes
