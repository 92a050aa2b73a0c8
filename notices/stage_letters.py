"""Which letters a recorded stage sends, and to whom: the decision (stage 4) and the plan documents (stage 5).

Pure: a recorded stage input and who the review's letters can reach in, the letters to queue out.

- The LA notifies its decision to the parent or young person and to the setting (Reg 20(10)).
- An amend decision sent without its proposed amendments is followed by the amendment notice
  when it is sent (Reg 22(2)), a letter of its own.
- A cease decision opens the consultation: the family is told the LA is considering ceasing and
  asked for views, and the head teacher or principal of the institution named in the plan is
  consulted (Reg 31(1)(a)-(c)).
- The final amended plan goes also to the institution it names, when that is not the current
  setting, and to the health commissioning body (Reg 22(3)(b)-(c)); the cease notice goes to the
  institution named in the plan and the commissioning body too (Reg 31(2)).
- A review the LA leads because the child attends no school or college (Reg 21) has no setting
  to copy.

Each letter has a deterministic outbox key per review, purpose and role, so queueing it again (a
replayed stage) finds the row already there. The family's letters go to the post room (the
records hold no family address).

A cease notice recorded on the decision's own day is the same act as the decision (STATUTORY.md
s3: "the decision letter of stage 4 may itself be the cease notice"): each role's stage-4 letter
that has not gone yet is rendered as the notice, so the stage-5 letter to that role is queued only
if its stage-4 letter was already sent (``StageLetter.unless_unsent``). The family gets one formal
notice, not two.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
from typing import Final

from notices.kinds import MessageKind
from notices.letters import letter_kind
from rules.facts import Outcome
from rules.ladder import Role
from rules.transitions import DecisionTaken, PlanIssued, StageInput

__all__ = [
    "LETTER_RECIPIENTS",
    "LetterReach",
    "StageLetter",
    "copy_roles",
    "letter_key",
    "letters_for_stage_input",
    "recipients_of",
]

LETTER_RECIPIENTS: Final = (Role.FAMILY, Role.SENCO)
"""Who a maintain or amend decision goes to at a review with a setting (Reg 20(10))."""

_CEASE_DECISION_PURPOSE: Final = f"decision-{Outcome.CEASE}"


@dataclass(frozen=True, slots=True)
class LetterReach:
    """Who a review's letters can reach besides the family (from the records; nothing personal)."""

    has_setting: bool = True
    """False for a review the LA leads because the child attends no school or college (Reg 21)."""
    named_institution: bool = False
    """The amended plan names a school or college other than the current setting (a phase transfer)."""


@dataclass(frozen=True, slots=True)
class StageLetter:
    """One letter to one role about one review's recorded stage (nothing personal)."""

    idempotency_key: str
    kind: MessageKind
    recipient_role: Role
    unless_unsent: str | None = None
    """Queue this letter only if the letter with this key was already sent; while that one is unsent it
    is rendered as this one (a cease notice on the decision's own day)."""


def recipients_of(kind: MessageKind, reach: LetterReach) -> tuple[Role, ...]:
    """Return who receives a stage letter of ``kind`` at a review with this reach, the family first."""
    setting = (Role.SENCO,) if reach.has_setting else ()
    named = (Role.NAMED_INSTITUTION,) if reach.named_institution else ()
    if kind is MessageKind.DECISION_CEASE:  # the family is told; the head teacher or principal is consulted
        return (Role.FAMILY, *setting, *((Role.HEAD_TEACHER,) if reach.has_setting else ()))
    if kind is MessageKind.FINAL_PLAN_ISSUED:
        return (Role.FAMILY, *setting, *named, Role.COMMISSIONING_BODY)
    if kind is MessageKind.CEASE_NOTICE:
        return (Role.FAMILY, *setting, *((Role.HEAD_TEACHER,) if reach.has_setting else ()), *named,
                Role.COMMISSIONING_BODY)
    if kind is MessageKind.APPEAL_AFTER_MEDIATION:
        return (Role.FAMILY,)
    return (Role.FAMILY, *setting)


def copy_roles(kind: MessageKind, reach: LetterReach) -> tuple[Role, ...]:
    """Return who else receives the family's letter of ``kind`` (what its closing line names)."""
    return tuple(role for role in recipients_of(kind, reach) if role is not Role.FAMILY)


def letter_key(review_ref: str, purpose: str, role: Role) -> str:
    """Return the outbox key of one stage letter to one role."""
    return f"{review_ref}/letter/{purpose}/{role}"


def _letters(review_ref: str, purpose: str, kind: MessageKind, roles: Collection[Role]) -> list[StageLetter]:
    return [StageLetter(letter_key(review_ref, purpose, role), kind, role) for role in roles]


def _same_day_notice(review_ref: str, roles: Collection[Role], reach: LetterReach) -> list[StageLetter]:
    """The cease notice recorded on the decision's day: each role's unsent decision letter carries it instead."""
    decided = set(recipients_of(MessageKind.DECISION_CEASE, reach))
    return [
        StageLetter(
            letter_key(review_ref, "cease-notice", role),
            MessageKind.CEASE_NOTICE,
            role,
            letter_key(review_ref, _CEASE_DECISION_PURPOSE, role) if role in decided else None,
        )
        for role in roles
    ]


def letters_for_stage_input(
    review_ref: str, given: StageInput, *, reach: LetterReach = LetterReach(), decided_on: date | None = None
) -> list[StageLetter]:
    """Return the letters an accepted stage input sends; none for stages 1-3 (the setting's own duties).

    ``decided_on`` is the decision's date: a cease notice of that same day is the decision's own notice.
    """
    kind = letter_kind(given)
    if kind is None:
        return []
    if isinstance(given, DecisionTaken):
        return _letters(review_ref, f"decision-{given.outcome}", kind, recipients_of(kind, reach))
    if isinstance(given, PlanIssued):
        roles = recipients_of(kind, reach)
        if kind is MessageKind.CEASE_NOTICE and given.issued_on == decided_on:
            return _same_day_notice(review_ref, roles, reach)
        return _letters(review_ref, given.document, kind, roles)
    return []
