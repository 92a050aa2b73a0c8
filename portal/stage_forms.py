"""A stage's entry: the non-personal values for the run's form, and the personal record content.

Both doors build the same typed entry with the ``*_entry`` builders below, which hold every check of an
entry: the pages after reading their HTML fields (GOV.UK-style, dates as ``<name>-day/-month/-year``,
``read_*``), the JSON API from its typed body. An entry holds the values for the stage's ``services.forms``
form (dates, outcome, the meeting record's id: nothing personal), the content kept in the records database
only, and every problem found, each naming the field's id (for the error summary's link) and the fix.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
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
    ("working_well", "What is working well"),
    ("not_working", "What is not working well"),
    ("next_phase", "Moving on to the next phase"),
    ("changes", "Changes to needs and provision"),
    ("recommendation_reasons", "Reasons for the recommendation"),
    ("disagreements", "Where others' recommendations differ"),
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
        return self.checked(name, str(form.get(name, "")))

    def checked(self, name: str, value: str) -> str:
        """A free-text answer, trimmed; too long is a problem named by the field."""
        value = value.strip()
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


NOBODY_INVITED: Final = "Enter the date the parent or young person was invited"


def preparation_entry(
    entry: StageEntry, *, planned: date | None, invited: Mapping[str, date | None], requested: date | None,
    circulated: date | None, other_invitees: str = "", advice_from: str = "",
) -> StageEntry:
    """Stage 1: the planned meeting, when each invitee was invited, the advice requested and circulated."""
    dates = [day for day in invited.values() if day is not None]
    if not dates and not any(p.field.startswith("invited_") for p in entry.problems):
        before = sum(1 for p in entry.problems if p.field == "meeting_planned_on")  # in the page's order
        missing = Problem("invited_family", NOBODY_INVITED)
        entry.problems.insert(before, missing)
    entry.values = {
        "meeting_planned_on": _iso(planned),
        "invitations_sent_on": _iso(max(dates)) if dates else None,  # the last invitation counts (Reg 20(3))
        "advice_circulated_on": _iso(circulated),
    }
    entry.content = {
        "invited_on": {key: _iso(invited.get(key)) for key, _ in INVITEES},
        "other_invitees": entry.checked("other_invitees", other_invitees),
        "advice_from": entry.checked("advice_from", advice_from),
        "advice_requested_on": _iso(requested),
    }
    return entry


def recorded_preparation(entry: StageEntry, recorded: Mapping[str, date]) -> StageEntry:
    """Stage 1's entry, from any door, with each date the product recorded (``recorded``: by form field,
    ``services.invitations.ProductDates.fields``) in place of the date given: the product's record wins."""
    if not recorded:
        return entry

    def given(iso: object) -> date | None:
        return date.fromisoformat(iso) if isinstance(iso, str) and iso else None

    invited_on = entry.content.get("invited_on") or {}
    invited = {key: recorded.get(f"invited_{key}") or given(invited_on.get(key)) for key, _ in INVITEES}
    kept = StageEntry(problems=[p for p in entry.problems  # the "nobody invited" problem is asked again below
                                if p.field not in recorded and p.message != NOBODY_INVITED])
    return preparation_entry(
        kept, planned=recorded.get("meeting_planned_on") or given(entry.values.get("meeting_planned_on")),
        invited=invited, requested=given(entry.content.get("advice_requested_on")),
        circulated=recorded.get("advice_circulated_on") or given(entry.values.get("advice_circulated_on")),
        other_invitees=str(entry.content.get("other_invitees") or ""),
        advice_from=str(entry.content.get("advice_from") or ""))


def read_preparation(form: Mapping[str, str], today: date) -> StageEntry:
    entry = StageEntry()
    planned = entry.date(form, "meeting_planned_on")
    invited = {key: entry.date(form, f"invited_{key}", required=False, label=f"{label}: date invited")
               for key, label in INVITEES}
    requested = entry.date(form, "advice_requested_on", required=False)
    circulated = entry.date(form, "advice_circulated_on")
    return preparation_entry(entry, planned=planned, invited=invited, requested=requested, circulated=circulated,
                             other_invitees=str(form.get("other_invitees", "")),
                             advice_from=str(form.get("advice_from", "")))


def meeting_entry(
    entry: StageEntry, *, held: date | None, preparing_for_adulthood_discussed: bool, attended: Iterable[str],
    other_attendees: str = "",
) -> StageEntry:
    """Stage 2: the day the meeting was held, and who attended."""
    present = set(attended)
    entry.values = {"meeting_held_on": _iso(held),
                    "preparing_for_adulthood_discussed": preparing_for_adulthood_discussed}
    entry.content = {"attended": [key for key, _ in INVITEES if key in present],
                     "other_attendees": entry.checked("other_attendees", other_attendees)}
    return entry


def read_meeting(form: Mapping[str, str], today: date) -> StageEntry:
    entry = StageEntry()
    held = entry.date(form, "meeting_held_on")
    return meeting_entry(
        entry, held=held, preparing_for_adulthood_discussed=form.get("preparing_for_adulthood_discussed") == "yes",
        attended=[key for key, _ in INVITEES if form.get(f"attended_{key}") == "yes"],
        other_attendees=str(form.get("other_attendees", "")),
    )


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


def read_record(form: Mapping[str, str]) -> StageEntry:
    """Read the meeting record's page fields into the typed record's shape (``services.forms.MeetingRecordContent``),
    with the rows added or removed as the post asked; ``record_entry`` checks it, as it checks the API's."""
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
            "attachment_id": int(kept) if kept.isdigit() else None,
        })  # fmt: skip
    requested = str(form.get("budget_requested", ""))
    entry.content = {
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
    return entry


def record_entry(
    entry: StageEntry, *, sending: bool, year_group: int | None, attachment_ids: frozenset[int] = frozenset()
) -> StageEntry:
    """Check a meeting record as either door gave it (``entry.content`` in the typed record's shape): the typed
    form's own checks, a file kept only if it is one of this record's (``attachment_ids``), and, only when
    sending, what the council's template requires for the child's year group. Every problem is addressed to
    the page's field id (``head_name``, ``outcome_5``, ``advice_2_received_on``)."""
    given = dict(entry.content)
    if given.get("recommendation") not in {o.value for o in Outcome}:
        if given.get("recommendation") is not None:
            entry.problems.append(Problem("recommendation", "Select maintain, amend or cease"))
        given["recommendation"] = None
    for i, row in enumerate(given.get("advice") or [], start=1):
        kept = row.get("attachment_id") if isinstance(row, dict) else None
        if kept is not None and kept not in attachment_ids:
            entry.problems.append(Problem(f"advice_{i}_file", f"Advice or report {i}: that file is not one of "
                                                              "this record's: upload it again"))  # fmt: skip
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


def report_values(content: Mapping[str, Any], record_id: int, sent_on: date) -> dict[str, Any]:
    """Return the run's report form: the day it was sent, the recommendation, whether anyone disagreed, the id."""
    return {
        "report_received_on": sent_on.isoformat(),
        "recommendation": content["recommendation"],
        "disagreement_recorded": bool(content.get("disagreements")),
        "meeting_record_id": record_id,
    }


def decision_entry(
    entry: StageEntry, *, outcome: str, notified_on: date | None, amendment_notice_sent_on: date | None
) -> StageEntry:
    """Stage 4: the LA's decision, the day the family was told, and the amendment notice when sent with it."""
    if outcome not in {o.value for o in Outcome}:
        entry.problems.insert(0, Problem("outcome", "Select maintain, amend or cease"))  # first on the page
    entry.values = {"outcome": outcome or None, "notified_on": _iso(notified_on),
                    "amendment_notice_sent_on": _iso(amendment_notice_sent_on)}
    return entry


def read_decision(form: Mapping[str, str], today: date) -> StageEntry:
    entry = StageEntry()
    outcome = str(form.get("outcome", ""))
    notified = entry.date(form, "notified_on")
    notice = entry.date(form, "amendment_notice_sent_on", required=False)
    return decision_entry(entry, outcome=outcome, notified_on=notified, amendment_notice_sent_on=notice)


def plan_documents() -> tuple[str, ...]:
    """Return the stage-5 documents the run's form accepts (read from the form, so new ones appear here)."""
    annotation = PlanForm.model_fields["document"].annotation
    return tuple(arg for part in get_args(annotation) for arg in (get_args(part) or (part,)) if isinstance(arg, str))


def plan_entry(entry: StageEntry, *, document: str, issued_on: date | None, reasons: str = "") -> StageEntry:
    """Stage 5: the document issued (one the run's form accepts) and its day; a not-amending notice's reasons
    (Reg 22(4): the family's letter quotes them) are content, held in the records only."""
    if document not in plan_documents():
        entry.problems.insert(0, Problem("document", f"Select one of: {', '.join(plan_documents())}"))
    entry.values = {"document": document or None, "issued_on": _iso(issued_on)}
    if document == "not-amending":
        entry.content = {"reasons": entry.checked("reasons", reasons)}
        if not entry.content["reasons"]:
            entry.problems.append(Problem("reasons", "Give the council's reasons for not amending the plan after "
                                                     "all (Reg 22(4)): the family's letter quotes them"))  # fmt: skip
    return entry


def read_plan(form: Mapping[str, str], today: date) -> StageEntry:
    entry = StageEntry()
    issued = entry.date(form, "issued_on")
    return plan_entry(entry, document=str(form.get("document", "")), issued_on=issued,
                      reasons=str(form.get("reasons", "")))  # fmt: skip


READERS: Final[dict[int, Callable[[Mapping[str, str], date], StageEntry]]] = {
    1: read_preparation,
    2: read_meeting,
    4: read_decision,
    5: read_plan,
}
