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
from rules.catch_up import family_follow_up_on, working_days_late
from rules.cease import cease_views_by
from rules.consistency import earliest_lawful_issue_on
from rules.deadlines import Owner, appeal_letter_on, due_dates, gets_family_letter
from rules.escalations import LadderEvent
from rules.facts import Outcome, ReviewFacts
from rules.ladder import DEFAULT_LADDER, LadderStep, Role, StepTiming
from rules.rule_set import RuleSet

__all__ = [
    "PERSONAL",
    "AuthorityContext",
    "LetterCopy",
    "amendment_notice_context",
    "appeal_after_mediation_context",
    "cease_notice_letter_context",
    "not_amending_letter_context",
    "DeadlineNoticeContext",
    "DecisionLetterContext",
    "DeliveryFailedContext",
    "FamilyLateLetterContext",
    "MeetingRecordContext",
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
    local_offer: str
    """Where families find information about the schools and colleges available (Reg 22(2)(d)): the Local Offer."""
    tribunal_url: str = TRIBUNAL_URL
    postal_address: str = ""
    """The council's return address on a posted letter (lines separated by ``|``); needed only for post."""


@dataclass(frozen=True, slots=True)
class ReviewContext:
    """One review as the letters see it: a pseudonymous reference plus what a person needs."""

    reference: str
    setting_name: str
    authority: AuthorityContext
    child_first_name: str = field(metadata=PERSONAL)
    family_addressee: str = field(metadata=PERSONAL)
    named_institution_name: str = ""
    """The school or college an amended plan names when it is not the current setting (a phase transfer)."""
    to_young_person: bool = False
    """The letter speaks to the young person (over compulsory school age): "your EHC plan" (CFA 2014 s83(2))."""
    addressed_as: str = "parent"
    """Whom the letter is written to: ``parent`` (a child's parent or carer), ``young_person`` or
    ``representative`` (acting for a young person who lacks capacity, SEND Regs 2014 reg 64)."""
    family_copy: bool = False
    """A parent's copy of the young person's letter (the young person chose to copy them in)."""
    plans_owner: str = field(default="", metadata=PERSONAL)
    """Whose plan the letter says it is: "your" or "Sam's" (filled from the other fields when empty)."""

    def __post_init__(self) -> None:
        if not self.plans_owner:
            owner = "your" if self.to_young_person else f"{self.child_first_name}'s"
            object.__setattr__(self, "plans_owner", owner)


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
    earliest_lawful_on: date | None = None
    """The deadline fell inside the family's 15 days: the document may not be issued before this day."""
    meeting_on: date | None = None
    """The meeting date the deadline counts back from (invitations and advice: the meeting must then move)."""
    family_letter: bool = False
    """The family is written to when this deadline will be late (only the decision and plan deadlines)."""


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
    follow_up_on: date | None = None
    """The day the product writes again if the act is still not done; None: it will not, so the letter says
    whom to contact instead of promising another letter."""
    promised_on: date | None = None
    """The date an earlier letter about this deadline gave the family (a follow-up letter says so)."""
    as_of: date | None = None
    """The business date the letter speaks for."""
    earliest_lawful_on: date | None = None
    """The statutory date fell within the family's 15 days (told in the amendment notice): the plan may not go
    before this day."""


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
    recipient_role: Role = Role.FAMILY
    """Whom this copy is for: the family's own letter, or a copy with a note saying why the recipient has it."""
    copies_to: tuple[str, ...] = ()
    """Who else receives the family's letter (its closing line names them; none for a Reg 21 review)."""
    decision_on: date | None = None
    """The date the decision was notified (the cease notice and the mediation letter refer back to it)."""
    with_proposals: bool = True
    """Amend: the proposed amendments go with this letter (False: the decision only; the notice follows)."""
    amendment_notice_due_on: date | None = None
    """Amend without a notice: the day the proposed amendments are due (Reg 22(2); Devon)."""
    final_plan_earliest_on: date | None = None
    """The statutory final plan date falls inside the family's 15 days: the first day the plan may be issued."""
    final_plan_capped_by_transfer: bool = False
    """The final plan date is the Reg 18 phase-transfer date (not 8 weeks from the notice or 12 from the meeting)."""
    phase_transfer_due_on: date | None = None
    """A phase transfer: the last day the amended plan naming the next school or college may be issued (Reg 18)."""
    views_by_on: date | None = None
    """A proposal to cease: the last day for the family's (and the head teacher's) views (Reg 31(1); policy)."""
    appeal_letter_on: date | None = None
    """The letter the appeal runs from (the mediation letter names it)."""


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


@dataclass(frozen=True, slots=True)
class MeetingRecordContext:
    """The setting's report sent to the family and every invitee (Reg 20(7)): the meeting record's own text."""

    review: ReviewContext
    sent_on: date
    recipient_role: Role
    record_text: str = field(metadata=PERSONAL)
    kind: MessageKind = MessageKind.MEETING_RECORD


NoticeContext = (
    DeadlineNoticeContext | FamilyLateLetterContext | DecisionLetterContext | DeliveryFailedContext
    | InputNotAppliedContext | MeetingRecordContext
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
    earliest_lawful_on: date | None = None,
    meeting_on: date | None = None,
) -> DeadlineNoticeContext:
    """Return the context of a reminder, missed-deadline or escalation message for a ladder event.

    The lateness is counted on ``as_of`` (default: the day the step fell due) with ``is_working_day``;
    without a calendar, an escalation states its own step's working days. ``earliest_lawful_on`` and
    ``meeting_on`` come from the records now, so a message never asks for what the law forbids yet
    (a final plan inside the family's 15 days; invitations under 2 weeks before the meeting).
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
        earliest_lawful_on,
        meeting_on,
        gets_family_letter(event.deadline_key),
    )


def family_late_letter_context(
    event: LadderEvent,
    review: ReviewContext,
    *,
    expected_on: date,
    kind: MessageKind = MessageKind.FAMILY_LATE_LETTER,
    lawful_due_on: date | None = None,
    earliest_lawful_on: date | None = None,
    ladder: tuple[LadderStep, ...] = DEFAULT_LADDER,
    promised_on: date | None = None,
    as_of: date | None = None,
) -> FamilyLateLetterContext:
    """Return the context of the family's late letter; ``expected_on`` is the date the council now expects.

    ``kind`` is ``family-overdue-letter`` when the deadline had already passed on the business date.
    ``lawful_due_on`` is the deadline as ``rules/`` gives it from the records now (the decision is due
    4 weeks from the meeting even when the review date has passed); it replaces the event's stored date
    when given. ``earliest_lawful_on`` (a final plan that cannot lawfully be issued before the family's
    15 days end) holds the expected date back so the letter never promises an unlawful early plan.
    The letter promises to write again only when the ladder has a later family letter that will go after
    the expected date (``rules.catch_up.family_follow_up_on``); ``promised_on`` is the date an earlier
    letter gave, which a follow-up names (never earlier than the date it now gives).
    """
    if kind not in (MessageKind.FAMILY_LATE_LETTER, MessageKind.FAMILY_OVERDUE_LETTER):
        raise RenderError("not a family letter", kind=kind)
    due_on = lawful_due_on or event.deadline_due_on
    if earliest_lawful_on is not None:
        expected_on = max(expected_on, earliest_lawful_on)
        promised_on = max(promised_on, earliest_lawful_on) if promised_on is not None else None
    if promised_on is not None:
        expected_on = max(expected_on, promised_on)
    if expected_on <= due_on:
        raise RenderError("a late letter must give a date after the deadline", kind=kind)
    follow_up = family_follow_up_on(event.step, event.deadline_due_on, ladder)
    follow_up = follow_up if follow_up is not None and follow_up > expected_on else None
    return FamilyLateLetterContext(
        review, event.deadline_key, due_on, expected_on, event.due_on, kind, follow_up, promised_on, as_of,
        earliest_lawful_on,
    )


def _appeal_dates(facts: ReviewFacts, rule_set: RuleSet, is_working_day: IsWorkingDay) -> dict[str, Any]:
    """The appeal and mediation dates of the letter the appeal runs from, as ``rules/`` gives them."""
    letter_on = appeal_letter_on(facts)
    if letter_on is None:
        return {}
    return {
        "appeal_due_on": due_dates(facts, rule_set, is_working_day=is_working_day)["appeal_due"],
        "mediation_contact_due_on": mediation_contact_due(letter_on, rule_set),
        "mediation_certificate_on": facts.mediation_certificate_on,
        "appeal_letter_on": letter_on,
    }


@dataclass(frozen=True, slots=True)
class LetterCopy:
    """Who one copy of a stage letter is for, and who else the family's letter names as copied."""

    recipient_role: Role = Role.FAMILY
    copies_to: tuple[str, ...] = ()


def _draft_plan_dates(facts: ReviewFacts, rule_set: RuleSet, is_working_day: IsWorkingDay) -> dict[str, Any]:
    """The amendment notice's window and the final plan date, told truthfully when the law can no longer be met.

    The statutory final plan date (Reg 22(3); Devon; capped by Reg 18) may fall inside the family's 15 days
    (a late notice, or a phase transfer close ahead): the letter then gives that date as one the council can
    no longer meet and the first day it may issue the plan (window close + 1), never a promise of both.
    """
    dates = due_dates(facts, rule_set, is_working_day=is_working_day)
    final_due, cap = dates["final_plan_due"], dates["phase_transfer_due"]
    earliest = earliest_lawful_issue_on(facts, rule_set)
    return {
        "representations_close_on": dates["representations_close"],
        "final_plan_due_on": final_due,
        "final_plan_earliest_on": earliest if earliest is not None and final_due is not None and final_due < earliest
        else None,
        "final_plan_capped_by_transfer": cap is not None and final_due == cap,
        "phase_transfer_due_on": cap,
    }


def decision_letter_context(
    facts: ReviewFacts,
    review: ReviewContext,
    *,
    rule_set: RuleSet,
    is_working_day: IsWorkingDay,
    proposed_amendments: tuple[str, ...] = (),
    copy: LetterCopy = LetterCopy(),
    notice_with_decision: bool = True,
) -> DecisionLetterContext:
    """Return the decision letter's context with its statutory dates computed by ``rules/``.

    Maintain: the appeal and mediation dates run from the decision letter (or a mediation
    certificate, if later). Cease: only when the letter is itself the Reg 31 cease notice (sent
    the same day); otherwise it proposes ceasing and asks for views by a date, consultation
    follows, and the cease notice (``cease_notice_letter_context``) carries the appeal dates.
    Amend: when the amendment notice went with the decision (``notice_with_decision`` and a notice
    recorded), the letter is the amendment notice; it states the representations window and the
    final plan date, and the appeal dates follow in the final plan (or not-amending) letter. An
    amend decision sent without its notice says so, encloses nothing and gives the date the
    proposed amendments are due; the notice follows as its own letter (``amendment_notice_context``).
    """
    if facts.decision is None:
        raise RenderError("no decision is recorded for this review")
    outcome = facts.decision.outcome
    kind = decision_kind(outcome)
    letter_on = facts.decision.notified_on
    common: dict[str, Any] = {
        "recipient_role": copy.recipient_role,
        "copies_to": copy.copies_to,
        "decision_on": letter_on,
    }
    if outcome is Outcome.MAINTAIN or (outcome is Outcome.CEASE and facts.cease_notice_sent_on == letter_on):
        dates = _appeal_dates(facts, rule_set, is_working_day)
        return DecisionLetterContext(kind, review, outcome, letter_on, facts.meeting_held_on, **common, **dates)
    if outcome is Outcome.CEASE:
        views_by = cease_views_by(letter_on, rule_set, is_working_day=is_working_day)
        return DecisionLetterContext(
            kind, review, outcome, letter_on, facts.meeting_held_on, views_by_on=views_by, **common
        )
    if facts.amendment_notice_sent_on is None or not notice_with_decision:
        due = due_dates(facts, rule_set, is_working_day=is_working_day)
        return DecisionLetterContext(
            kind,
            review,
            outcome,
            letter_on,
            facts.meeting_held_on,
            with_proposals=False,
            amendment_notice_due_on=due["amendment_notice_due"],
            phase_transfer_due_on=due["phase_transfer_due"],
            **common,
        )
    return DecisionLetterContext(
        kind,
        review,
        outcome,
        facts.amendment_notice_sent_on,
        facts.meeting_held_on,
        proposed_amendments=proposed_amendments,
        **common,
        **_draft_plan_dates(facts, rule_set, is_working_day),
    )


def amendment_notice_context(
    facts: ReviewFacts,
    review: ReviewContext,
    *,
    rule_set: RuleSet,
    is_working_day: IsWorkingDay,
    proposed_amendments: tuple[str, ...] = (),
    copy: LetterCopy = LetterCopy(),
) -> DecisionLetterContext:
    """Return the context of the amendment notice sent after an amend decision (Reg 22(2)): the proposals."""
    kind = MessageKind.AMENDMENT_NOTICE
    if facts.amendment_notice_sent_on is None or facts.decision is None:
        raise RenderError("the amendment notice's date is not recorded", kind=kind)
    return DecisionLetterContext(
        kind,
        review,
        Outcome.AMEND,
        facts.amendment_notice_sent_on,
        facts.meeting_held_on,
        proposed_amendments=proposed_amendments,
        recipient_role=copy.recipient_role,
        copies_to=copy.copies_to,
        decision_on=facts.decision.notified_on,
        **_draft_plan_dates(facts, rule_set, is_working_day),
    )


def final_plan_letter_context(
    facts: ReviewFacts,
    review: ReviewContext,
    *,
    rule_set: RuleSet,
    is_working_day: IsWorkingDay,
    copy: LetterCopy = LetterCopy(),
) -> DecisionLetterContext:
    """Return the context of the letter issuing the final amended plan, with its appeal and mediation dates.

    ``representations_close_on`` is given so a plan issued inside the family's 15 days (recorded as a
    breach of Reg 22(2)(c)) never says that everything they told us was considered."""
    kind = MessageKind.FINAL_PLAN_ISSUED
    if facts.final_plan_issued_on is None:
        raise RenderError("the final plan's issue date is not recorded", kind=kind)
    dates = _appeal_dates(facts, rule_set, is_working_day)
    window = due_dates(facts, rule_set, is_working_day=is_working_day)["representations_close"]
    return DecisionLetterContext(
        kind,
        review,
        Outcome.AMEND,
        facts.final_plan_issued_on,
        facts.meeting_held_on,
        representations_close_on=window,
        recipient_role=copy.recipient_role,
        copies_to=copy.copies_to,
        **dates,
    )


def not_amending_letter_context(
    facts: ReviewFacts,
    review: ReviewContext,
    *,
    reasons: str,
    rule_set: RuleSet,
    is_working_day: IsWorkingDay,
    copy: LetterCopy = LetterCopy(),
) -> DecisionLetterContext:
    """Return the context of the Reg 22(4) notice: the LA will not amend after all, its reasons, the appeal dates.

    ``representations_close_on`` is given so the letter does not claim to have heard everything the family
    had to say when it goes before their 15 days have ended.
    """
    kind = MessageKind.NOT_AMENDING_NOTICE
    if facts.amendments_withdrawn_on is None:
        raise RenderError("the not-amending notice's date is not recorded", kind=kind)
    if not reasons.strip():
        raise RenderError("the not-amending notice must give the council's reasons (Reg 22(4))", kind=kind)
    dates = _appeal_dates(facts, rule_set, is_working_day)
    window = due_dates(facts, rule_set, is_working_day=is_working_day)["representations_close"]
    return DecisionLetterContext(
        kind,
        review,
        Outcome.AMEND,
        facts.amendments_withdrawn_on,
        facts.meeting_held_on,
        reasons=reasons,
        representations_close_on=window,
        recipient_role=copy.recipient_role,
        copies_to=copy.copies_to,
        **dates,
    )


def cease_notice_letter_context(
    facts: ReviewFacts,
    review: ReviewContext,
    *,
    rule_set: RuleSet,
    is_working_day: IsWorkingDay,
    copy: LetterCopy = LetterCopy(),
) -> DecisionLetterContext:
    """Return the context of the Reg 31 cease notice: the appeal runs from it.

    ``decision_on`` lets the letter say what happened before it: a notice on a later day follows the
    proposal letter of that date (and the views asked for by then); a notice on the decision's own day
    follows no consultation the product knows of, and says none.
    """
    kind = MessageKind.CEASE_NOTICE
    if facts.cease_notice_sent_on is None or facts.decision is None:
        raise RenderError("the cease notice's date is not recorded", kind=kind)
    decided = facts.decision.notified_on
    dates = _appeal_dates(facts, rule_set, is_working_day)
    later = facts.cease_notice_sent_on > decided
    views_by = cease_views_by(decided, rule_set, is_working_day=is_working_day) if later else None
    return DecisionLetterContext(
        kind,
        review,
        Outcome.CEASE,
        facts.cease_notice_sent_on,
        facts.meeting_held_on,
        recipient_role=copy.recipient_role,
        copies_to=copy.copies_to,
        decision_on=decided,
        views_by_on=views_by,
        **dates,
    )


def appeal_after_mediation_context(
    facts: ReviewFacts,
    review: ReviewContext,
    *,
    letter_on: date,
    rule_set: RuleSet,
    is_working_day: IsWorkingDay,
) -> DecisionLetterContext:
    """Return the context of the letter giving the appeal date a mediation certificate makes later (HESC r20(1)(c)).

    ``letter_on`` is the day the certificate was recorded (the business date): the letter's own date.
    """
    kind = MessageKind.APPEAL_AFTER_MEDIATION
    if facts.decision is None or facts.mediation_certificate_on is None or appeal_letter_on(facts) is None:
        raise RenderError("no mediation certificate after an appealable letter is recorded", kind=kind)
    dates = _appeal_dates(facts, rule_set, is_working_day)
    return DecisionLetterContext(
        kind, review, facts.decision.outcome, letter_on, facts.meeting_held_on, decision_on=facts.decision.notified_on,
        **dates,
    )
