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

from rules.adulthood import ADULTHOOD_AREAS, PFA_FROM_YEAR
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


MAX_RECORD_TEXT: Final = 10_000
MAX_SHORT_TEXT: Final = 200
MAX_OUTCOMES: Final = 50
MAX_ADVICE: Final = 30
_CONTROL = frozenset(chr(c) for c in range(32)) - {"\n", "\r", "\t"}


def _text(limit: int) -> Any:
    def check(value: object) -> str:
        if value is None:
            return ""
        if not isinstance(value, str):
            raise PydanticCustomError("text", "Enter text")
        text = value.strip()
        if len(text) > limit:
            raise PydanticCustomError("text", "Shorten this to {limit} characters or fewer", {"limit": f"{limit:,}"})
        if any(char in _CONTROL for char in text):
            raise PydanticCustomError("text", "Remove the control character (it cannot be kept or printed)")
        return text

    return BeforeValidator(check)


RecordText = Annotated[str, _text(MAX_RECORD_TEXT)]
"""A free-text answer of the meeting record (kept in the records database only, never in a run's form)."""
ShortText = Annotated[str, _text(MAX_SHORT_TEXT)]


class _Part(BaseModel):
    model_config = ConfigDict(extra="forbid")


class OutcomeRow(_Part):
    """One outcome (from section E, or a new or interim one) and the progress towards it."""

    outcome: RecordText = Field(default="", description="The outcome, as section E words it (or a new one).")
    progress: RecordText = Field(default="", description="Progress towards it since the last review.")


class HeadSignOff(_Part):
    """The head teacher's or principal's sign-off of the record (Norfolk MI 136/19)."""

    name: ShortText = Field(default="", description="Who signed the record off.")
    role: ShortText = Field(default="", description="Their role: head teacher, principal, or who acts for them.")
    signed_on: StrictDate | None = Field(default=None, description="The date they signed it off.")


class AdviceReceived(_Part):
    """Advice or a report received for the review: from whom, their role, when; optionally its file."""

    from_whom: ShortText = Field(default="", description="Who gave the advice or report.")
    role: ShortText = Field(default="", description="Their role, e.g. educational psychologist.")
    received_on: StrictDate | None = Field(default=None, description="The date it was received.")
    attachment_id: int | None = Field(
        default=None, description="Set by the front door: the uploaded file kept in the records database."
    )




class Adulthood(_Part):
    """Preparing for adulthood, from Year 9 (Reg 20(6)): what the meeting said in each of the four areas."""

    employment: RecordText = ""
    independent_living: RecordText = ""
    community: RecordText = ""
    health: RecordText = ""


class PersonalBudget(_Part):
    """Whether the family or young person asked for a personal budget (section J), and what for."""

    requested: bool | None = Field(default=None, description="True if a personal budget was requested.")
    details: RecordText = Field(default="", description="What it would pay for; required when requested.")


RECORD_REQUIRED: Final = {
    "attendance": "Enter who attended",
    "child_views": "Enter the child's or young person's views",
    "family_views": "Enter the family's views",
    "recommendation_reasons": "Enter the reasons for the recommendation",
}


class MeetingRecordContent(_Part):
    """Stage 3's meeting record: what the setting writes after the meeting (the council's template).

    Personal data: kept in the records database only (``meeting_records``), never in a run's form, Prefect, a log
    line or a URL. Every door fills it (the pages, the JSON API, ``ehcp submit report --record FILE.json``); a draft
    may be incomplete, and ``send_problems`` says what sending needs, naming each field."""

    attendance: RecordText = Field(default="", description="Who attended: names and roles.")
    child_views: RecordText = Field(default="", description="The child's or young person's views.")
    aspirations: RecordText = Field(default="", description="The child's or young person's aspirations (section A).")
    family_views: RecordText = ""
    working_well: RecordText = Field(default="", description="What is working well, from everyone's point of view.")
    not_working: RecordText = Field(default="", description="What is not working well, or is hard, and why.")
    outcomes: list[OutcomeRow] = Field(default=[], max_length=MAX_OUTCOMES)
    next_phase: RecordText = Field(default="", description="Moving on: the next phase of education or training, the "
                                                        "setting the family or young person would like, and what "
                                                        "the move needs (Reg 18; CoP 9.179).")
    changes: RecordText = ""
    sections: dict[Literal["b", "c", "d", "e", "f", "g", "h", "i"], RecordText] = {}
    adulthood: Adulthood = Adulthood()
    personal_budget: PersonalBudget = PersonalBudget()
    advice: list[AdviceReceived] = Field(default=[], max_length=MAX_ADVICE)
    recommendation: Outcome | None = None
    recommendation_reasons: RecordText = ""
    disagreements: RecordText = Field(default="", description="Where others' recommendations differ from the "
                                                           "setting's (Reg 20(7)(b)).")
    agreed_actions: RecordText = ""
    head_signoff: HeadSignOff = HeadSignOff()

    def send_problems(self, year_group: int | None) -> list[Problem]:
        """What must be added before the record is sent, each naming its field (``head_signoff.name``)."""
        problems = [Problem(name, fix) for name, fix in RECORD_REQUIRED.items() if not getattr(self, name)]
        problems += self._row_problems()
        if year_group is not None and year_group >= PFA_FROM_YEAR:
            problems += [
                Problem(f"adulthood.{key}", f"Enter what the meeting said about {label[0].lower()}{label[1:]} "
                                            f"(required from Year {PFA_FROM_YEAR})")
                for key, label in ADULTHOOD_AREAS if not getattr(self.adulthood, key)
            ]  # fmt: skip
        if self.personal_budget.requested is None:
            problems.append(Problem("personal_budget.requested", "Select whether a personal budget was requested"))
        elif self.personal_budget.requested and not self.personal_budget.details:
            problems.append(Problem("personal_budget.details", "Enter what the personal budget was requested for"))
        if self.recommendation is None:
            problems.append(Problem("recommendation", "Select maintain, amend or cease"))
        return problems + self._signoff_problems()

    def _row_problems(self) -> list[Problem]:
        problems = [Problem(f"outcomes.{i}.outcome", f"Enter outcome {i + 1}, or remove its progress")
                    for i, row in enumerate(self.outcomes) if row.progress and not row.outcome]  # fmt: skip
        for i, advice in enumerate(self.advice):
            if not advice.from_whom:
                problems.append(Problem(f"advice.{i}.from_whom", f"Enter who gave advice or report {i + 1}"))
            if advice.received_on is None:
                problems.append(
                    Problem(f"advice.{i}.received_on", f"Enter the date advice or report {i + 1} was received")
                )
        return problems

    def _signoff_problems(self) -> list[Problem]:
        signoff, problems = self.head_signoff, []
        if not signoff.name:
            problems.append(Problem("head_signoff.name", "Enter the name of the head teacher or principal who signed "
                                                         "the record off"))  # fmt: skip
        if not signoff.role:
            problems.append(Problem("head_signoff.role", "Enter their role, e.g. head teacher"))
        if signoff.signed_on is None:
            problems.append(Problem("head_signoff.signed_on", "Enter the date the record was signed off"))
        return problems


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
