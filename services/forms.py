"""What people enter at each wait: one pydantic form per stage, the same for every door, and the one date type.

The front door's pages and API, ``ehcp`` and the Prefect UI's Resume form all build these forms (plain pydantic
models: no Prefect at import; ``tasks.review`` turns each into Prefect's ``RunInput`` for the wait).

The Prefect UI renders a resume form from these models' JSON schema, so every
field has a description a caseworker or SENCO can act on, and a field the law
needs is required by its type (the UI marks it so; the server refuses a form
without it before the run is resumed). Only people resume a review run: the
statutory clock never does, so no form carries a field for it. Nothing
personal is asked for: no names of the child, no free-text views (Prefect
stores every response). ``to_stage_input`` turns a form into the pure
``rules.transitions`` value.

Every date a door takes is a ``StrictDate``: exactly ``YYYY-MM-DD`` in ASCII digits. pydantic's own ``date`` is
lax: it took a Unix timestamp (``1803427200`` became 24 February 2027 at ``ehcp submit``), ``20270201``, or a
datetime at midnight. Its JSON schema stays ``format: date``, so the Prefect UI still shows a date picker.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import Enum
from typing import Annotated, Any, Final, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, ValidationError
from pydantic_core import PydanticCustomError

from rules.errors import Problem
from rules.facts import Outcome
from rules.facts_input import parse_date
from rules.stages import Stage
from rules.transitions import (
    DecisionTaken,
    MeetingHeld,
    PlanIssued,
    PreparationDone,
    ReportReceived,
    StageInput,
)


def strict_date(value: object) -> date:
    """Return ``value`` as a date if it is a date or strict ``YYYY-MM-DD`` text; raise ValueError otherwise."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    return parse_date(value)


def _validated(value: object) -> date:
    try:
        return strict_date(value)
    except ValueError as exc:  # the rules' message as it is, without pydantic's "Value error, " prefix
        raise PydanticCustomError("strict_date", "{reason}", {"reason": str(exc)}) from None


StrictDate = Annotated[date, BeforeValidator(_validated)]
"""A calendar date given exactly as ``YYYY-MM-DD`` (or as a ``date``); a number, a datetime or any other shape is
refused."""


_BY = "Your staff ID or work email, for the audit log."


def submitted_by_field() -> Any:
    return Field(min_length=2, max_length=100, title="Your staff ID", description=_BY)


def _form_schema(schema: dict[str, Any], model: type[Any]) -> None:
    """Shape the saved schema for the Prefect UI, which follows no ``$ref`` and shows a "None" toggle for
    ``anyOf [..., null]``: choices are given inline, and an optional field keeps its own type (it stays
    optional: it is not in ``required``)."""
    for name, field in schema.get("properties", {}).items():
        annotation = model.model_fields[name].annotation
        if field.pop("$ref", None) is not None and isinstance(annotation, type) and issubclass(annotation, Enum):
            field.update({"type": "string", "enum": [member.value for member in annotation]})
        choices = [c for c in field.pop("anyOf", []) if c.get("type") != "null"]
        if choices:
            field.update(choices[0])
            field.pop("default", None)


class StageForm(BaseModel):
    """What every wait shares. Each form declares ``submitted_by`` last, so the UI shows it at the bottom.

    Unknown fields are refused (the schema says ``additionalProperties: false``, as Prefect's own inputs do)."""

    model_config = ConfigDict(extra="forbid", json_schema_extra=_form_schema)

    @property
    def submitter(self) -> str:
        return str(getattr(self, "submitted_by", "unknown"))


class PreparationForm(StageForm):
    """Stage 1: the meeting date is fixed, invitations are out and advice is circulated."""

    meeting_planned_on: StrictDate = Field(title="Meeting date", description="The date fixed for the review meeting.")
    invitations_sent_on: StrictDate = Field(
        title="Invitations sent on",
        description="When invitations went out: the law asks for at least 2 weeks before the meeting (Reg 20(3)).",
    )
    advice_circulated_on: StrictDate = Field(
        title="Advice circulated on",
        description="When advice was circulated: the law asks for at least 2 weeks before the meeting (Reg 20(4)).",
    )
    submitted_by: str = submitted_by_field()


class MeetingForm(StageForm):
    """Stage 2: the review meeting was held."""

    meeting_held_on: StrictDate = Field(title="Meeting held on", description="The date the review meeting was held.")
    preparing_for_adulthood_discussed: bool = Field(
        default=False,
        title="Preparing for adulthood discussed",
        description="Tick if the meeting considered preparing for adulthood (required from Year 9, Reg 20(6)).",
    )
    submitted_by: str = submitted_by_field()


class ReportForm(StageForm):
    """Stage 3: the post-meeting report was sent (the duty, Reg 20(7)-(8)) and reached the LA."""

    report_received_on: StrictDate = Field(
        title="Report received on", description="The date the LA received the report."
    )
    report_sent_on: StrictDate | None = Field(
        default=None,
        title="Report sent on",
        description="The date the report was sent to the LA and everyone invited (within 2 weeks of the meeting, "
        "Reg 20(7)-(8)); the deadline is judged on it when given.",
    )
    recommendation: Outcome = Field(
        title="Recommendation", description="The meeting's recommendation: maintain, amend or cease the plan."
    )
    disagreement_recorded: bool = Field(
        default=False,
        title="Disagreement recorded",
        description="Tick if the report records any disagreement with the recommendation.",
    )
    meeting_record_id: int | None = Field(
        default=None,
        title="Meeting record number",
        description="Set by the front door: the number of the meeting record kept in the records database.",
    )
    submitted_by: str = submitted_by_field()


class DecisionForm(StageForm):
    """Stage 4: the LA decided and notified the family and the setting."""

    outcome: Outcome = Field(title="Decision", description="The LA's decision: maintain, amend or cease.")
    notified_on: StrictDate = Field(title="Notified on", description="The date the decision was notified.")
    amendment_notice_sent_on: StrictDate | None = Field(
        default=None,
        title="Amendment notice sent on",
        description="Amend only: the date the proposed amendments (the amendment notice) were sent, if they went "
        "with or after the decision; leave it empty if they have not been sent, and record the notice when it is "
        "(stage 5, document amendment-notice). It is never taken to be the decision date.",
    )
    submitted_by: str = submitted_by_field()


class PlanForm(StageForm):
    """Stage 5: the final amended plan or the not-amending notice (amend), or the cease notice (cease)."""

    document: Literal["amendment-notice", "final-plan", "not-amending", "cease-notice"] = Field(
        title="Document",
        description="After amend: amendment-notice (the proposed amendments, when they did not go with the "
        "decision), then final-plan, or not-amending (the Reg 22(4) notice that the LA will not amend after "
        "all; its reasons are recorded in the records through the front door or `ehcp issue REF not-amending "
        "--reasons-file`, never here). After cease: cease-notice (the Reg 31 notice after consultation).",
    )
    issued_on: StrictDate = Field(title="Issued on", description="The date the document was issued.")
    submitted_by: str = submitted_by_field()


def form_problems(exc: ValidationError) -> list[Problem]:
    """Turn a form's validation errors into problems named by the form's field (``invited_on.family``)."""
    return [
        Problem(".".join(str(part) for part in error["loc"]) or "form", error["msg"])
        for error in exc.errors(include_url=False)
    ]


FORMS: Final[dict[Stage, type[StageForm]]] = {
    Stage.PREPARATION: PreparationForm,
    Stage.MEETING: MeetingForm,
    Stage.REPORT: ReportForm,
    Stage.DECISION: DecisionForm,
    Stage.PLAN: PlanForm,
}


def to_stage_input(form: StageForm) -> StageInput:
    """Return the pure stage input carried by a person's form."""
    if isinstance(form, PreparationForm):
        return PreparationDone(form.meeting_planned_on, form.invitations_sent_on, form.advice_circulated_on)
    if isinstance(form, MeetingForm):
        return MeetingHeld(form.meeting_held_on, form.preparing_for_adulthood_discussed)
    if isinstance(form, ReportForm):
        return ReportReceived(
            form.report_received_on, form.recommendation, form.disagreement_recorded, form.report_sent_on
        )
    if isinstance(form, DecisionForm):
        return DecisionTaken(form.outcome, form.notified_on, form.amendment_notice_sent_on)
    if isinstance(form, PlanForm):
        return PlanIssued(form.document, form.issued_on)
    raise TypeError(f"not a stage form: {type(form).__name__}")
