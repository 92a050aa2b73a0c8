"""Moving a review on: a person's stage input applied to the recorded facts, or refused.

Pure module (STATUTORY.md section 3). The stages happen in order, once each:
an input for a stage other than the current one is refused (a second decision,
a report before the meeting), as is any input that would leave the facts in an
impossible order (``rules.consistency``) or that dates an event after the
business date. A refusal is data: the list of problems a person must fix.
From Year 9 the meeting must consider preparing for adulthood (Reg 20(6)).
A final amended plan may not be issued inside the family's 15-day
representation window (Reg 22(2)(c)): that input is refused too.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta
from typing import Final

from rules.consistency import order_problems
from rules.errors import Problem
from rules.facts import Decision, Outcome, ReviewFacts
from rules.stages import Stage, current_stage

__all__ = [
    "DecisionTaken",
    "MeetingHeld",
    "PlanIssued",
    "PreparationDone",
    "ReportReceived",
    "StageInput",
    "Transition",
    "apply_stage_input",
]

PREPARING_FOR_ADULTHOOD_FROM_YEAR: Final = 9
REPRESENTATION_WINDOW_DAYS: Final = 15  # Reg 22(2)(c): "at least 15 days beginning with the day" of service


@dataclass(frozen=True, slots=True)
class PreparationDone:
    meeting_planned_on: date
    invitations_sent_on: date
    advice_circulated_on: date


@dataclass(frozen=True, slots=True)
class MeetingHeld:
    meeting_held_on: date
    preparing_for_adulthood_discussed: bool = False


@dataclass(frozen=True, slots=True)
class ReportReceived:
    report_received_on: date
    recommendation: Outcome
    disagreement_recorded: bool = False


@dataclass(frozen=True, slots=True)
class DecisionTaken:
    outcome: Outcome
    notified_on: date
    amendment_notice_sent_on: date | None = None


@dataclass(frozen=True, slots=True)
class PlanIssued:
    """The stage 5 document: the final amended plan (amend) or the cease notice (cease)."""

    document: str  # "final-plan" | "cease-notice"
    issued_on: date


StageInput = PreparationDone | MeetingHeld | ReportReceived | DecisionTaken | PlanIssued

_STAGE_OF: Final = {
    PreparationDone: Stage.PREPARATION,
    MeetingHeld: Stage.MEETING,
    ReportReceived: Stage.REPORT,
    DecisionTaken: Stage.DECISION,
    PlanIssued: Stage.PLAN,
}


@dataclass(frozen=True, slots=True)
class Transition:
    """The outcome of applying an input: the new facts, or the problems that refused it."""

    facts: ReviewFacts
    problems: tuple[Problem, ...] = ()

    @property
    def accepted(self) -> bool:
        return not self.problems


def _updated(facts: ReviewFacts, given: StageInput) -> ReviewFacts:
    if isinstance(given, PreparationDone):
        return replace(
            facts,
            meeting_planned_on=given.meeting_planned_on,
            invitations_sent_on=given.invitations_sent_on,
            advice_circulated_on=given.advice_circulated_on,
        )
    if isinstance(given, MeetingHeld):
        return replace(facts, meeting_held_on=given.meeting_held_on)
    if isinstance(given, ReportReceived):
        return replace(facts, report_received_on=given.report_received_on)
    if isinstance(given, DecisionTaken):
        notice = given.amendment_notice_sent_on
        if given.outcome is Outcome.AMEND and notice is None:
            notice = given.notified_on  # the proposed amendments go with the decision (Reg 22(2))
        return replace(facts, decision=Decision(given.outcome, given.notified_on), amendment_notice_sent_on=notice)
    if given.document == "final-plan":
        return replace(facts, final_plan_issued_on=given.issued_on)
    return replace(facts, cease_notice_sent_on=given.issued_on)


_MAY_BE_FUTURE: Final = frozenset({"meeting_planned_on"})


def _happened_dates(given: StageInput) -> dict[str, date]:
    """Dates of events that must already have happened (a planned meeting may lie ahead)."""
    return {
        name: value
        for name in given.__slots__
        if name not in _MAY_BE_FUTURE and isinstance(value := getattr(given, name), date)
    }


def _stage_problems(facts: ReviewFacts, given: StageInput, year_group: int | None) -> list[Problem]:
    stage, wanted = current_stage(facts), _STAGE_OF[type(given)]
    if stage is None:
        return [Problem("stage", "this review is complete; nothing more can be recorded on it")]
    if wanted is not stage:
        return [Problem("stage", f"the review is at stage {int(stage)} ({stage.label}), not {wanted.label}")]
    if isinstance(given, PlanIssued):
        outcome = facts.decision.outcome if facts.decision else None
        expected = {Outcome.AMEND: "final-plan", Outcome.CEASE: "cease-notice"}.get(outcome) if outcome else None
        if given.document != expected:
            return [Problem("document", f"the decision was {outcome}: the plan stage expects {expected}")]
    needs_pfa = year_group is not None and year_group >= PREPARING_FOR_ADULTHOOD_FROM_YEAR
    if isinstance(given, MeetingHeld) and needs_pfa and not given.preparing_for_adulthood_discussed:
        return [
            Problem(
                "preparing_for_adulthood_discussed",
                "from Year 9 the review must consider preparing for adulthood (Reg 20(6)); confirm it did",
            )
        ]
    notice = facts.amendment_notice_sent_on
    if isinstance(given, PlanIssued) and given.document == "final-plan" and notice is not None:
        window_ends = notice + timedelta(days=REPRESENTATION_WINDOW_DAYS)
        if given.issued_on < window_ends:
            return [
                Problem(
                    "issued_on",
                    f"the final plan may not be issued before {window_ends} (the family's "
                    "15 days for representations, Reg 22(2)(c), start with the notice)",
                )
            ]
    if isinstance(given, DecisionTaken) and given.amendment_notice_sent_on and given.outcome is not Outcome.AMEND:
        return [Problem("amendment_notice_sent_on", "only an amend decision has an amendment notice")]
    return []


def apply_stage_input(
    facts: ReviewFacts, given: StageInput, *, today: date, year_group: int | None = None
) -> Transition:
    """Return the facts with the input applied, or the unchanged facts and every reason it was refused."""
    problems = _stage_problems(facts, given, year_group)
    problems += [
        Problem(name, f"{value} is after today ({today}); record events once they have happened")
        for name, value in _happened_dates(given).items()
        if value > today
    ]
    if problems:
        return Transition(facts, tuple(problems))
    updated = _updated(facts, given)
    order = order_problems(updated)
    return Transition(facts, tuple(order)) if order else Transition(updated)
