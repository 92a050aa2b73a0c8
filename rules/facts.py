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

__all__ = ["Decision", "LedBy", "Outcome", "PhaseTransfer", "PreviousReview", "ReviewFacts", "TransferKind"]


class Outcome(StrEnum):
    """The LA's decision after a review meeting (Reg 20(10))."""

    MAINTAIN = "maintain"
    AMEND = "amend"
    CEASE = "cease"


class LedBy(StrEnum):
    """Who leads stages 1-3: the setting (Reg 20), or the LA where the child attends no school or college (Reg 21)."""

    SETTING = "setting"
    LA = "la"


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
    amendments_withdrawn_on: date | None = None
    """Amend only: the Reg 22(4) notice that the LA will not amend after all (closes stage 5)."""
    mediation_certificate_on: date | None = None
    """A mediation certificate's issue date: the appeal may run 1 month from it (HESC rule 20(1)(c))."""
    led_by: LedBy = LedBy.SETTING
    invitations_sent_on: date | None = None
    advice_circulated_on: date | None = None
    report_sent_on: date | None = None
    """When the report was sent: the duty (Reg 20(7)-(8)); ``report_received_on`` is when the LA had it."""
    report_received_on: date | None = None
    interim_review_held_on: date | None = None
    """A child under 5: the interim review held between annual reviews (CoP 9.178, guidance)."""
    transferred_in_on: date | None = None
    """The day the plan was transferred to this council from another (SEND Regs 2014 reg 15): the plan counts as
    made on the old council's date, and the first review after the transfer may fall later (``rules.cycle``)."""
