"""What people enter at each wait: one pydantic RunInput per stage, shared by the Prefect UI form and ``ehcp``.

The Prefect UI renders a resume form from these models' JSON schema, so every
field has a description a caseworker or SENCO can act on. Nothing personal is
asked for: no names of the child, no free-text views (Prefect stores every
response). ``to_stage_input`` turns a form into the pure ``rules.transitions``
value the record applies.
"""

from __future__ import annotations

from datetime import date
from typing import Final, Literal

from prefect.input import RunInput
from pydantic import Field

from rules.facts import Outcome
from rules.stages import Stage
from rules.transitions import (
    DecisionTaken,
    MeetingHeld,
    PlanIssued,
    PreparationDone,
    ReportReceived,
    StageInput,
)

_BY = "Your staff ID or work email, for the audit log."


class PreparationForm(RunInput):
    """Stage 1: the meeting date is fixed, invitations are out and advice is circulated."""

    meeting_planned_on: date = Field(description="The date fixed for the review meeting (YYYY-MM-DD).")
    invitations_sent_on: date = Field(
        description="When the invitations went out: at least 2 weeks before the meeting (Reg 20(3))."
    )
    advice_circulated_on: date = Field(
        description="When the advice and information were circulated: at least 2 weeks before the meeting (Reg 20(4))."
    )
    submitted_by: str = Field(min_length=2, max_length=100, description=_BY)


class MeetingForm(RunInput):
    """Stage 2: the review meeting was held."""

    meeting_held_on: date = Field(description="The date the review meeting was held (YYYY-MM-DD).")
    preparing_for_adulthood_discussed: bool = Field(
        default=False,
        description="Tick if the meeting considered preparing for adulthood (required from Year 9, Reg 20(6)).",
    )
    submitted_by: str = Field(min_length=2, max_length=100, description=_BY)


class ReportForm(RunInput):
    """Stage 3: the setting's post-meeting report reached the LA."""

    report_received_on: date = Field(description="The date the LA received the meeting report (YYYY-MM-DD).")
    recommendation: Outcome = Field(description="The meeting's recommendation: maintain, amend or cease the plan.")
    disagreement_recorded: bool = Field(
        default=False, description="Tick if the report records any disagreement with the recommendation."
    )
    submitted_by: str = Field(min_length=2, max_length=100, description=_BY)


class DecisionForm(RunInput):
    """Stage 4: the LA decided and notified the family and the setting."""

    outcome: Outcome = Field(description="The LA's decision: maintain, amend or cease the plan.")
    notified_on: date = Field(description="The date the decision was notified to the family (YYYY-MM-DD).")
    amendment_notice_sent_on: date | None = Field(
        default=None,
        description="Amend only: the date the proposed amendments were served, if not the decision date.",
    )
    submitted_by: str = Field(min_length=2, max_length=100, description=_BY)


class PlanForm(RunInput):
    """Stage 5: the final amended plan (amend) or the cease notice (cease) was issued."""

    document: Literal["final-plan", "cease-notice"] = Field(
        description="final-plan after an amend decision; cease-notice after a cease decision."
    )
    issued_on: date = Field(description="The date the document was issued (YYYY-MM-DD).")
    submitted_by: str = Field(min_length=2, max_length=100, description=_BY)


StageForm = PreparationForm | MeetingForm | ReportForm | DecisionForm | PlanForm

FORMS: Final[dict[Stage, type[RunInput]]] = {
    Stage.PREPARATION: PreparationForm,
    Stage.MEETING: MeetingForm,
    Stage.REPORT: ReportForm,
    Stage.DECISION: DecisionForm,
    Stage.PLAN: PlanForm,
}


def to_stage_input(form: RunInput) -> StageInput:
    """Return the pure stage input carried by a submitted form."""
    if isinstance(form, PreparationForm):
        return PreparationDone(form.meeting_planned_on, form.invitations_sent_on, form.advice_circulated_on)
    if isinstance(form, MeetingForm):
        return MeetingHeld(form.meeting_held_on, form.preparing_for_adulthood_discussed)
    if isinstance(form, ReportForm):
        return ReportReceived(form.report_received_on, form.recommendation, form.disagreement_recorded)
    if isinstance(form, DecisionForm):
        return DecisionTaken(form.outcome, form.notified_on, form.amendment_notice_sent_on)
    if isinstance(form, PlanForm):
        return PlanIssued(form.document, form.issued_on)
    raise TypeError(f"not a stage form: {type(form).__name__}")
