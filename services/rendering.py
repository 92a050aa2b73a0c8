"""A queued notification rendered from the records at send time: the message and its one recipient.

Personal data (names, addresses) is read here, at the last moment, and goes only into the message body and the
recipient; the outbox row and everything Prefect sees hold the review reference, kind, role, ids and dates only
(STATUTORY.md section 8). A family letter is written to the person its row was queued for
(``services.family_letters``): a parent or carer by name ("Sam's EHC plan"), a young person over compulsory
school age by first name ("your EHC plan"), a representative by name, naming the young person they act for,
a parent copied by the young person's choice with the young person's own letter and a note saying why. A row
queued with no person (no family contact on record) is addressed as before and goes to the roles file's post
room; if contacts are on record but not the lawful addressee, it fails saying who is missing. A letter bears
the day it is sent (``sent_on``), and its appeal dates count from it. A termly list (no review) and the
operators' notice of a failed message are rendered here too.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from notices.context import (
    DecisionLetterContext,
    DeliveryFailedContext,
    InputNotAppliedContext,
    LetterCopy,
    MeetingRecordContext,
    NoticeContext,
    ReviewContext,
    event_context,
    family_late_letter_context,
)
from notices.errors import RenderError
from notices.kinds import ADVICE_KINDS, FAMILY_LETTER_KINDS, MessageKind
from notices.letters import STAGE_LETTERS, LetterExtras, letter_kind, stage_letter
from notices.planning import failed_notification_id, not_applied_entry_id
from notices.recipients import LaDirectory, Recipient, SettingContacts, recipients_for
from notices.record_document import record_text
from notices.render import RenderedMessage, render_message
from notices.stage_letters import LetterReach, copy_roles
from notices.termly import render_termly_list
from notices.wording import ROLE_NAMES
from records.family import family_of
from records.inbox import london_time
from records.models import FamilyContact, InboxEntry, Notification, NotificationStatus, Review, Setting
from records.models.caseload import NO_SETTING_URN
from records.outbox import ROLE_SEPARATOR
from records.review_facts import review_facts
from reports.termly import termly_list
from reports.terms import Term, term_by_id
from rules.addressees import ContactRole
from rules.calendar import IsWorkingDay
from rules.deadlines import Owner, deadlines_for
from rules.escalations import LadderEvent
from rules.facts import LedBy, ReviewFacts
from rules.ladder import DEFAULT_LADDER, LadderStep, Role
from rules.rule_set import RuleSet
from rules.school_age import is_young_person
from rules.transitions import StageInput
from services.advice_messages import render_advice_message
from services.family_letters import addressing_of
from services.meeting_record import record_document
from services.setup import business_date, email_attaches_files, portal_url

__all__ = ["PreparedNotice", "letter_reach", "prepare_notice", "review_context"]


@dataclass(frozen=True, slots=True)
class PreparedNotice:
    """A rendered message and the one recipient it goes to (both may hold personal data: never log them)."""

    reference: str
    message: RenderedMessage
    recipient: Recipient
    letter_on: date | None = None
    """The date a review's letter bears (the day it is sent): recorded on the outbox row."""


def letter_reach(review: Review) -> LetterReach:
    """Return whom a review's stage letters can reach besides the family, from the records now.

    A review the LA leads because the child attends no school or college (Reg 21) copies no setting;
    a plan naming another school or college (a phase transfer) reaches it too.
    """
    plan = review.plan
    has_setting = plan.setting.urn != NO_SETTING_URN and review.led_by != LedBy.LA
    named = review.named_setting_id is not None and review.named_setting_id != plan.setting_id
    return LetterReach(has_setting=has_setting, named_institution=named)


def _addressed(child_name: str, young: bool, contact: FamilyContact | None, copy: bool) -> dict[str, Any]:
    """How a family letter speaks: to whom ("Dear ..."), as whom, and whether it is a parent's copy."""
    if contact is not None and contact.role == ContactRole.REPRESENTATIVE:
        return {"family_addressee": contact.full_name(), "addressed_as": "representative", "to_young_person": False}
    if young or copy or (contact is not None and contact.role == ContactRole.YOUNG_PERSON):
        return {"family_addressee": child_name, "addressed_as": "young_person", "to_young_person": True,
                "family_copy": copy}  # fmt: skip
    name = contact.full_name() if contact is not None else ""
    return {"family_addressee": name or f"parent or carer of {child_name}", "addressed_as": "parent"}


def review_context(
    review: Review, la: LaDirectory, *, on: date | None = None, contact: FamilyContact | None = None,
    copy: bool = False,
) -> ReviewContext:
    """Return what the letters may say about a stored review, read from the records now.

    ``on`` is the letter's date: over compulsory school age by then, the letter speaks to the young person
    (staff copies too: they are copies of that letter); ``contact`` is the family member the letter is for.
    """
    child = review.plan.child
    reach = letter_reach(review)
    named = review.named_setting
    young = on is not None and contact is None and is_young_person(child.date_of_birth, on)
    return ReviewContext(
        reference=review.reference,
        setting_name=review.plan.setting.name if reach.has_setting else "",
        authority=la.authority,
        child_first_name=child.given_name,
        named_institution_name=named.name if reach.named_institution and named is not None else "",
        **_addressed(child.given_name, young, contact, copy),
    )


def _event(row: Notification) -> LadderEvent:
    if row.deadline_key is None or row.ladder_step is None or row.deadline_due_on is None or row.due_on is None:
        raise RenderError("the notification names no ladder event", kind=row.template)
    audience = tuple(Role(r) for r in (row.audience or row.recipient_role).split(ROLE_SEPARATOR))
    owner = Owner(row.owner) if row.owner else Owner.LA
    return LadderEvent(
        row.deadline_key, row.deadline_due_on, row.ladder_step, row.due_on, owner, audience, bool(row.advisory)
    )


def _copy_name(role: Role, review: Review, la: LaDirectory) -> str:
    if role in (Role.SENCO, Role.HEAD_TEACHER):
        return review.plan.setting.name
    if role is Role.NAMED_INSTITUTION and review.named_setting is not None:
        return review.named_setting.name
    found = la.roles.get(role)
    return found.name if found is not None and found.name else ROLE_NAMES[role]


def _letter_copy(role: Role, review: Review, la: LaDirectory, kind: MessageKind) -> LetterCopy:
    """Whom this copy is for, and the names the family's letter gives as copied (each once, in order)."""
    names = [_copy_name(copied, review, la) for copied in copy_roles(kind, letter_reach(review))]
    return LetterCopy(role, tuple(dict.fromkeys(names)))


def _promised_on(session: Session, row: Notification) -> date | None:
    """The date the last family letter already sent about this deadline gave (a follow-up names it)."""
    query = (
        select(Notification.expected_on)
        .where(
            Notification.review_id == row.review_id,
            Notification.deadline_key == row.deadline_key,
            Notification.template.in_([str(kind) for kind in FAMILY_LETTER_KINDS]),
            Notification.status == NotificationStatus.SENT.value,
            Notification.id != row.id,
        )
        .order_by(Notification.id.desc())
        .limit(1)
    )
    return session.scalar(query)


def _notice_sent_apart(session: Session, review: Review) -> bool:
    """Whether the amendment notice went as its own letter after the decision (so the decision letter held none)."""
    query = select(Notification.id).where(
        Notification.review_id == review.id, Notification.template == MessageKind.AMENDMENT_NOTICE.value
    )
    return session.scalar(query.limit(1)) is not None


@dataclass(frozen=True, slots=True)
class _Render:
    """What every context builder of one notification needs."""

    session: Session
    row: Notification
    review: Review
    la: LaDirectory
    rule_set: RuleSet
    is_working_day: IsWorkingDay
    ladder: tuple[LadderStep, ...]
    today: date
    """The business date (who the letter speaks to, if its row names no person)."""
    contact: FamilyContact | None = None
    sent_on: date | None = None
    """The sending date of a delivery: the letter bears it when it is later than the recorded date."""


def _family_letter(at: _Render, kind: MessageKind, facts: ReviewFacts, people: ReviewContext) -> NoticeContext:
    row = at.row
    if row.expected_on is None:
        raise RenderError("the late letter has no expected date", kind=kind)
    # the lawful date from the records as they stand now (decision: meeting + 4 weeks; Reg 20(10))
    found = {d.key: d for d in deadlines_for(facts, at.rule_set, is_working_day=at.is_working_day)}
    now = found.get(row.deadline_key or "")
    return family_late_letter_context(
        _event(row),
        people,
        expected_on=row.expected_on,
        kind=kind,
        lawful_due_on=now.due_on if now else None,
        earliest_lawful_on=now.earliest_lawful_on if now else None,
        ladder=at.ladder,
        promised_on=_promised_on(at.session, row),
        as_of=row.as_of,
    )


def _extras(
    session: Session, review: Review, copy: LetterCopy, letter_on: date | None, sent_on: date | None = None
) -> LetterExtras:
    return LetterExtras(
        copy=copy,
        reasons=review.amendments_withdrawn_reasons or "",
        notice_with_decision=not _notice_sent_apart(session, review),
        letter_on=letter_on,
        sent_on=sent_on,
    )


def _stage_letter(at: _Render, kind: MessageKind, facts: ReviewFacts, people: ReviewContext) -> NoticeContext:
    copy = _letter_copy(Role(at.row.recipient_role), at.review, at.la, kind)
    if kind is MessageKind.DECISION_CEASE and facts.cease_notice_sent_on == _decided_on(facts):
        copy = _letter_copy(Role(at.row.recipient_role), at.review, at.la, MessageKind.CEASE_NOTICE)  # it is the notice
    extras = _extras(at.session, at.review, copy, at.row.as_of, at.sent_on)
    return stage_letter(kind, facts, people, extras, rule_set=at.rule_set, is_working_day=at.is_working_day)


def preview_family_letter(
    session: Session,
    review: Review,
    facts: ReviewFacts,
    given: StageInput,
    *,
    la: LaDirectory,
    rule_set: RuleSet,
    is_working_day: IsWorkingDay,
    reasons: str | None = None,
) -> RenderedMessage | str:
    """The letter the family would receive for this input, from the facts it leads to: the outbox's own letter,
    as its first lawful addressee would have it.

    ``reasons`` are a not-amending notice's reasons as entered (not yet in the records) for its preview.
    Returns why there is none when the input sends the family no letter, or the letter cannot be told."""
    kind = letter_kind(given)
    if kind is None:
        return "This stage sends the family no letter."
    on = _letter_day(facts, kind) or business_date(session)
    first = next(iter(addressing_of(session, review, on).addressees), None)
    contact = session.get(FamilyContact, first.contact_id) if first is not None else None
    people = review_context(review, la, on=on, contact=contact, copy=first is not None and first.copied)
    try:
        extras = _extras(session, review, _letter_copy(Role.FAMILY, review, la, kind), None)
        if reasons:
            extras = replace(extras, reasons=reasons)
        context = stage_letter(kind, facts, people, extras, rule_set=rule_set, is_working_day=is_working_day)
    except RenderError as exc:
        return f"The letter cannot be previewed: {exc}"
    return render_message(kind, context)


def _decided_on(facts: ReviewFacts) -> date | None:
    return facts.decision.notified_on if facts.decision is not None else None


def _letter_day(facts: ReviewFacts, kind: MessageKind) -> date | None:
    """The date the records give a stage letter's act (the decision, the notice, the plan), if any."""
    dates = {
        MessageKind.AMENDMENT_NOTICE: facts.amendment_notice_sent_on,
        MessageKind.FINAL_PLAN_ISSUED: facts.final_plan_issued_on,
        MessageKind.NOT_AMENDING_NOTICE: facts.amendments_withdrawn_on,
        MessageKind.CEASE_NOTICE: facts.cease_notice_sent_on,
    }
    return dates.get(kind, _decided_on(facts))


def _meeting_record(at: _Render, people: ReviewContext) -> NoticeContext:
    """The sent meeting record, as the records hold it now (it no longer changes once sent)."""
    document = record_document(at.session, at.review)
    if document is None:
        raise RenderError("the review has no meeting record to send", kind=at.row.template)
    return MeetingRecordContext(
        people, at.sent_on or at.row.as_of or at.today, Role(at.row.recipient_role), record_text(document)
    )


def _context(at: _Render) -> NoticeContext:
    kind = MessageKind(at.row.template)
    copy = bool(at.row.family_copy) and at.row.recipient_role == Role.FAMILY
    people = review_context(at.review, at.la, on=at.today, contact=at.contact, copy=copy)
    if kind is MessageKind.MEETING_RECORD:
        return _meeting_record(at, people)
    facts = review_facts(at.review)
    if kind in FAMILY_LETTER_KINDS:
        return _family_letter(at, kind, facts, people)
    if kind in STAGE_LETTERS:
        return _stage_letter(at, kind, facts, people)
    found = {d.key: d for d in deadlines_for(facts, at.rule_set, is_working_day=at.is_working_day)}
    now = found.get(at.row.deadline_key or "")
    return event_context(
        _event(at.row),
        people,
        ladder=at.ladder,
        as_of=at.row.as_of,
        is_working_day=at.is_working_day,
        earliest_lawful_on=now.earliest_lawful_on if now else None,
        meeting_on=facts.meeting_held_on or facts.meeting_planned_on,
    )


def _contacts(setting: Setting) -> SettingContacts:
    return SettingContacts(
        setting.senco_email, setting.head_teacher_email, setting.senco_name, setting.head_teacher_name
    )


def _family_contact(session: Session, row: Notification, review: Review, today: date) -> FamilyContact | None:
    """The family member a family row was queued for; a row with no person fails when the law's addressee is
    missing from contacts on record (no contacts at all: the roles file's post room, as before)."""
    if row.recipient_role != Role.FAMILY:
        return None
    if row.family_contact_id is not None:
        contact = session.get(FamilyContact, row.family_contact_id)
        if contact is None or contact.plan_id != review.plan_id:
            raise RenderError("the family contact this letter was queued for has been removed", kind=row.template)
        return contact
    found = addressing_of(session, review, today)
    if family_of(session, review.plan_id) and found.missing is not None:
        raise RenderError(f"no one to address it to: {found.missing}", kind=row.template)
    return None


def _family_recipient(contact: FamilyContact, review: Review) -> Recipient:
    """The family member's email or postal address; a young person's name is the child's own."""
    postal = (*contact.address_lines(), contact.postcode) if contact.postcode else ()
    child = review.plan.child
    young = contact.role == ContactRole.YOUNG_PERSON
    name = f"{child.given_name} {child.family_name}" if young else contact.full_name()
    return Recipient(Role.FAMILY, contact.email, name or None, postal_address=postal, large_print=contact.large_print)


def _recipient(row: Notification, review: Review, la: LaDirectory, contact: FamilyContact | None = None) -> Recipient:
    if contact is not None:
        return _family_recipient(contact, review)
    owner = Owner(row.owner) if row.owner else Owner.LA
    named = _contacts(review.named_setting) if review.named_setting is not None else None
    role = Role(row.recipient_role)
    return recipients_for((role,), owner, setting=_contacts(review.plan.setting), la=la, named_institution=named)[
        0
    ].recipient


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
    today: date | None = None,
) -> PreparedNotice:
    """Return the notification rendered from the records as they stand now, with its recipient.

    ``today`` is the sending date (the delivery passes the business date): a review's letter bears it when that
    is later than the date the records give its act. Without it (a test, a re-render) the letter bears the
    recorded date."""
    if row.template == MessageKind.DELIVERY_FAILED:
        return _delivery_failed(session, row, la)
    if row.template == MessageKind.INPUT_NOT_APPLIED:
        return _input_not_applied(session, row, la)
    if row.template == MessageKind.TERMLY_LIST:
        return _termly(session, row, la, terms)
    if row.review_id is None:
        raise RenderError("the notification names no review", kind=row.template)
    review = session.get_one(Review, row.review_id)
    on = today or business_date(session)
    if row.template in ADVICE_KINDS:
        message, recipient = render_advice_message(session, row, la=la, today=on, portal_url=portal_url(),
                                                   attach_files=email_attaches_files())
        return PreparedNotice(review.reference, message, recipient, on)
    contact = _family_contact(session, row, review, on)
    context = _context(_Render(session, row, review, la, rule_set, is_working_day, ladder, on, contact, today))
    message = render_message(MessageKind(row.template), context)
    letter_on = context.letter_on if isinstance(context, DecisionLetterContext) else on
    return PreparedNotice(review.reference, message, _recipient(row, review, la, contact), letter_on)
