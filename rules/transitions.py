"""Moving a review on: a person's stage input applied to the recorded facts, or refused.

Pure module (STATUTORY.md section 3). The stages happen in order, once each:
an input for a stage other than the current one is refused (a second decision,
a report before the meeting), as is any input that would leave the facts in an
impossible order (``rules.consistency``) or that dates an event after the
business date. A refusal is data: the list of problems a person must fix.
From Year 9 the meeting must consider preparing for adulthood (Reg 20(6)).

History is never refused for being late or unlawful: a person records what
happened. A duty done late (invitations 6 days before the meeting) or a final
plan issued inside the family's 15-day window (Reg 22(2)(c), a breach decided
by ``rules.consistency``) is recorded, and ``recorded_notes`` says so, naming
what the law asks, so the person who entered it is told.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date
from typing import Final

from rules.calendar import IsWorkingDay
from rules.consistency import breaches, order_problems
from rules.deadlines import deadlines_for
from rules.errors import Problem
from rules.facts import Decision, Outcome, ReviewFacts
from rules.labels import LABELS
from rules.rule_set import RuleSet
from rules.stages import Stage, completed_stages, current_stage
from rules.status import Status, met_on, status_of

__all__ = [
    "DecisionTaken",
    "MeetingHeld",
    "PlanIssued",
    "PreparationDone",
    "ReportReceived",
    "StageInput",
    "Transition",
    "apply_stage_input",
    "recorded_notes",
]

PREPARING_FOR_ADULTHOOD_FROM_YEAR: Final = 9


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
    report_sent_on: date | None = None  # the duty is to send (Reg 20(7)-(8)); the status follows it when known


@dataclass(frozen=True, slots=True)
class DecisionTaken:
    outcome: Outcome
    notified_on: date
    amendment_notice_sent_on: date | None = None


@dataclass(frozen=True, slots=True)
class PlanIssued:
    """The stage 5 document: after amend, the amendment notice (Reg 22(2)) when it was not sent with the
    decision, then the final amended plan or the Reg 22(4) not-amending notice; after cease, the Reg 31 cease
    notice after consultation. The not-amending notice's reasons are held in the
    records (``records.review_progress.record_not_amending_reasons``), never in this value."""

    document: str  # "amendment-notice" | "final-plan" | "not-amending" | "cease-notice"
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
        return replace(facts, report_received_on=given.report_received_on, report_sent_on=given.report_sent_on)
    if isinstance(given, DecisionTaken):
        # Never invent a notice date (STATUTORY.md s3): with none given, amendment_notice_due stays open and is
        # chased until the notice is recorded (stage 5, document "amendment-notice").
        decision = Decision(given.outcome, given.notified_on)
        return replace(facts, decision=decision, amendment_notice_sent_on=given.amendment_notice_sent_on)
    if given.document == "amendment-notice":
        return replace(facts, amendment_notice_sent_on=given.issued_on)
    if given.document == "final-plan":
        return replace(facts, final_plan_issued_on=given.issued_on)
    if given.document == "not-amending":
        return replace(facts, amendments_withdrawn_on=given.issued_on)
    return replace(facts, cease_notice_sent_on=given.issued_on)


def _documents_expected(facts: ReviewFacts) -> tuple[str, ...]:
    """The stage 5 documents the decision allows next: after amend, the amendment notice until it is recorded."""
    outcome = facts.decision.outcome if facts.decision is not None else None
    if outcome is Outcome.AMEND:
        noticed = facts.amendment_notice_sent_on is not None
        return ("final-plan", "not-amending") if noticed else ("amendment-notice", "not-amending")
    return ("cease-notice",) if outcome is Outcome.CEASE else ()


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
        expected = _documents_expected(facts)
        if given.document not in expected:
            documents = " or ".join(expected) or "nothing"
            why = " (no amendment notice is recorded yet)" if "amendment-notice" in expected else ""
            return [Problem("document", f"the decision was {outcome}{why}: the plan stage expects {documents}")]
    needs_pfa = year_group is not None and year_group >= PREPARING_FOR_ADULTHOOD_FROM_YEAR
    if isinstance(given, MeetingHeld) and needs_pfa and not given.preparing_for_adulthood_discussed:
        return [
            Problem(
                "preparing_for_adulthood_discussed",
                "from Year 9 the review must consider preparing for adulthood (Reg 20(6)); confirm it did",
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


_WHAT_THE_LAW_ASKS: Final = {
    "invitations_due": "the law asks for at least 2 weeks' notice of the meeting",
    "advice_due": "the law asks for the advice to be circulated at least 2 weeks before the meeting",
    "report_due": "the law asks for the report to be sent within 2 weeks of the meeting",
    "decision_due": "the law asks for the decision within 4 weeks of the meeting",
    "amendment_notice_due": "the proposed amendments are due with the decision, within 4 weeks of the meeting",
    "final_plan_due": "the final plan (or not-amending notice) is due within 8 weeks of the notice, 12 of the meeting",
}


def recorded_notes(
    before: ReviewFacts, after: ReviewFacts, rule_set: RuleSet, *, is_working_day: IsWorkingDay
) -> tuple[Problem, ...]:
    """Return what a person must be told about an accepted input: each duty it shows done late or unlawfully.

    The facts are recorded either way (history); the note names the deadline, what the law asks and its
    citation, so a SENCO who sent invitations 6 days before the meeting learns that 2 weeks were due.
    """
    broken = breaches(after, rule_set)
    completed = completed_stages(after)
    notes = []
    for deadline in deadlines_for(after, rule_set, is_working_day=is_working_day):
        done = met_on(deadline.key, after)
        if done is None or done == met_on(deadline.key, before):
            continue
        status = status_of(deadline, done, completed, done, broken)
        label = LABELS.get(deadline.key, deadline.key)
        if status is Status.BREACH:
            notes.append(Problem(deadline.key, f"recorded as a breach, never met: {broken[deadline.key]}"))
        elif status is Status.MET_LATE:
            asks = _WHAT_THE_LAW_ASKS.get(deadline.key, "the law sets this date")
            late = (done - deadline.due_on).days
            notes.append(
                Problem(
                    deadline.key,
                    f"recorded, met late: {label} was due by {deadline.due_on:%a %d %b %Y} and was done on "
                    f"{done:%a %d %b %Y}, {late} day{'s' if late != 1 else ''} late; {asks} ({deadline.citation})",
                )
            )
    return tuple(notes)
