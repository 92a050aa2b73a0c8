"""Which letters a stage sends when it is recorded: the decision (stage 4) and the plan documents (stage 5).

Pure: a recorded stage input in, the letters to queue out. The LA notifies its decision to the
parent or young person and to the setting (Reg 20(10)); the final amended plan and the cease
notice go to the same people (Reg 22(3); Reg 31). Each letter has a deterministic outbox key per
review, purpose and role, so queueing it again (a replayed stage) finds the row already there.
The family's letters go to the post room (the records hold no family address).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from notices.kinds import MessageKind, decision_kind
from rules.ladder import Role
from rules.transitions import DecisionTaken, PlanIssued, StageInput

__all__ = ["StageLetter", "letters_for_stage_input"]

LETTER_RECIPIENTS: Final = (Role.FAMILY, Role.SENCO)

_PLAN_DOCUMENT_KIND: Final = {
    "final-plan": MessageKind.FINAL_PLAN_ISSUED,
    "not-amending": MessageKind.NOT_AMENDING_NOTICE,
    "cease-notice": MessageKind.CEASE_NOTICE,
}


@dataclass(frozen=True, slots=True)
class StageLetter:
    """One letter to one role about one review's recorded stage (nothing personal)."""

    idempotency_key: str
    kind: MessageKind
    recipient_role: Role


def _letters(review_ref: str, purpose: str, kind: MessageKind) -> list[StageLetter]:
    return [StageLetter(f"{review_ref}/letter/{purpose}/{role}", kind, role) for role in LETTER_RECIPIENTS]


def letters_for_stage_input(review_ref: str, given: StageInput) -> list[StageLetter]:
    """Return the letters an accepted stage input sends; none for stages 1-3 (the setting's own duties)."""
    if isinstance(given, DecisionTaken):
        return _letters(review_ref, f"decision-{given.outcome}", decision_kind(given.outcome))
    if isinstance(given, PlanIssued):
        return _letters(review_ref, given.document, _PLAN_DOCUMENT_KIND[given.document])
    return []
