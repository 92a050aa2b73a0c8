"""The clock's authority-wide tasks: the "caseload" table artifact, and each setting's termly list, sent once.

Termly lists (CoP 9.172): for every term starting within the lead time (at least 2 weeks ahead, never
one that has started), each setting with reviews falling due gets its list once. The (setting, term)
record is claimed before sending; a send that fails releases the claim, so the next clock run tries
again. Results and logs carry URNs, term ids and counts only.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from prefect import get_run_logger, task
from prefect.artifacts import create_table_artifact
from prefect.cache_policies import NO_CACHE
from sqlalchemy import select

from notices.errors import DeliveryError
from notices.recipients import Recipient
from notices.termly import render_termly_list
from records.models import Setting
from records.session import session_scope
from records.termly_lists import forget_termly_list_sent, record_termly_list_sent
from reports.caseload import caseload_summary
from reports.termly import SettingList, termly_list
from reports.terms import Term, load_terms, terms_needing_lists
from rules.ladder import Role
from tasks.db import session_factory, settings
from tasks.notice_setup import la_directory, open_channel


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


def _send(listed: SettingList, term: Term, senco: Recipient) -> None:
    message = render_termly_list(
        setting_urn=listed.setting_urn,
        setting_name=listed.setting_name,
        term_id=term.id,
        term_name=f"the {term.season} term {term.starts_on.year}",
        term_starts_on=term.starts_on,
        term_ends_on=term.ends_on,
        items=list(listed.items),
        la=la_directory(),
    )
    with open_channel("email") as channel:
        channel.send(message, senco)


def _senco(setting_id: int) -> Recipient:
    with session_scope(session_factory()) as session:
        setting = session.scalars(select(Setting).where(Setting.id == setting_id)).one()
        return Recipient(Role.SENCO, setting.senco_email, setting.senco_name)


def _send_once(listed: SettingList, term: Term, today: date) -> str:
    with session_scope(session_factory()) as session:
        claimed = record_termly_list_sent(
            session, setting_id=listed.setting_id, term_id=term.id, sent_on=today, review_count=len(listed.items)
        )
    if not claimed:
        return "already sent"
    try:
        _send(listed, term, _senco(listed.setting_id))
    except DeliveryError as exc:
        with session_scope(session_factory()) as session:
            forget_termly_list_sent(session, setting_id=listed.setting_id, term_id=term.id)
        return f"not sent ({exc}); retried next clock run"
    return "sent"


@task(cache_policy=NO_CACHE, persist_result=False)
def send_termly_lists(today: date) -> dict[str, Any]:
    """Send each setting its list for every term that starts soon (at least 2 weeks ahead), once."""
    outcomes: dict[str, Any] = {}
    for term in terms_needing_lists(_terms(), today):
        with session_scope(session_factory()) as session:
            lists = termly_list(session, term)
        for listed in lists:
            outcome = _send_once(listed, term, today)
            outcomes[f"{term.id}/{listed.setting_urn}"] = outcome
            get_run_logger().info("Termly list %s for setting %s: %s", term.id, listed.setting_urn, outcome)
    return outcomes
