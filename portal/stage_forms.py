"""Reading a stage's web form: the non-personal values for the run's form, and the personal record content.

Each stage's HTML form posts GOV.UK-style fields (dates as ``<name>-day/-month/-year``). ``read_stage``
returns the values for the stage's ``services.forms`` form (dates, outcome, the meeting record's id:
nothing personal), the content kept in the records database only, and every problem found, each
naming the field's id (for the error summary's link) and the fix.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any, Final, get_args

from portal.dates import DateEntryError, parse_date_parts
from rules.errors import Problem
from rules.facts import Outcome
from services.forms import PlanForm

INVITEES: Final = (
    ("family", "Parent or young person"),
    ("head", "Head teacher or principal"),
    ("la_sen", "Local authority SEN officer"),
    ("health", "Health professional named by the ICB"),
    ("social_care", "Local authority social care officer"),
)
PLAN_SECTIONS: Final = (
    ("b", "Section B: special educational needs"),
    ("c", "Section C: health needs"),
    ("d", "Section D: social care needs"),
    ("e", "Section E: outcomes"),
    ("f", "Section F: special educational provision"),
    ("g", "Section G: health provision"),
    ("h", "Section H: social care provision"),
    ("i", "Section I: placement"),
)
OUTCOME_ROWS: Final = 4
RECORD_TEXTS: Final = (
    ("attendance", "Who attended"),
    ("child_views", "The child's or young person's views"),
    ("family_views", "The family's views"),
    ("changes", "Changes to needs and provision"),
    ("recommendation_reasons", "Reasons for the recommendation"),
    ("disagreements", "Disagreements"),
    ("agreed_actions", "Agreed actions"),
)
REQUIRED_TO_SEND: Final = ("attendance", "child_views", "family_views", "recommendation_reasons")
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


def read_record(form: Mapping[str, str], *, sending: bool) -> StageEntry:
    """Read the meeting record; only sending needs the recommendation and the required sections."""
    entry = StageEntry()
    content: dict[str, Any] = {name: entry.text(form, name) for name, _ in RECORD_TEXTS}
    content["outcomes"] = [
        {"outcome": entry.text(form, f"outcome_{i}"), "progress": entry.text(form, f"progress_{i}")}
        for i in range(1, OUTCOME_ROWS + 1)
    ]
    content["sections"] = {key: entry.text(form, f"section_{key}") for key, _ in PLAN_SECTIONS}
    recommendation = str(form.get("recommendation", ""))
    content["recommendation"] = recommendation if recommendation in {o.value for o in Outcome} else ""
    if sending:
        labels = dict(RECORD_TEXTS)
        entry.problems += [Problem(name, f"Enter {labels[name][0].lower()}{labels[name][1:]}")
                           for name in REQUIRED_TO_SEND if not content[name]]
        if not content["recommendation"]:
            entry.problems.append(Problem("recommendation", "Select maintain, amend or cease"))
    entry.content = content
    return entry


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
