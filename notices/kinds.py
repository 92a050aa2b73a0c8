"""The kinds of message the product sends, and which kind a ladder event becomes.

A kind names one template directory under ``notices/templates/`` and one GOV.UK
Notify template id. A ladder step becomes a kind by its timing, not its name, so
an authority's own ladder (STATUTORY.md section 5) needs no new templates.
"""

from __future__ import annotations

from collections.abc import Iterable
from enum import StrEnum
from typing import Final

from rules.deadlines import Owner
from rules.escalations import LadderEvent
from rules.facts import Outcome
from rules.ladder import DEFAULT_LADDER, LadderStep, StepTiming

__all__ = [
    "ADVICE_KINDS",
    "EVENT_KINDS",
    "FAMILY_LETTER_KINDS",
    "OPERATOR_KINDS",
    "REVIEW_KINDS",
    "SETTING_LIST_KINDS",
    "MessageKind",
    "decision_kind",
    "kind_for_event",
]


class MessageKind(StrEnum):
    SETTING_REMINDER = "setting-reminder"
    SETTING_MISSED = "setting-missed"
    LA_REMINDER = "la-reminder"
    LA_MISSED = "la-missed"
    ESCALATION = "escalation"
    FAMILY_LATE_LETTER = "family-late-letter"
    FAMILY_OVERDUE_LETTER = "family-overdue-letter"  # the late letter once the deadline has already passed
    DECISION_MAINTAIN = "decision-maintain"
    DECISION_AMEND = "decision-amend"
    DECISION_CEASE = "decision-cease"  # the proposal to cease (consultation), or the notice itself on the same day
    AMENDMENT_NOTICE = "amendment-notice"  # Reg 22(2): the proposed amendments, sent after an amend decision
    CEASE_NOTICE = "cease-notice"  # Reg 31 notice after consultation (the decision letter may itself be it)
    FINAL_PLAN_ISSUED = "final-plan-issued"
    NOT_AMENDING_NOTICE = "not-amending-notice"  # Reg 22(4): the LA will not amend after all, with reasons
    APPEAL_AFTER_MEDIATION = "appeal-after-mediation"  # HESC r20(1)(c)(ii): the later appeal date a certificate gives
    TERMLY_LIST = "termly-list"  # to a setting, not about one review: rendered by notices.termly
    DELIVERY_FAILED = "delivery-failed"  # to the operators: a message could not be delivered
    INPUT_NOT_APPLIED = "input-not-applied"  # to the operators: a person's input waits in the inbox too long
    MEETING_RECORD = "meeting-record"  # the setting's report (the meeting record) to the family and each invitee
    ADVICE_REQUEST = "advice-request"  # to a professional: advice needed by a date, with their single-use link
    ADVICE_REMINDER = "advice-reminder"  # to a professional who has not replied: 14 and 3 days before needed-by
    ADVICE_CIRCULATED = "advice-circulated"  # the advice received, to every invitee (Reg 20(4))
    MEETING_INVITATION = "meeting-invitation"  # to one invitee: the meeting's date, time and place (Reg 20(2)-(3))
    MEETING_CHANGED = "meeting-changed"  # to each invitee already invited: the meeting moved
    MEETING_RECORD_COPY = "meeting-record-copy"  # the sent record, to each staff member or professional invited
    FAMILY_VIEWS_REQUEST = "family-views-request"  # to a family member invited: their views, with their link
    CHILD_VIEWS_REQUEST = "child-views-request"  # to the young person, or a child's parents: the child's own form

    @property
    def template_dir(self) -> str:
        """The template directory of this kind (``setting_reminder``)."""
        return self.value.replace("-", "_")


SETTING_LIST_KINDS: Final = frozenset({MessageKind.TERMLY_LIST})
OPERATOR_KINDS: Final = frozenset({MessageKind.DELIVERY_FAILED, MessageKind.INPUT_NOT_APPLIED})
ADVICE_KINDS: Final = frozenset(
    {MessageKind.ADVICE_REQUEST, MessageKind.ADVICE_REMINDER, MessageKind.ADVICE_CIRCULATED,
     MessageKind.MEETING_INVITATION, MessageKind.MEETING_CHANGED, MessageKind.MEETING_RECORD_COPY,
     MessageKind.FAMILY_VIEWS_REQUEST, MessageKind.CHILD_VIEWS_REQUEST}
)
"""To one invitee (``records.models.AdviceMessage``), rendered by ``services.advice_messages``: the advice messages
and the invitations (``services.invitations``)."""
FAMILY_LETTER_KINDS: Final = frozenset({MessageKind.FAMILY_LATE_LETTER, MessageKind.FAMILY_OVERDUE_LETTER})
REVIEW_KINDS: Final = tuple(
    kind for kind in MessageKind if kind not in SETTING_LIST_KINDS | OPERATOR_KINDS | ADVICE_KINDS
)
"""The kinds rendered from one review's context by ``notices.render``."""

EVENT_KINDS: Final = frozenset(
    {
        MessageKind.SETTING_REMINDER,
        MessageKind.SETTING_MISSED,
        MessageKind.LA_REMINDER,
        MessageKind.LA_MISSED,
        MessageKind.ESCALATION,
    }
)

_DECISION_KIND: Final = {
    Outcome.MAINTAIN: MessageKind.DECISION_MAINTAIN,
    Outcome.AMEND: MessageKind.DECISION_AMEND,
    Outcome.CEASE: MessageKind.DECISION_CEASE,
}


def decision_kind(outcome: Outcome) -> MessageKind:
    """Return the decision letter kind of an outcome."""
    return _DECISION_KIND[outcome]


def _step_named(name: str, ladder: Iterable[LadderStep]) -> LadderStep:
    for step in ladder:
        if step.name == name:
            return step
    raise KeyError(f"ladder has no step named {name!r}")


def kind_for_event(event: LadderEvent, ladder: Iterable[LadderStep] = DEFAULT_LADDER) -> MessageKind:
    """Return the message kind of a ladder event, from its step's timing and the deadline's owner."""
    step = _step_named(event.step, ladder)
    if step.family_letter:
        return MessageKind.FAMILY_LATE_LETTER
    by_setting = event.owner is Owner.SETTING
    if step.timing is StepTiming.DAYS_BEFORE:
        return MessageKind.SETTING_REMINDER if by_setting else MessageKind.LA_REMINDER
    if step.timing is StepTiming.DAYS_AFTER:
        return MessageKind.SETTING_MISSED if by_setting else MessageKind.LA_MISSED
    return MessageKind.ESCALATION
