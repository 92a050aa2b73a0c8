"""The facts of one annual review, as frozen dataclasses (STATUTORY.md sections 2-4).

Pure module. These are the only shapes the rules see: the records database and
the ``ehcp deadlines`` input file are both mapped to them. Field names follow
``domain/cases/README.md``; the optional ``*_sent_on``/``*_received_on`` dates
beyond that contract let a caller record when a setting's duty was done.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from enum import StrEnum

__all__ = ["Decision", "Outcome", "PhaseTransfer", "PreviousReview", "ReviewFacts", "TransferKind"]


class Outcome(StrEnum):
    """The LA's decision after a review meeting (Reg 20(10))."""

    MAINTAIN = "maintain"
    AMEND = "amend"
    CEASE = "cease"


class TransferKind(StrEnum):
    """Kinds of phase transfer (Reg 18)."""

    SCHOOL = "school"
    SECONDARY_TO_POST16 = "secondary_to_post16"
    POST16 = "post16"


@dataclass(frozen=True, slots=True)
class PreviousReview:
    """The dates of the previous review; either may anchor the cycle (STATUTORY.md section 2)."""

    meeting_on: date
    decision_on: date


@dataclass(frozen=True, slots=True)
class PhaseTransfer:
    """A transfer between phases: a school-year transfer has ``year``, a post-16 one ``transfer_on``."""

    kind: TransferKind
    year: int | None = None
    transfer_on: date | None = None


@dataclass(frozen=True, slots=True)
class Decision:
    """The LA's decision and the date it was notified."""

    outcome: Outcome
    notified_on: date


@dataclass(frozen=True, slots=True)
class ReviewFacts:
    """Everything known about one review; only ``plan_first_issued_on`` is required."""

    plan_first_issued_on: date
    previous_review: PreviousReview | None = None
    date_of_birth: date | None = None
    phase_transfer: PhaseTransfer | None = None
    meeting_planned_on: date | None = None
    meeting_held_on: date | None = None
    decision: Decision | None = None
    amendment_notice_sent_on: date | None = None
    final_plan_issued_on: date | None = None
    cease_notice_sent_on: date | None = None
    invitations_sent_on: date | None = None
    advice_circulated_on: date | None = None
    report_received_on: date | None = None
