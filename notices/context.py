"""What a template may say: plain frozen dataclasses, and builders that take the dates from ``rules/``.

Fields marked ``PERSONAL`` (a child's name, the family's name, free text about
the child) reach message bodies only: subjects, references and webhook
summaries are rendered without them, so a template that tries to use one there
fails to render instead of leaking it (STATUTORY.md section 8).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any, Final

from notices.errors import RenderError
from notices.kinds import MessageKind, decision_kind, kind_for_event
from rules.appeals import mediation_contact_due
from rules.calendar import IsWorkingDay
from rules.catch_up import working_days_late
from rules.deadlines import Owner, appeal_letter_on, due_dates
from rules.escalations import LadderEvent
from rules.facts import Outcome, ReviewFacts
from rules.ladder import DEFAULT_LADDER, LadderStep, Role, StepTiming
from rules.rule_set import RuleSet

__all__ = [
    "PERSONAL",
    "AuthorityContext",
    "cease_notice_letter_context",
    "not_amending_letter_context",
    "DeadlineNoticeContext",
    "DecisionLetterContext",
    "DeliveryFailedContext",
    "FamilyLateLetterContext",
    "NoticeContext",
    "ReviewContext",
    "decision_letter_context",
    "event_context",
    "family_late_letter_context",
    "final_plan_letter_context",
    "template_vars",
]

PERSONAL: Final[Mapping[str, Any]] = {"personal": True}
TRIBUNAL_URL: Final = "https://www.gov.uk/courts-tribunals/first-tier-tribunal-special-educational-needs-and-disability"


@dataclass(frozen=True, slots=True)
class AuthorityContext:
    """The council's own details and the independent services its letters must point to."""

    name: str
    team_name: str
    team_email: str
    team_phone: str
    sendiass_name: str
    sendiass_contact: str
    mediation_service_name: str
    mediation_contact: str
    disagreement_resolution_contact: str
    tribunal_url: str = TRIBUNAL_URL


@dataclass(frozen=True, slots=True)
class ReviewContext:
    """One review as the letters see it: a pseudonymous reference plus what a person needs."""

    reference: str
    setting_name: str
    authority: AuthorityContext
    child_first_name: str = field(metadata=PERSONAL)
    family_addressee: str = field(metadata=PERSONAL)


@dataclass(frozen=True, slots=True)
class DeadlineNoticeContext:
    """A reminder, missed-deadline or escalation message about one ladder event."""

    kind: MessageKind
    review: ReviewContext
    deadline_key: str
    deadline_due_on: date
    step: str
    step_due_on: date
    step_amount: int
    owner: Owner
    audience: tuple[Role, ...]
    advisory: bool
    as_of: date | None = None
    """The business date the message speaks for (the clock run that queued it)."""
    working_days_late: int = 0
    """How late the deadline is on ``as_of``, in working days after the day it was missed."""


@dataclass(frozen=True, slots=True)
class FamilyLateLetterContext:
    """The letter telling a family that the council's decision or plan will be late (or already is: the
    ``family-overdue-letter`` kind, sent when the deadline passed before the letter could go)."""

    review: ReviewContext
    deadline_key: str
    deadline_due_on: date
    expected_on: date
    step_due_on: date
    kind: MessageKind = MessageKind.FAMILY_LATE_LETTER


@dataclass(frozen=True, slots=True)
class DecisionLetterContext:
    """A decision letter (maintain, amend, cease) or the letter issuing the final amended plan."""

    kind: MessageKind
    review: ReviewContext
    outcome: Outcome
    letter_on: date
    meeting_held_on: date | None
    appeal_due_on: date | None = None
    mediation_contact_due_on: date | None = None
    representations_close_on: date | None = None
    final_plan_due_on: date | None = None
    mediation_certificate_on: date | None = None
    proposed_amendments: tuple[str, ...] = field(default=(), metadata=PERSONAL)
    reasons: str = field(default="", metadata=PERSONAL)
    """The not-amending notice's reasons (Reg 22(4)), read from the records at send time."""


@dataclass(frozen=True, slots=True)
class DeliveryFailedContext:
    """The operators' notice that a message could not be delivered (no personal data: ids, kinds, roles)."""

    review: ReviewContext
    failed_kind: str
    failed_role: str
    channel: str
    attempts: int
    last_error: str
    notification_id: int
    kind: MessageKind = MessageKind.DELIVERY_FAILED


@dataclass(frozen=True, slots=True)
class InputNotAppliedContext:
    """The operators' notice that a person's input has waited in a review's inbox too long (no personal data)."""

    review: ReviewContext
    stage: int
    wait_key: str
    submitted_by: str
    source: str
    received_at: str
    reason: str
    kind: MessageKind = MessageKind.INPUT_NOT_APPLIED


NoticeContext = (
    DeadlineNoticeContext | FamilyLateLetterContext | DecisionLetterContext | DeliveryFailedContext
    | InputNotAppliedContext
)


def _values(obj: Any, *, personal: bool) -> dict[str, Any]:
    return {f.name: getattr(obj, f.name) for f in fields(obj) if personal or not f.metadata.get("personal")}


def template_vars(context: NoticeContext, *, personal: bool) -> dict[str, Any]:
    """Return the template variables of a context, flattened; without personal fields unless asked."""
    values = _values(context, personal=personal)
    review = values.pop("review")
    return values | _values(review, personal=personal)


def _lateness(
    event: LadderEvent, step: LadderStep, as_of: date | None, is_working_day: IsWorkingDay | None
) -> tuple[date, int]:
    """The business date a message speaks for, and the deadline's lateness then (STATUTORY.md s5, catch-up)."""
    on = as_of or event.due_on
    if is_working_day is not None:
        return on, working_days_late(event.deadline_due_on, on, is_working_day=is_working_day)
    return on, step.amount if step.timing is StepTiming.WORKING_DAYS_AFTER_MISSED else 0


def event_context(
    event: LadderEvent,
    review: ReviewContext,
    *,
    ladder: tuple[LadderStep, ...] = DEFAULT_LADDER,
    as_of: date | None = None,
    is_working_day: IsWorkingDay | None = None,
) -> DeadlineNoticeContext:
    """Return the context of a reminder, missed-deadline or escalation message for a ladder event.

    The lateness is counted on ``as_of`` (default: the day the step fell due) with ``is_working_day``;
    without a calendar, an escalation states its own step's working days.
    """
    kind = kind_for_event(event, ladder)
    if kind is MessageKind.FAMILY_LATE_LETTER:
        raise RenderError("the family's letter needs family_late_letter_context (an expected date)", kind=kind)
    step = next(step for step in ladder if step.name == event.step)
    on, late = _lateness(event, step, as_of, is_working_day)
    return DeadlineNoticeContext(
        kind,
        review,
        event.deadline_key,
        event.deadline_due_on,
        event.step,
        event.due_on,
        step.amount,
        event.owner,
        event.audience,
        event.advisory,
        on,
        late,
    )


def family_late_letter_context(
    event: LadderEvent,
    review: ReviewContext,
    *,
    expected_on: date,
    kind: MessageKind = MessageKind.FAMILY_LATE_LETTER,
    lawful_due_on: date | None = None,
    earliest_lawful_on: date | None = None,
) -> FamilyLateLetterContext:
    """Return the context of the family's late letter; ``expected_on`` is the date the council now expects.

    ``kind`` is ``family-overdue-letter`` when the deadline had already passed on the business date.
    ``lawful_due_on`` is the deadline as ``rules/`` gives it from the records now (the decision is due
    4 weeks from the meeting even when the review date has passed); it replaces the event's stored date
    when given. ``earliest_lawful_on`` (a final plan that cannot lawfully be issued before the family's
    15 days end) holds the expected date back so the letter never promises an unlawful early plan.
    """
    if kind not in (MessageKind.FAMILY_LATE_LETTER, MessageKind.FAMILY_OVERDUE_LETTER):
        raise RenderError("not a family letter", kind=kind)
    due_on = lawful_due_on or event.deadline_due_on
    if earliest_lawful_on is not None:
        expected_on = max(expected_on, earliest_lawful_on)
    if expected_on <= due_on:
        raise RenderError("a late letter must give a date after the deadline", kind=kind)
    return FamilyLateLetterContext(review, event.deadline_key, due_on, expected_on, event.due_on, kind)


def _appeal_dates(facts: ReviewFacts, rule_set: RuleSet, is_working_day: IsWorkingDay) -> dict[str, Any]:
    """The appeal and mediation dates of the letter the appeal runs from, as ``rules/`` gives them."""
    letter_on = appeal_letter_on(facts)
    if letter_on is None:
        return {}
    return {
        "appeal_due_on": due_dates(facts, rule_set, is_working_day=is_working_day)["appeal_due"],
        "mediation_contact_due_on": mediation_contact_due(letter_on, rule_set),
        "mediation_certificate_on": facts.mediation_certificate_on,
    }


def decision_letter_context(
    facts: ReviewFacts,
    review: ReviewContext,
    *,
    rule_set: RuleSet,
    is_working_day: IsWorkingDay,
    proposed_amendments: tuple[str, ...] = (),
) -> DecisionLetterContext:
    """Return the decision letter's context with its statutory dates computed by ``rules/``.

    Maintain: the appeal and mediation dates run from the decision letter (or a mediation
    certificate, if later). Cease: only when the letter is itself the Reg 31 cease notice (sent
    the same day); otherwise it proposes ceasing, consultation follows, and the cease notice
    (``cease_notice_letter_context``) carries the appeal dates. Amend: the letter is the
    amendment notice; it states the representations window and the final plan date, and the
    appeal dates follow in the final plan (or not-amending) letter.
    """
    if facts.decision is None:
        raise RenderError("no decision is recorded for this review")
    outcome = facts.decision.outcome
    kind = decision_kind(outcome)
    letter_on = facts.decision.notified_on
    if outcome is Outcome.MAINTAIN or (outcome is Outcome.CEASE and facts.cease_notice_sent_on == letter_on):
        dates = _appeal_dates(facts, rule_set, is_working_day)
        return DecisionLetterContext(kind, review, outcome, letter_on, facts.meeting_held_on, **dates)
    if outcome is Outcome.CEASE:
        return DecisionLetterContext(kind, review, outcome, letter_on, facts.meeting_held_on)
    if facts.amendment_notice_sent_on is None:
        raise RenderError("an amend letter needs the date the amendment notice is sent", kind=kind)
    dates = due_dates(facts, rule_set, is_working_day=is_working_day)
    return DecisionLetterContext(
        kind,
        review,
        outcome,
        facts.amendment_notice_sent_on,
        facts.meeting_held_on,
        representations_close_on=dates["representations_close"],
        final_plan_due_on=dates["final_plan_due"],
        proposed_amendments=proposed_amendments,
    )


def final_plan_letter_context(
    facts: ReviewFacts, review: ReviewContext, *, rule_set: RuleSet, is_working_day: IsWorkingDay
) -> DecisionLetterContext:
    """Return the context of the letter issuing the final amended plan, with its appeal and mediation dates."""
    kind = MessageKind.FINAL_PLAN_ISSUED
    if facts.final_plan_issued_on is None:
        raise RenderError("the final plan's issue date is not recorded", kind=kind)
    dates = _appeal_dates(facts, rule_set, is_working_day)
    return DecisionLetterContext(
        kind, review, Outcome.AMEND, facts.final_plan_issued_on, facts.meeting_held_on, **dates
    )


def not_amending_letter_context(
    facts: ReviewFacts, review: ReviewContext, *, reasons: str, rule_set: RuleSet, is_working_day: IsWorkingDay
) -> DecisionLetterContext:
    """Return the context of the Reg 22(4) notice: the LA will not amend after all, its reasons, the appeal dates."""
    kind = MessageKind.NOT_AMENDING_NOTICE
    if facts.amendments_withdrawn_on is None:
        raise RenderError("the not-amending notice's date is not recorded", kind=kind)
    if not reasons.strip():
        raise RenderError("the not-amending notice must give the council's reasons (Reg 22(4))", kind=kind)
    dates = _appeal_dates(facts, rule_set, is_working_day)
    return DecisionLetterContext(
        kind, review, Outcome.AMEND, facts.amendments_withdrawn_on, facts.meeting_held_on, reasons=reasons, **dates
    )


def cease_notice_letter_context(
    facts: ReviewFacts, review: ReviewContext, *, rule_set: RuleSet, is_working_day: IsWorkingDay
) -> DecisionLetterContext:
    """Return the context of the Reg 31 cease notice after consultation: the appeal runs from it."""
    kind = MessageKind.CEASE_NOTICE
    if facts.cease_notice_sent_on is None:
        raise RenderError("the cease notice's date is not recorded", kind=kind)
    dates = _appeal_dates(facts, rule_set, is_working_day)
    return DecisionLetterContext(
        kind, review, Outcome.CEASE, facts.cease_notice_sent_on, facts.meeting_held_on, **dates
    )
