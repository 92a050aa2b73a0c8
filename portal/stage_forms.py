"""Reading a stage's web form: the non-personal values for the run's form, and the personal record content.

Each stage's HTML form posts GOV.UK-style fields (dates as ``<name>-day/-month/-year``). ``read_stage``
returns the values for the stage's ``services.forms`` form (dates, outcome, the meeting record's id:
nothing personal), the content kept in the records database only, and every problem found, each
naming the field's id (for the error summary's link) and the fix.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final, get_args

from pydantic import ValidationError

from notices.record_document import ADULTHOOD_AREAS, PLAN_SECTIONS
from portal.dates import DateEntryError, parse_date_parts
from rules.errors import Problem
from rules.facts import Outcome
from services.forms import MAX_ADVICE, MAX_OUTCOMES, MeetingRecordContent, PlanForm, form_problems

INVITEES: Final = (
    ("family", "Parent or young person"),
    ("head", "Head teacher or principal"),
    ("la_sen", "Local authority SEN officer"),
    ("health", "Health professional named by the ICB"),
    ("social_care", "Local authority social care officer"),
)
RECORD_TEXTS: Final = (
    ("attendance", "Who attended"),
    ("child_views", "The child's or young person's views"),
    ("aspirations", "The child's or young person's aspirations"),
    ("family_views", "The family's views"),
    ("changes", "Changes to needs and provision"),
    ("recommendation_reasons", "Reasons for the recommendation"),
    ("disagreements", "Disagreements"),
    ("agreed_actions", "Agreed actions"),
)
MAX_TEXT: Final = 10_000

LABELS: Final = {
    "meeting_planned_on": "Date of the meeting",
    "invitations_sent_on": "Date invitations were sent",
    "advice_circulated_on": "Date advice was circulated",
    "advice_requested_on": "Date advice was requested",
    "meeting_held_on": "Date the meeting was held",
    "preparing_for_adulthood_discussed": "Preparing for adulthood",
    "report_received_on": "Date the report was sent",
    "recommendation": "Recommendation",
    "outcome": "Decision",
    "notified_on": "Date the decision was notified",
    "amendment_notice_sent_on": "Date the amendment notice was sent",
    "document": "Document",
    "issued_on": "Date the document was issued",
    "stage": "Stage",
    "submitted_by": "Signed-in person",
}
FIELD_IDS: Final = {"invitations_sent_on": "invited_family", "report_received_on": "recommendation"}


@dataclass(slots=True)
class StageEntry:
    """What one post of a stage form gave: run values, record content, problems."""

    values: dict[str, Any] = field(default_factory=dict)
    content: dict[str, Any] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)

    def date(self, form: Mapping[str, str], name: str, *, required: bool = True, label: str = "") -> date | None:
        try:
            return parse_date_parts(form, name, label or LABELS[name], required=required)
        except DateEntryError as exc:
            self.problems.append(Problem(name, str(exc)))
            return None

    def text(self, form: Mapping[str, str], name: str) -> str:
        value = str(form.get(name, "")).strip()
        if len(value) > MAX_TEXT:
            self.problems.append(Problem(name, f"Shorten this to {MAX_TEXT:,} characters or fewer"))
        return value


def field_problem(problem: Problem) -> Problem:
    """Return a rules or form problem addressed to the page's field id, with a plain label."""
    name = problem.field.split(".")[-1]
    label = LABELS.get(name, name.replace("_", " ").capitalize())
    return Problem(FIELD_IDS.get(name, name), f"{label}: {problem.message}")


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day else None


def read_preparation(form: Mapping[str, str], today: date) -> StageEntry:
    entry = StageEntry()
    planned = entry.date(form, "meeting_planned_on")
    invited = {key: entry.date(form, f"invited_{key}", required=False, label=f"{label}: date invited")
               for key, label in INVITEES}
    dates = [day for day in invited.values() if day is not None]
    if not dates and not any(p.field.startswith("invited_") for p in entry.problems):
        entry.problems.append(Problem("invited_family", "Enter the date the parent or young person was invited"))
    requested = entry.date(form, "advice_requested_on", required=False)
    circulated = entry.date(form, "advice_circulated_on")
    entry.values = {
        "meeting_planned_on": _iso(planned),
        "invitations_sent_on": _iso(max(dates)) if dates else None,  # the last invitation counts (Reg 20(3))
        "advice_circulated_on": _iso(circulated),
    }
    entry.content = {
        "invited_on": {key: _iso(day) for key, day in invited.items()},
        "other_invitees": entry.text(form, "other_invitees"),
        "advice_from": entry.text(form, "advice_from"),
        "advice_requested_on": _iso(requested),
    }
    return entry


def read_meeting(form: Mapping[str, str], today: date) -> StageEntry:
    entry = StageEntry()
    held = entry.date(form, "meeting_held_on")
    entry.values = {
        "meeting_held_on": _iso(held),
        "preparing_for_adulthood_discussed": form.get("preparing_for_adulthood_discussed") == "yes",
    }
    entry.content = {
        "attended": [key for key, _ in INVITEES if form.get(f"attended_{key}") == "yes"],
        "other_attendees": entry.text(form, "other_attendees"),
    }
    return entry


RECORD_ACTIONS: Final = ("send", "save", "add_outcome", "add_advice")
"""What a stage-3 post asks: send, save a draft, or add a row (``remove_outcome_N``/``remove_advice_N`` remove one)."""
DEFAULT_OUTCOME_ROWS: Final = 4


@dataclass(frozen=True, slots=True)
class Upload:
    """A file posted with the record (an advice row's attachment), not yet checked."""

    file_name: str
    content: bytes


def _rows(form: Mapping[str, str], count_field: str, present: Callable[[int], bool], least: int, most: int) -> int:
    """How many rows the form had: its hidden count, or the highest row with a value, within the limits."""
    try:
        count = int(str(form.get(count_field, "")) or 0)
    except ValueError:
        count = 0
    highest = max((i for i in range(1, most + 1) if present(i)), default=0)
    return min(max(count, highest, least), most)


def _resized(
    rows: list[dict[str, Any]], action: str, kind: str, blank: dict[str, Any], most: int
) -> list[dict[str, Any]]:
    if action == f"add_{kind}" and len(rows) < most:
        return [*rows, dict(blank)]
    prefix = f"remove_{kind}_"
    if action.startswith(prefix) and action[len(prefix):].isdigit():
        gone = int(action[len(prefix):])
        return [row for i, row in enumerate(rows, start=1) if i != gone]
    return rows


def record_field_id(name: str) -> str:
    """Return the page's field id of a meeting-record field named as the typed form names it."""
    parts = name.split(".")
    if parts[0] == "outcomes" and len(parts) == 3 and parts[1].isdigit():
        return f"{parts[2]}_{int(parts[1]) + 1}"
    if parts[0] == "advice" and len(parts) == 3 and parts[1].isdigit():
        return f"advice_{int(parts[1]) + 1}_{ {'from_whom': 'from'}.get(parts[2], parts[2]) }"
    if parts[0] == "advice" and len(parts) == 2 and parts[1].isdigit():
        return f"advice_{int(parts[1]) + 1}_from"
    simple = {"head_signoff": "head", "adulthood": "pfa", "personal_budget": "budget", "sections": "section"}
    if parts[0] in simple and len(parts) == 2:
        return f"{simple[parts[0]]}_{parts[1]}"
    return {"outcomes": "outcome_1", "advice": "advice_1_from"}.get(parts[0], parts[0])


_TYPED_ROW: Final = re.compile(r"^(outcome|progress)_(\d+)$|^advice_(\d+)_(from|role|received_on|file|attachment)$")
_TYPED_PREFIX: Final = {"head_": "head_signoff.", "pfa_": "adulthood.", "budget_": "personal_budget.",
                        "section_": "sections."}


def typed_field(field_id: str) -> str:
    """Return the typed form's name of a meeting-record page field (``head_role`` -> ``head_signoff.role``)."""
    row = _TYPED_ROW.match(field_id)
    if row and row[1]:
        return f"outcomes.{int(row[2]) - 1}.{row[1]}"
    if row:
        part = {"from": "from_whom", "file": "attachment_id", "attachment": "attachment_id"}.get(row[4], row[4])
        return f"advice.{int(row[3]) - 1}.{part}"
    for prefix, typed in _TYPED_PREFIX.items():
        if field_id.startswith(prefix):
            return typed + field_id[len(prefix):]
    return field_id


def read_record(
    form: Mapping[str, str], *, sending: bool, year_group: int | None = None,
    attachment_ids: frozenset[int] = frozenset(),
) -> StageEntry:
    """Read the meeting record into the typed form; only sending needs what the council's template requires.

    Every problem is addressed to the page's field id (``head_name``, ``outcome_5``, ``advice_2_received_on``).
    ``attachment_ids`` are the record's kept files: a row may keep one of them (its hidden field), nothing else."""
    entry = StageEntry()
    action = str(form.get("action", "save"))
    outcome_rows = _rows(form, "outcome_rows", lambda i: bool(form.get(f"outcome_{i}") or form.get(f"progress_{i}")),
                         1, MAX_OUTCOMES)  # fmt: skip
    outcomes = [{"outcome": form.get(f"outcome_{i}", ""), "progress": form.get(f"progress_{i}", "")}
                for i in range(1, outcome_rows + 1)]  # fmt: skip
    advice_rows = _rows(form, "advice_rows", lambda i: bool(form.get(f"advice_{i}_from")), 0, MAX_ADVICE)
    advice = []
    for i in range(1, advice_rows + 1):
        kept = str(form.get(f"advice_{i}_attachment", ""))
        advice.append({
            "from_whom": form.get(f"advice_{i}_from", ""), "role": form.get(f"advice_{i}_role", ""),
            "received_on": _iso(entry.date(form, f"advice_{i}_received_on", required=False,
                                           label=f"Advice or report {i}: date received")),
            "attachment_id": int(kept) if kept.isdigit() and int(kept) in attachment_ids else None,
        })  # fmt: skip
    requested = str(form.get("budget_requested", ""))
    given: dict[str, Any] = {
        **{name: form.get(name, "") for name, _ in RECORD_TEXTS},
        "outcomes": _resized(outcomes, action, "outcome", {"outcome": "", "progress": ""}, MAX_OUTCOMES),
        "advice": _resized(advice, action, "advice", {"from_whom": "", "role": ""}, MAX_ADVICE),
        "sections": {key: form.get(f"section_{key}", "") for key, _ in PLAN_SECTIONS},
        "adulthood": {key: form.get(f"pfa_{key}", "") for key, _ in ADULTHOOD_AREAS},
        "personal_budget": {"requested": {"yes": True, "no": False}.get(requested),
                            "details": form.get("budget_details", "")},
        "recommendation": str(form.get("recommendation", "")) or None,
        "head_signoff": {"name": form.get("head_name", ""), "role": form.get("head_role", ""),
                         "signed_on": _iso(entry.date(form, "head_signed_on", required=False,
                                                      label="Date the record was signed off"))},
    }  # fmt: skip
    if given["recommendation"] not in {o.value for o in Outcome}:
        if given["recommendation"] is not None:
            entry.problems.append(Problem("recommendation", "Select maintain, amend or cease"))
        given["recommendation"] = None
    try:
        content = MeetingRecordContent.model_validate(given)
    except ValidationError as exc:
        entry.problems += [Problem(record_field_id(p.field), p.message) for p in form_problems(exc)]
        entry.content = {}
        return entry
    if sending:
        named = {p.field for p in entry.problems}  # a date already refused is not asked for again
        entry.problems += [problem for p in content.send_problems(year_group)
                           if (problem := Problem(record_field_id(p.field), p.message)).field not in named]
    entry.content = content.model_dump(mode="json")
    return entry


def _date_fields(name: str, day: date | None) -> dict[str, str]:
    return {} if day is None else {f"{name}-day": str(day.day), f"{name}-month": str(day.month),
                                   f"{name}-year": str(day.year)}  # fmt: skip


def record_fields(content: MeetingRecordContent, *, send: bool) -> dict[str, str]:
    """The typed meeting record as the page's fields, so the API and ``ehcp`` go through the page's one reader."""
    form: dict[str, str] = {name: getattr(content, name) for name, _ in RECORD_TEXTS}
    for i, row in enumerate(content.outcomes, start=1):
        form[f"outcome_{i}"], form[f"progress_{i}"] = row.outcome, row.progress
    form["outcome_rows"] = str(len(content.outcomes))
    for i, advice in enumerate(content.advice, start=1):
        form.update({f"advice_{i}_from": advice.from_whom, f"advice_{i}_role": advice.role,
                     **_date_fields(f"advice_{i}_received_on", advice.received_on)})  # fmt: skip
        if advice.attachment_id is not None:
            form[f"advice_{i}_attachment"] = str(advice.attachment_id)
    form["advice_rows"] = str(len(content.advice))
    sections: dict[str, str] = {str(key): text for key, text in content.sections.items()}
    form.update({f"section_{key}": sections.get(key, "") for key, _ in PLAN_SECTIONS})
    form.update({f"pfa_{key}": getattr(content.adulthood, key) for key, _ in ADULTHOOD_AREAS})
    requested = content.personal_budget.requested
    form["budget_requested"] = "" if requested is None else "yes" if requested else "no"
    form["budget_details"] = content.personal_budget.details
    signoff = content.head_signoff
    form.update({"head_name": signoff.name, "head_role": signoff.role,
                 **_date_fields("head_signed_on", signoff.signed_on)})  # fmt: skip
    form["recommendation"] = content.recommendation.value if content.recommendation else ""
    form["action"] = "send" if send else "save"
    return form


def report_values(content: Mapping[str, Any], record_id: int, sent_on: date) -> dict[str, Any]:
    """Return the run's report form: the day it was sent, the recommendation, whether anyone disagreed, the id."""
    return {
        "report_received_on": sent_on.isoformat(),
        "recommendation": content["recommendation"],
        "disagreement_recorded": bool(content.get("disagreements")),
        "meeting_record_id": record_id,
    }


def read_decision(form: Mapping[str, str], today: date) -> StageEntry:
    entry = StageEntry()
    outcome = str(form.get("outcome", ""))
    if outcome not in {o.value for o in Outcome}:
        entry.problems.append(Problem("outcome", "Select maintain, amend or cease"))
    entry.values = {
        "outcome": outcome or None,
        "notified_on": _iso(entry.date(form, "notified_on")),
        "amendment_notice_sent_on": _iso(entry.date(form, "amendment_notice_sent_on", required=False)),
    }
    return entry


def plan_documents() -> tuple[str, ...]:
    """Return the stage-5 documents the run's form accepts (read from the form, so new ones appear here)."""
    annotation = PlanForm.model_fields["document"].annotation
    return tuple(arg for part in get_args(annotation) for arg in (get_args(part) or (part,)) if isinstance(arg, str))


def read_plan(form: Mapping[str, str], today: date) -> StageEntry:
    entry = StageEntry()
    document = str(form.get("document", ""))
    if document not in plan_documents():
        entry.problems.append(Problem("document", f"Select one of: {', '.join(plan_documents())}"))
    entry.values = {"document": document or None, "issued_on": _iso(entry.date(form, "issued_on"))}
    return entry


READERS: Final[dict[int, Callable[[Mapping[str, str], date], StageEntry]]] = {
    1: read_preparation,
    2: read_meeting,
    4: read_decision,
    5: read_plan,
}
