"""A plan's whole chronology for an Ombudsman (LGSCO) enquiry: every date, deadline, message and who recorded what.

Given one review's reference, every review cycle of its plan, oldest first, merged into one dated list:

* ``plan``: first issued, transferred in, ceased;
* ``history``: the previous review as imported (meeting, decision, draft, final plan);
* ``fact``: each stage date the records hold (meeting planned and held, invitations, advice, report, decision and
  outcome, amendment notice, final plan, cease notice, not-amending notice, mediation certificate, interim review);
* ``deadline``: each deadline with its last compliant day, who owed it and how it stands on the as-of date
  (``rules.status``: met, met late, missed, open, breach ...);
* ``escalation``: each ladder step the clock recorded, the roles it reached and what became of it;
* ``message``: each outbox message, its kind, the role it went to and where (the address, once sent), its status;
* ``audit``: each audit-log row, with the actor (a staff id or process name) and the action.

Messages carry the family's and staff's addresses, so the chronology goes only to the signed-in manager roles (or
``ehcp``). Times of messages and audit rows are system time, shown in London; the rest are business dates.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from typing import Final

from sqlalchemy import select
from sqlalchemy.orm import Session

from records.models import AuditEntry, ClockEvent, Notification, Review
from records.review_facts import review_facts
from records.review_progress import review_by_reference
from reports.csv_safety import csv_text
from rules.bank_holidays import england_and_wales_working_days
from rules.calendar import LONDON
from rules.consistency import breaches
from rules.deadlines import deadlines_for
from rules.labels import LABELS
from rules.rule_set import ENGLAND_2014
from rules.stages import completed_stages
from rules.status import met_on, status_of

__all__ = ["CHRONOLOGY_COLUMNS", "ChronologyEntry", "chronology", "chronology_csv"]

CHRONOLOGY_COLUMNS: Final = ("date", "time", "review", "kind", "what", "detail", "who")
FACTS: Final = (
    ("meeting_planned_on", "Meeting planned for"),
    ("invitations_sent_on", "Invitations sent"),
    ("advice_circulated_on", "Advice circulated"),
    ("meeting_held_on", "Review meeting held"),
    ("report_sent_on", "Report sent by the setting"),
    ("report_received_on", "Report received by the council"),
    ("decision_notified_on", "Decision notified"),
    ("amendment_notice_sent_on", "Amendment notice (draft amended plan) sent"),
    ("final_plan_issued_on", "Final amended plan issued"),
    ("amendments_withdrawn_on", "Not-amending notice sent (Reg 22(4))"),
    ("cease_notice_sent_on", "Cease notice sent"),
    ("mediation_certificate_on", "Mediation certificate issued"),
    ("interim_review_held_on", "Interim review held (under 5)"),
)
HISTORY: Final = (
    ("previous_meeting_on", "Previous review meeting (imported)"),
    ("previous_decision_on", "Previous review decision (imported)"),
    ("previous_amendment_notice_sent_on", "Previous review's amendment notice (imported)"),
    ("previous_final_plan_issued_on", "Previous review's final plan (imported)"),
)


@dataclass(frozen=True, slots=True)
class ChronologyEntry:
    """One dated line of the chronology."""

    on: date
    time: str
    review: str
    kind: str
    what: str
    detail: str = ""
    who: str = ""

    def cells(self) -> tuple[str, ...]:
        return (self.on.isoformat(), self.time, self.review, self.kind, self.what, self.detail, self.who)


def _london(instant: datetime) -> tuple[date, str]:
    """A system time as London's date and HH:MM (a naive one, as SQLite returns it, is UTC)."""
    local = (instant if instant.tzinfo else instant.replace(tzinfo=UTC)).astimezone(LONDON)
    return local.date(), local.strftime("%H:%M")


def _plan_entries(review: Review) -> list[ChronologyEntry]:
    plan = review.plan
    found = [ChronologyEntry(plan.first_issued_on, "", "", "plan", "First final EHC plan issued")]
    if plan.transferred_in_on is not None:
        found.append(ChronologyEntry(plan.transferred_in_on, "", "", "plan", "Transferred in from another council",
                                     f"from LA {plan.transferred_from_la}"))
    if plan.ceased_on is not None:
        found.append(ChronologyEntry(plan.ceased_on, "", "", "plan", "Plan ceased (no longer maintained)"))
    return found


def _review_entries(review: Review, status: dict[int, str]) -> list[ChronologyEntry]:
    ref = review.reference
    found = [ChronologyEntry(day, "", ref, "history", label) for name, label in HISTORY
             if (day := getattr(review, name)) is not None]
    if review.previous_outcome and review.previous_decision_on:
        found.append(ChronologyEntry(review.previous_decision_on, "", ref, "history",
                                     f"Previous review's outcome: {review.previous_outcome} (imported)"))
    for name, label in FACTS:
        day = getattr(review, name)
        if day is not None:
            detail = f"outcome: {review.decision_outcome}" if name == "decision_notified_on" else ""
            found.append(ChronologyEntry(day, "", ref, "fact", label, detail))
    for deadline in review.deadlines:
        met = f"; done {deadline.met_on}" if deadline.met_on else ""
        found.append(ChronologyEntry(
            deadline.due_on, "", ref, "deadline", f"{LABELS.get(deadline.key, deadline.key)} due",
            f"{status.get(deadline.id, '')}{met}", f"owed by {deadline.owner}",
        ))
    return found


def _clock_entries(session: Session, reviews: dict[int, str]) -> list[ChronologyEntry]:
    query = select(ClockEvent).where(ClockEvent.review_id.in_(reviews)).order_by(ClockEvent.id)
    return [
        ChronologyEntry(event.due_on, "", reviews[event.review_id], "escalation",
                        f"{LABELS.get(event.deadline_key, event.deadline_key)}: {event.ladder_step}",
                        event.status, (event.recipient_roles or "").replace(",", ", "))
        for event in session.scalars(query)
    ]


def _message_entries(session: Session, reviews: dict[int, str]) -> list[ChronologyEntry]:
    query = select(Notification).where(Notification.review_id.in_(reviews)).order_by(Notification.id)
    found = []
    for message in session.scalars(query):
        when = message.sent_at or message.queued_at
        on, time = _london(when) if when is not None else (message.due_on or message.as_of or date.min, "")
        address = f": {message.recipient_address}" if message.recipient_address else ""
        to = f"{message.recipient_role} ({message.channel}{address})"
        found.append(ChronologyEntry(on, time, reviews[message.review_id or 0], "message", message.template,
                                     message.status + (f": {message.last_error}" if message.last_error else ""), to))
    return found


def _audit_entries(session: Session, reviews: dict[int, str]) -> list[ChronologyEntry]:
    query = select(AuditEntry).where(AuditEntry.review_id.in_(reviews)).order_by(AuditEntry.id)
    found = []
    for entry in session.scalars(query):
        on, time = _london(entry.at)
        detail = ", ".join(f"{k}={v}" for k, v in sorted((entry.detail or {}).items()) if k != "reference")
        found.append(ChronologyEntry(on, time, reviews[entry.review_id or 0], "audit", entry.action, detail,
                                     entry.actor))
    return found


def _statuses(reviews: Iterable[Review], as_of: date) -> dict[int, str]:
    """Each stored deadline's status on ``as_of`` (by ``rules.status``, on the stored last compliant day)."""
    working = england_and_wales_working_days()
    found: dict[int, str] = {}
    for review in reviews:
        facts = review_facts(review)
        broken, done = breaches(facts, ENGLAND_2014), completed_stages(facts)
        rows = {row.key: row for row in review.deadlines}
        for deadline in deadlines_for(facts, ENGLAND_2014, is_working_day=working):
            row = rows.get(deadline.key)
            if row is not None:
                stored = replace(deadline, due_on=row.due_on, owner=type(deadline.owner)(row.owner))
                found[row.id] = str(status_of(stored, met_on(deadline.key, facts), done, as_of, broken))
    return found


def chronology(session: Session, reference: str, as_of: date) -> list[ChronologyEntry]:
    """Return the chronology of the plan of review ``reference``, oldest first (raise UnknownReview)."""
    plan = review_by_reference(session, reference).plan
    reviews: Sequence[Review] = sorted(plan.reviews, key=lambda each: each.cycle_number)
    ids = {review.id: review.reference for review in reviews}
    status = _statuses(reviews, as_of)
    found = _plan_entries(reviews[0])
    for review in reviews:
        found += _review_entries(review, status)
    found += _clock_entries(session, ids) + _message_entries(session, ids) + _audit_entries(session, ids)
    order = {"plan": 0, "history": 1, "fact": 2, "deadline": 3, "escalation": 4, "message": 5, "audit": 6}
    return sorted(found, key=lambda entry: (entry.on, order[entry.kind], entry.time, entry.review))


def chronology_csv(entries: Sequence[ChronologyEntry]) -> str:
    """Return the chronology as CSV (``CHRONOLOGY_COLUMNS``; cells escaped, ``reports.csv_safety``)."""
    return csv_text(CHRONOLOGY_COLUMNS, (entry.cells() for entry in entries))
