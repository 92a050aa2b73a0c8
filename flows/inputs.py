"""What people enter at each wait: one pydantic RunInput per stage, shared by the Prefect UI form and ``ehcp``.

The Prefect UI renders a resume form from these models' JSON schema, so every
field has a description a caseworker or SENCO can act on. Nothing personal is
asked for: no names of the child, no free-text views (Prefect stores every
response).

The statutory clock wakes a waiting review through the same form (a run waits
for one input at a time): it sets only ``clock_tick``. So that it can, the
people's fields are optional in the schema and required by the model itself
(``_people_filled``): a person's form that leaves one empty is refused by the
run with the field named, and the run waits again. ``ehcp`` always sends them.
``to_stage_input`` turns a person's form into the pure ``rules.transitions`` value.
"""

from __future__ import annotations

from datetime import date
from typing import Any, ClassVar, Final, Literal, Self, get_args

from prefect.input import RunInput
from pydantic import ConfigDict, Field, model_validator

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

_BY = "Required. Your staff ID or work email, for the audit log."


def submitted_by_field() -> Any:
    return Field(default=None, min_length=2, max_length=100, description=_BY)


def clock_tick_field() -> Any:
    return Field(
        default=None,
        title="Statutory clock only: leave empty",
        description="Set by the statutory clock to wake this review when a deadline passes. People leave it empty.",
    )


def _form_schema(schema: dict[str, Any], model: type[Any]) -> None:
    """Shape the saved schema the UI renders and the server validates against.

    People's fields are shown with their own type (no "None" toggle), and the server
    requires them unless the clock's ``clock_tick`` is given instead (``anyOf``).
    """
    people = [*getattr(model, "people_fields", ()), "submitted_by"]
    properties = schema.get("properties", {})
    for name in people:
        field = properties.get(name, {})
        choices = [c for c in field.pop("anyOf", []) if c.get("type") != "null"]
        if choices:
            field.update(choices[0])
        field.pop("default", None)
        if "$ref" in field and Outcome in get_args(model.model_fields[name].annotation):
            field.pop("$ref")  # the UI does not follow references: give the choices inline
            field.update({"type": "string", "enum": [outcome.value for outcome in Outcome]})
    tick_only = {"required": ["clock_tick"], "properties": {"clock_tick": {"type": "string"}}}
    schema["anyOf"] = [{"required": people}, tick_only]


class StageForm(RunInput):
    """What every wait shares. Each form declares ``submitted_by`` and ``clock_tick`` last, so the UI
    shows the people's fields first and the clock's field at the bottom."""

    model_config = ConfigDict(json_schema_extra=_form_schema)
    people_fields: ClassVar[tuple[str, ...]] = ()

    @model_validator(mode="after")
    def _people_filled(self) -> Self:
        if self.tick_date is None:
            missing = [name for name in (*self.people_fields, "submitted_by") if getattr(self, name) is None]
            if missing:
                raise ValueError(f"required: {', '.join(missing)}")
        return self

    @property
    def tick_date(self) -> date | None:
        """The business date the statutory clock woke the review for, or None for a person's input."""
        value: date | None = getattr(self, "clock_tick", None)
        return value

    @property
    def submitter(self) -> str:
        return str(getattr(self, "submitted_by", None) or "unknown")


class PreparationForm(StageForm):
    """Stage 1: the meeting date is fixed, invitations are out and advice is circulated."""

    people_fields = ("meeting_planned_on", "invitations_sent_on", "advice_circulated_on")
    meeting_planned_on: date | None = Field(default=None, description="Required. The date fixed for the meeting.")
    invitations_sent_on: date | None = Field(
        default=None,
        description="Required. When invitations went out: at least 2 weeks before the meeting (Reg 20(3)).",
    )
    advice_circulated_on: date | None = Field(
        default=None,
        description="Required. When advice was circulated: at least 2 weeks before the meeting (Reg 20(4)).",
    )
    submitted_by: str | None = submitted_by_field()
    clock_tick: date | None = clock_tick_field()


class MeetingForm(StageForm):
    """Stage 2: the review meeting was held."""

    people_fields = ("meeting_held_on",)
    meeting_held_on: date | None = Field(default=None, description="Required. The date the review meeting was held.")
    preparing_for_adulthood_discussed: bool = Field(
        default=False,
        description="Tick if the meeting considered preparing for adulthood (required from Year 9, Reg 20(6)).",
    )
    submitted_by: str | None = submitted_by_field()
    clock_tick: date | None = clock_tick_field()


class ReportForm(StageForm):
    """Stage 3: the post-meeting report was sent (the duty, Reg 20(7)-(8)) and reached the LA."""

    people_fields = ("report_received_on", "recommendation")
    report_received_on: date | None = Field(default=None, description="Required. The date the LA received the report.")
    report_sent_on: date | None = Field(
        default=None,
        description="The date the report was sent to the LA and everyone invited (within 2 weeks of the meeting, "
        "Reg 20(7)-(8)); the deadline is judged on it when given.",
    )
    recommendation: Outcome | None = Field(
        default=None, description="Required. The meeting's recommendation: maintain, amend or cease the plan."
    )
    disagreement_recorded: bool = Field(
        default=False, description="Tick if the report records any disagreement with the recommendation."
    )
    submitted_by: str | None = submitted_by_field()
    clock_tick: date | None = clock_tick_field()


class DecisionForm(StageForm):
    """Stage 4: the LA decided and notified the family and the setting."""

    people_fields = ("outcome", "notified_on")
    outcome: Outcome | None = Field(default=None, description="Required. The LA's decision: maintain, amend or cease.")
    notified_on: date | None = Field(default=None, description="Required. The date the decision was notified.")
    amendment_notice_sent_on: date | None = Field(
        default=None,
        description="Amend only: the date the proposed amendments were served, if not the decision date.",
    )
    submitted_by: str | None = submitted_by_field()
    clock_tick: date | None = clock_tick_field()


class PlanForm(StageForm):
    """Stage 5: the final amended plan or the not-amending notice (amend), or the cease notice (cease)."""

    people_fields = ("document", "issued_on")
    document: Literal["final-plan", "not-amending", "cease-notice"] | None = Field(
        default=None,
        description="Required. After amend: final-plan, or not-amending (the Reg 22(4) notice that the LA will not "
        "amend after all; record its reasons with `ehcp issue REF not-amending --reasons-file`, never here). "
        "After cease: cease-notice (the Reg 31 notice after consultation).",
    )
    issued_on: date | None = Field(default=None, description="Required. The date the document was issued.")
    submitted_by: str | None = submitted_by_field()
    clock_tick: date | None = clock_tick_field()


FORMS: Final[dict[Stage, type[StageForm]]] = {
    Stage.PREPARATION: PreparationForm,
    Stage.MEETING: MeetingForm,
    Stage.REPORT: ReportForm,
    Stage.DECISION: DecisionForm,
    Stage.PLAN: PlanForm,
}


def _date(value: date | None) -> date:
    if value is None:  # the model validator refuses a person's form with it empty
        raise ValueError("a person's form with an empty date")
    return value


def _outcome(value: Outcome | None) -> Outcome:
    if value is None:
        raise ValueError("a person's form with an empty outcome")
    return value


def to_stage_input(form: StageForm) -> StageInput:
    """Return the pure stage input carried by a person's form."""
    if isinstance(form, PreparationForm):
        return PreparationDone(
            _date(form.meeting_planned_on), _date(form.invitations_sent_on), _date(form.advice_circulated_on)
        )
    if isinstance(form, MeetingForm):
        return MeetingHeld(_date(form.meeting_held_on), form.preparing_for_adulthood_discussed)
    if isinstance(form, ReportForm):
        return ReportReceived(
            _date(form.report_received_on),
            _outcome(form.recommendation),
            form.disagreement_recorded,
            form.report_sent_on,
        )
    if isinstance(form, DecisionForm):
        return DecisionTaken(_outcome(form.outcome), _date(form.notified_on), form.amendment_notice_sent_on)
    if isinstance(form, PlanForm):
        return PlanIssued(str(form.document), _date(form.issued_on))
    raise TypeError(f"not a stage form: {type(form).__name__}")
