"""The one table of the stage letters: which letter an input sends the family, and what builds its words.

The outbox (``notices.stage_letters``: which rows to queue), the renderer (``services.rendering``: the letter
sent) and the front door's preview (``portal.letters``) all read this table, so the caseworker previews
exactly the letter the outbox will send, for every decision and every stage-5 document. Pure: facts and the
review's public details in, a notice context out; what only the records know (the not-amending reasons, who is
copied, whether the amendment notice went apart) comes in ``LetterExtras``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any, Final

from notices.context import (
    DecisionLetterContext,
    LetterCopy,
    ReviewContext,
    amendment_notice_context,
    appeal_after_mediation_context,
    cease_notice_letter_context,
    decision_letter_context,
    final_plan_letter_context,
    not_amending_letter_context,
)
from notices.errors import RenderError
from notices.kinds import MessageKind, decision_kind
from rules.calendar import IsWorkingDay
from rules.facts import ReviewFacts
from rules.rule_set import RuleSet
from rules.transitions import DecisionTaken, PlanIssued, StageInput

__all__ = ["PLAN_DOCUMENT_KINDS", "STAGE_LETTERS", "LetterExtras", "facts_as_sent", "letter_kind", "stage_letter"]

PLAN_DOCUMENT_KINDS: Final = {
    "amendment-notice": MessageKind.AMENDMENT_NOTICE,
    "final-plan": MessageKind.FINAL_PLAN_ISSUED,
    "not-amending": MessageKind.NOT_AMENDING_NOTICE,
    "cease-notice": MessageKind.CEASE_NOTICE,
}
"""The letter each stage-5 document sends (Regs 22(2)-(4), 31)."""


@dataclass(frozen=True, slots=True)
class LetterExtras:
    """What a stage letter needs beyond the facts: read from the records by the caller."""

    copy: LetterCopy = LetterCopy()
    reasons: str = ""
    """The not-amending notice's reasons (Reg 22(4)), held in the records only."""
    notice_with_decision: bool = True
    """False once the amendment notice went as its own letter after the decision."""
    letter_on: date | None = None
    """The appeal-after-mediation letter's own date (the day the certificate was recorded)."""
    sent_on: date | None = None
    """The day the letter is sent (the outbox row's sending date): a letter sent after the date the records give
    its act bears the day it was sent, and its appeal and mediation dates count from that day (HESC rule 20)."""


Builder = Callable[[ReviewFacts, ReviewContext, LetterExtras, RuleSet, IsWorkingDay], DecisionLetterContext]


def _decision(
    facts: ReviewFacts, people: ReviewContext, extras: LetterExtras, rules: RuleSet, days: IsWorkingDay
) -> DecisionLetterContext:
    return decision_letter_context(
        facts,
        people,
        copy=extras.copy,
        notice_with_decision=extras.notice_with_decision,
        rule_set=rules,
        is_working_day=days,
    )


def _final_plan(
    facts: ReviewFacts, people: ReviewContext, extras: LetterExtras, rules: RuleSet, days: IsWorkingDay
) -> DecisionLetterContext:
    return final_plan_letter_context(facts, people, copy=extras.copy, rule_set=rules, is_working_day=days)


def _cease_notice(
    facts: ReviewFacts, people: ReviewContext, extras: LetterExtras, rules: RuleSet, days: IsWorkingDay
) -> DecisionLetterContext:
    return cease_notice_letter_context(facts, people, copy=extras.copy, rule_set=rules, is_working_day=days)


def _not_amending(
    facts: ReviewFacts, people: ReviewContext, extras: LetterExtras, rules: RuleSet, days: IsWorkingDay
) -> DecisionLetterContext:
    return not_amending_letter_context(
        facts, people, reasons=extras.reasons, copy=extras.copy, rule_set=rules, is_working_day=days
    )


def _amendment_notice(
    facts: ReviewFacts, people: ReviewContext, extras: LetterExtras, rules: RuleSet, days: IsWorkingDay
) -> DecisionLetterContext:
    return amendment_notice_context(facts, people, copy=extras.copy, rule_set=rules, is_working_day=days)


def _after_mediation(
    facts: ReviewFacts, people: ReviewContext, extras: LetterExtras, rules: RuleSet, days: IsWorkingDay
) -> DecisionLetterContext:
    letter_on = extras.letter_on or facts.mediation_certificate_on
    if letter_on is None:
        raise RenderError("no mediation certificate is recorded", kind=MessageKind.APPEAL_AFTER_MEDIATION)
    return appeal_after_mediation_context(facts, people, letter_on=letter_on, rule_set=rules, is_working_day=days)


STAGE_LETTERS: Final[dict[MessageKind, Builder]] = {
    MessageKind.DECISION_MAINTAIN: _decision,
    MessageKind.DECISION_AMEND: _decision,
    MessageKind.DECISION_CEASE: _decision,
    MessageKind.AMENDMENT_NOTICE: _amendment_notice,
    MessageKind.FINAL_PLAN_ISSUED: _final_plan,
    MessageKind.NOT_AMENDING_NOTICE: _not_amending,
    MessageKind.CEASE_NOTICE: _cease_notice,
    MessageKind.APPEAL_AFTER_MEDIATION: _after_mediation,
}
"""Every letter a recorded stage or act sends the family, and what builds it."""


_SENT_FACT: Final = {
    MessageKind.AMENDMENT_NOTICE: "amendment_notice_sent_on",
    MessageKind.FINAL_PLAN_ISSUED: "final_plan_issued_on",
    MessageKind.NOT_AMENDING_NOTICE: "amendments_withdrawn_on",
    MessageKind.CEASE_NOTICE: "cease_notice_sent_on",
}
"""The fact each stage-5 letter's date is (its act is the letter: the notice served, the plan issued)."""


_DECISIONS: Final = frozenset({MessageKind.DECISION_MAINTAIN, MessageKind.DECISION_AMEND, MessageKind.DECISION_CEASE})


def _later(recorded: date | None, sent_on: date) -> date | None:
    return max(recorded, sent_on) if recorded is not None else None


def facts_as_sent(kind: MessageKind, facts: ReviewFacts, sent_on: date | None) -> ReviewFacts:
    """Return the facts as the letter of ``kind`` sent on ``sent_on`` tells them: its own date moved to the sending
    day when that is later, so ``rules/`` counts its appeal, mediation and representation dates from the day it
    was sent. The records are not changed; a letter sent on the day recorded reads exactly as before."""
    if sent_on is None:
        return facts
    field = _SENT_FACT.get(kind)
    if field is not None:
        changes: dict[str, Any] = {field: _later(getattr(facts, field), sent_on)}
        return replace(facts, **changes)
    if kind in _DECISIONS and facts.decision is not None:
        decided = facts.decision.notified_on
        moved = replace(facts, decision=replace(facts.decision, notified_on=max(decided, sent_on)))
        if kind is MessageKind.DECISION_AMEND and facts.amendment_notice_sent_on == decided:
            moved = replace(moved, amendment_notice_sent_on=max(decided, sent_on))
        if kind is MessageKind.DECISION_CEASE and facts.cease_notice_sent_on == decided:  # the notice itself
            moved = replace(moved, cease_notice_sent_on=max(decided, sent_on))
        return moved
    return facts


def letter_kind(given: StageInput) -> MessageKind | None:
    """The family's letter a stage input sends: the decision's (stage 4) or the document's (stage 5); else None."""
    if isinstance(given, DecisionTaken):
        return decision_kind(given.outcome)
    if isinstance(given, PlanIssued):
        return PLAN_DOCUMENT_KINDS[given.document]
    return None


def stage_letter(
    kind: MessageKind,
    facts: ReviewFacts,
    people: ReviewContext,
    extras: LetterExtras = LetterExtras(),
    *,
    rule_set: RuleSet,
    is_working_day: IsWorkingDay,
) -> DecisionLetterContext:
    """The context of the stage letter of ``kind`` for these facts; raise RenderError when it cannot be told."""
    try:
        build = STAGE_LETTERS[kind]
    except KeyError:
        raise RenderError("not a stage letter", kind=kind) from None
    if extras.sent_on is not None and extras.letter_on is not None:
        extras = replace(extras, letter_on=max(extras.letter_on, extras.sent_on))
    return build(facts_as_sent(kind, facts, extras.sent_on), people, extras, rule_set, is_working_day)
