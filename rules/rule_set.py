"""The named, versioned rule set: every period, policy setting and the ladder in one value.

Pure module. ``ENGLAND_2014`` is the law of STATUTORY.md with the product's
defaults; an authority's variant is made with ``ENGLAND_2014.with_settings(...)``
(for Norfolk's 2019 reading, ``cycle_anchor=CycleAnchor.MEETING``). A review
records the ``name``/``version`` it was computed under.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Final

from rules.ladder import DEFAULT_LADDER, LadderStep
from rules.periods import Counting, Period, Unit

__all__ = ["ENGLAND_2014", "CycleAnchor", "RuleSet", "StatutoryPeriods"]


class CycleAnchor(StrEnum):
    """What "the date of the previous review" means (disputed; STATUTORY.md section 2)."""

    DECISION = "decision"
    MEETING = "meeting"


@dataclass(frozen=True, slots=True)
class StatutoryPeriods:
    """Every period the deadlines use, each citing its source."""

    review_cycle: Period = Period(12, Unit.MONTHS, Counting.STARTING_WITH, "CFA 2014 s44(1); CoP 9.169")
    meeting_lead: Period = Period(
        4, Unit.WEEKS, Counting.BEFORE, "product rule: leaves the LA its 4 weeks (Reg 20(10)) inside s44(1)"
    )
    invitations_notice: Period = Period(2, Unit.WEEKS, Counting.BEFORE, "Regs 20(3), 21(3); CoP 9.176")
    advice_circulation: Period = Period(2, Unit.WEEKS, Counting.BEFORE, "Regs 20(4), 21(4); CoP 9.176")
    report: Period = Period(2, Unit.WEEKS, Counting.AFTER, "Regs 20(7)-(8), 21(7); CoP 9.176")
    decision: Period = Period(
        4, Unit.WEEKS, Counting.AFTER, "Reg 20(10); R (L, M and P) v Devon CC [2022] EWHC 493 (Admin)"
    )
    amendment_notice: Period = Period(
        4, Unit.WEEKS, Counting.AFTER, "Regs 20(10), 22(2); R (L, M and P) v Devon CC [2022] EWHC 493 (Admin)"
    )
    representations: Period = Period(15, Unit.DAYS, Counting.STARTING_WITH, "Reg 22(2)(c)")
    final_plan: Period = Period(8, Unit.WEEKS, Counting.AFTER, "Reg 22(3), 22(4)")
    final_plan_from_meeting: Period = Period(
        12, Unit.WEEKS, Counting.AFTER, "Regs 20(10), 22(2)-(4); R (L, M and P) v Devon CC [2022] EWHC 493 (Admin)"
    )
    post16_transfer_lead: Period = Period(5, Unit.MONTHS, Counting.BEFORE, "Reg 18(2)")
    appeal: Period = Period(
        2, Unit.MONTHS, Counting.AFTER, "Tribunal Procedure (HESC) Rules 2008 rules 12 and 20; CFA 2014 s51"
    )
    mediation_certificate: Period = Period(
        1, Unit.MONTHS, Counting.AFTER, "Tribunal Procedure (HESC) Rules 2008 rule 20(1)(c)"
    )
    mediation_contact: Period = Period(2, Unit.MONTHS, Counting.AFTER, "Reg 33")
    transfer_in_review: Period = Period(
        3, Unit.MONTHS, Counting.AFTER,
        "SEND Regs 2014 reg 15 (plan transferred in): the review is due by the later of the 12 months (CFA s44(1)) "
        "and 3 months from the transfer",
    )
    transfer_notice_lead: Period = Period(
        15, Unit.DAYS, Counting.BEFORE, "Reg 22(2)(c) worked back from the Reg 18 cap (risk warning)"
    )


@dataclass(frozen=True, slots=True)
class RuleSet:
    """A named, versioned set of rules and the authority's policy settings."""

    name: str
    version: str
    cycle_anchor: CycleAnchor
    preparation_weeks: int
    under_five_cycle_months: int
    ladder: tuple[LadderStep, ...]
    periods: StatutoryPeriods = StatutoryPeriods()
    school_transfer_deadline: tuple[int, int] = (2, 14)
    post16_transfer_deadline: tuple[int, int] = (3, 30)
    cease_consultation_days: int = 15
    """Policy: the days, starting with the proposal letter, the family and the head teacher have to give their
    views before the LA decides to cease (Reg 31(1)(b)-(c) sets no period; 15 days as Reg 22(2)(c) gives)."""
    preparation_lead: Period = field(init=False, repr=False, compare=False)
    under_five_cycle: Period = field(init=False, repr=False, compare=False)
    cease_consultation: Period = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.preparation_weeks <= 0:
            raise ValueError("preparation_weeks must be positive")
        if not 1 <= self.under_five_cycle_months <= 12:
            raise ValueError("under_five_cycle_months must be between 1 and 12")
        # Derived once: preparation opens this long before the meeting is due (policy),
        # and children under 5 get an interim review on this cycle (guidance, advisory).
        lead = Period(self.preparation_weeks, Unit.WEEKS, Counting.BEFORE, "policy: STATUTORY.md s2")
        cycle = Period(self.under_five_cycle_months, Unit.MONTHS, Counting.STARTING_WITH, "CoP 9.178 (guidance)")
        object.__setattr__(self, "preparation_lead", lead)
        object.__setattr__(self, "under_five_cycle", cycle)
        consultation = Period(
            self.cease_consultation_days,
            Unit.DAYS,
            Counting.STARTING_WITH,
            "Reg 31(1)(b)-(c): consult before ceasing (no period in law; policy, as Reg 22(2)(c))",
        )
        object.__setattr__(self, "cease_consultation", consultation)

    def with_settings(self, **changes: object) -> RuleSet:
        """Return this rule set with some policy settings changed (derived periods recomputed)."""
        return replace(self, **changes)  # type: ignore[arg-type]


ENGLAND_2014: Final = RuleSet(
    name="england-2014",
    version="1.0",
    cycle_anchor=CycleAnchor.DECISION,
    preparation_weeks=8,
    under_five_cycle_months=6,
    ladder=DEFAULT_LADDER,
)
