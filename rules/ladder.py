"""The escalation ladder as data (STATUTORY.md section 5: product policy, configurable per authority).

Pure module. Data format: each ``LadderStep`` says when it fires relative to a
deadline (``days_before``, ``days_after`` or ``working_days_after_missed``) and
who hears of it, separately for a deadline the setting owes and one the LA
owes. An empty audience means the step does not apply to that owner. Steps with
``beyond_first_level=True`` are the later escalations that advisory deadlines
never reach ("escalate one level only").
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from typing import Final

__all__ = ["DEFAULT_LADDER", "LadderStep", "Role", "StepTiming", "ladder_lead_days"]


class Role(StrEnum):
    """Who receives a ladder event."""

    SENCO = "senco"
    HEAD_TEACHER = "head_teacher"
    CASEWORKER = "caseworker"
    SEN_TEAM_MANAGER = "sen_team_manager"
    HEAD_OF_SERVICE = "head_of_sen_service"
    DIRECTOR = "director"
    FAMILY = "family"
    OPERATORS = "operators"  # who runs the service: told when a message could not be delivered
    COMMISSIONING_BODY = "commissioning_body"  # the health commissioning body (ICB): Regs 22(3)(c), 31(2)
    NAMED_INSTITUTION = "named_institution"  # the school or college an amended plan names, when not the current one


class StepTiming(StrEnum):
    DAYS_BEFORE = "days_before"
    DAYS_AFTER = "days_after"
    WORKING_DAYS_AFTER_MISSED = "working_days_after_missed"


@dataclass(frozen=True, slots=True)
class LadderStep:
    """One rung: its name, when it fires, and its audience per owner."""

    name: str
    timing: StepTiming
    amount: int
    setting_audience: tuple[Role, ...]
    la_audience: tuple[Role, ...]
    beyond_first_level: bool = False
    family_letter: bool = False
    citation: str = "STATUTORY.md s5 (product policy)"


DEFAULT_LADDER: Final[tuple[LadderStep, ...]] = (
    LadderStep("reminder-14-days", StepTiming.DAYS_BEFORE, 14, (Role.SENCO,), (Role.CASEWORKER,)),
    LadderStep("reminder-3-days", StepTiming.DAYS_BEFORE, 3, (Role.SENCO,), (Role.CASEWORKER,)),
    LadderStep(
        "family-late-letter",
        StepTiming.DAYS_BEFORE,
        3,
        (),
        (Role.FAMILY,),
        family_letter=True,
        citation="STATUTORY.md s5; Local Government and Social Care Ombudsman findings on unwarned delay",
    ),
    LadderStep(
        "family-follow-up",
        StepTiming.DAYS_AFTER,
        15,
        (),
        (Role.FAMILY,),
        family_letter=True,
        citation="STATUTORY.md s5: the late letter's date has passed, so the family is written to again",
    ),
    LadderStep(
        "missed",
        StepTiming.DAYS_AFTER,
        1,
        (Role.SENCO, Role.HEAD_TEACHER, Role.CASEWORKER),
        (Role.CASEWORKER, Role.SEN_TEAM_MANAGER),
    ),
    LadderStep(
        "escalation-5-working-days",
        StepTiming.WORKING_DAYS_AFTER_MISSED,
        5,
        (Role.CASEWORKER, Role.SEN_TEAM_MANAGER),
        (Role.HEAD_OF_SERVICE,),
        beyond_first_level=True,
    ),
    LadderStep(
        "escalation-15-working-days",
        StepTiming.WORKING_DAYS_AFTER_MISSED,
        15,
        (Role.HEAD_OF_SERVICE,),
        (Role.DIRECTOR,),
        beyond_first_level=True,
    ),
)


def ladder_lead_days(ladder: tuple[LadderStep, ...]) -> int:
    """Return how many days before its deadline a ladder's earliest step fires."""
    return max((s.amount for s in ladder if s.timing is StepTiming.DAYS_BEFORE), default=0)
