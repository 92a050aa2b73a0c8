"""A queued notification rendered from the records at send time: the message and its one recipient.

Personal data (the child's first name, addresses) is read here, at the last moment, and goes
only into the message body and the recipient; the outbox row and everything Prefect sees hold
the review reference, kind, role and dates only (STATUTORY.md section 8). Only the child's
first name reaches a body; the family is addressed as the child's parent or carer because the
records hold no parent's name. A termly list (no review) and the operators' notice of a failed
message are rendered here too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy.orm import Session

from notices.context import (
    DeliveryFailedContext,
    InputNotAppliedContext,
    NoticeContext,
    ReviewContext,
    cease_notice_letter_context,
    decision_letter_context,
    event_context,
    family_late_letter_context,
    final_plan_letter_context,
    not_amending_letter_context,
)
from notices.errors import RenderError
from notices.kinds import FAMILY_LETTER_KINDS, MessageKind
from notices.planning import failed_notification_id, not_applied_entry_id
from notices.recipients import LaDirectory, Recipient, SettingContacts, recipients_for
from notices.render import RenderedMessage, render_message
from notices.termly import render_termly_list
from records.inbox import london_time
from records.models import InboxEntry, Notification, Review, Setting
from records.outbox import ROLE_SEPARATOR
from records.review_facts import review_facts
from reports.termly import termly_list
from reports.terms import Term, term_by_id
from rules.calendar import IsWorkingDay
from rules.deadlines import Owner, deadlines_for
from rules.escalations import LadderEvent
from rules.ladder import DEFAULT_LADDER, LadderStep, Role
from rules.rule_set import RuleSet

__all__ = ["PreparedNotice", "prepare_notice", "review_context"]


@dataclass(frozen=True, slots=True)
class PreparedNotice:
    """A rendered message and the one recipient it goes to (both may hold personal data: never log them)."""

    reference: str
    message: RenderedMessage
    recipient: Recipient


def review_context(review: Review, la: LaDirectory) -> ReviewContext:
    """Return what the letters may say about a stored review, read from the records now."""
    child = review.plan.child
    return ReviewContext(
        reference=review.reference,
        setting_name=review.plan.setting.name,
        authority=la.authority,
        child_first_name=child.given_name,
        family_addressee=f"parent or carer of {child.given_name}",
    )


def _event(row: Notification) -> LadderEvent:
    if row.deadline_key is None or row.ladder_step is None or row.deadline_due_on is None or row.due_on is None:
        raise RenderError("the notification names no ladder event", kind=row.template)
    audience = tuple(Role(r) for r in (row.audience or row.recipient_role).split(ROLE_SEPARATOR))
    owner = Owner(row.owner) if row.owner else Owner.LA
    return LadderEvent(
        row.deadline_key, row.deadline_due_on, row.ladder_step, row.due_on, owner, audience, bool(row.advisory)
    )


def _context(
    row: Notification,
    review: Review,
    la: LaDirectory,
    rule_set: RuleSet,
    is_working_day: IsWorkingDay,
    ladder: tuple[LadderStep, ...],
) -> NoticeContext:
    kind = MessageKind(row.template)
    people = review_context(review, la)
    facts = review_facts(review)
    if kind in FAMILY_LETTER_KINDS:
        if row.expected_on is None:
            raise RenderError("the late letter has no expected date", kind=kind)
        # the lawful date from the records as they stand now (decision: meeting + 4 weeks; Reg 20(10))
        found = {d.key: d for d in deadlines_for(facts, rule_set, is_working_day=is_working_day)}
        now = found.get(row.deadline_key or "")
        return family_late_letter_context(
            _event(row),
            people,
            expected_on=row.expected_on,
            kind=kind,
            lawful_due_on=now.due_on if now else None,
            earliest_lawful_on=now.earliest_lawful_on if now else None,
        )
    if kind is MessageKind.FINAL_PLAN_ISSUED:
        return final_plan_letter_context(facts, people, rule_set=rule_set, is_working_day=is_working_day)
    if kind is MessageKind.CEASE_NOTICE:
        return cease_notice_letter_context(facts, people, rule_set=rule_set, is_working_day=is_working_day)
    if kind is MessageKind.NOT_AMENDING_NOTICE:
        reasons = review.amendments_withdrawn_reasons or ""
        return not_amending_letter_context(
            facts, people, reasons=reasons, rule_set=rule_set, is_working_day=is_working_day
        )
    if kind in (MessageKind.DECISION_MAINTAIN, MessageKind.DECISION_AMEND, MessageKind.DECISION_CEASE):
        return decision_letter_context(facts, people, rule_set=rule_set, is_working_day=is_working_day)
    return event_context(_event(row), people, ladder=ladder, as_of=row.as_of, is_working_day=is_working_day)


def _recipient(row: Notification, review: Review, la: LaDirectory) -> Recipient:
    setting = review.plan.setting
    contacts = SettingContacts(
        setting.senco_email, setting.head_teacher_email, setting.senco_name, setting.head_teacher_name
    )
    owner = Owner(row.owner) if row.owner else Owner.LA
    return recipients_for((Role(row.recipient_role),), owner, setting=contacts, la=la)[0].recipient


def _failed_row(session: Session, row: Notification) -> Notification:
    failed_id = failed_notification_id(row.idempotency_key)
    failed = session.get(Notification, failed_id) if failed_id is not None else None
    if failed is None:
        raise RenderError("the operators' notice names no failed notification", kind=row.template)
    return failed


def _delivery_failed(session: Session, row: Notification, la: LaDirectory) -> PreparedNotice:
    """The operators' notice: no review needed (a termly list names none), nothing personal."""
    failed = _failed_row(session, row)
    review = session.get(Review, failed.review_id) if failed.review_id is not None else None
    reference = review.reference if review is not None else f"termly list {failed.term_id}"
    context = DeliveryFailedContext(
        ReviewContext(reference, "", la.authority, "", ""),
        failed.template,
        failed.recipient_role,
        failed.channel,
        failed.attempts,
        failed.last_error or "unknown",
        failed.id,
    )
    return PreparedNotice(reference, render_message(MessageKind.DELIVERY_FAILED, context), _operators(la))


def _operators(la: LaDirectory) -> Recipient:
    return recipients_for((Role.OPERATORS,), Owner.LA, setting=SettingContacts(None, None), la=la)[0].recipient


def _input_not_applied(session: Session, row: Notification, la: LaDirectory) -> PreparedNotice:
    """The operators' notice that an input waits in a review's inbox: ids, staff ID, times; nothing personal."""
    entry_id = not_applied_entry_id(row.idempotency_key)
    entry = session.get(InboxEntry, entry_id) if entry_id is not None else None
    if entry is None:
        raise RenderError("the operators' notice names no inbox input", kind=row.template)
    review = session.get_one(Review, entry.review_id)
    context = InputNotAppliedContext(
        ReviewContext(review.reference, "", la.authority, "", ""),
        entry.stage,
        entry.wait_key,
        entry.submitted_by,
        {"portal": "front door", "api": "front door's API", "cli": "ehcp command", "prefect-ui": "Prefect UI",
         "carried-over": "run that stopped"}.get(entry.source, entry.source),
        london_time(entry.received_at),
        entry.last_error or "the review's run has not taken it yet",
    )  # fmt: skip
    return PreparedNotice(review.reference, render_message(MessageKind.INPUT_NOT_APPLIED, context), _operators(la))


def _termly(session: Session, row: Notification, la: LaDirectory, terms: Sequence[Term]) -> PreparedNotice:
    """A setting's termly list, computed from the records now (the reviews falling due in the term)."""
    term = term_by_id(terms, row.term_id or "")
    setting = session.get(Setting, row.setting_id) if row.setting_id is not None else None
    if term is None or setting is None:
        raise RenderError("the termly list names no known term and setting", kind=row.template)
    lists = termly_list(session, term, setting_id=setting.id)
    message = render_termly_list(
        setting_urn=setting.urn,
        setting_name=setting.name,
        term_id=term.id,
        term_name=f"the {term.season} term {term.starts_on.year}",
        term_starts_on=term.starts_on,
        term_ends_on=term.ends_on,
        items=list(lists[0].items) if lists else [],
        la=la,
    )
    return PreparedNotice(
        f"termly/{term.id}/{setting.urn}", message, Recipient(Role.SENCO, setting.senco_email, setting.senco_name)
    )


def prepare_notice(
    session: Session,
    row: Notification,
    *,
    la: LaDirectory,
    rule_set: RuleSet,
    is_working_day: IsWorkingDay,
    ladder: tuple[LadderStep, ...] = DEFAULT_LADDER,
    terms: Sequence[Term] = (),
) -> PreparedNotice:
    """Return the notification rendered from the records as they stand now, with its recipient."""
    if row.template == MessageKind.DELIVERY_FAILED:
        return _delivery_failed(session, row, la)
    if row.template == MessageKind.INPUT_NOT_APPLIED:
        return _input_not_applied(session, row, la)
    if row.template == MessageKind.TERMLY_LIST:
        return _termly(session, row, la, terms)
    if row.review_id is None:
        raise RenderError("the notification names no review", kind=row.template)
    review = session.get_one(Review, row.review_id)
    context = _context(row, review, la, rule_set, is_working_day, ladder)
    message = render_message(MessageKind(row.template), context)
    return PreparedNotice(review.reference, message, _recipient(row, review, la))
