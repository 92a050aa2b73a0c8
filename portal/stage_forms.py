"""A stage's entry: the non-personal values for the run's form, and the personal record content.

Both doors build the same typed entry with the ``*_entry`` builders below, which hold every check of an
entry: the pages after reading their HTML fields (GOV.UK-style, dates as ``<name>-day/-month/-year``,
``read_*``), the JSON API from its typed body. An entry holds the values for the stage's ``services.forms``
form (dates, outcome, the meeting record's id: nothing personal), the content kept in the records database
only, and every problem found, each naming the field's id (for the error summary's link) and the fix.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
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


def preparation_entry(
    entry: StageEntry, *, planned: date | None, invited: Mapping[str, date | None], requested: date | None,
    circulated: date | None, other_invitees: str = "", advice_from: str = "",
) -> StageEntry:
    """Stage 1: the planned meeting, when each invitee was invited, the advice requested and circulated."""
    dates = [day for day in invited.values() if day is not None]
    if not dates and not any(p.field.startswith("invited_") for p in entry.problems):
        before = sum(1 for p in entry.problems if p.field == "meeting_planned_on")  # in the page's order
        missing = Problem("invited_family", "Enter the date the parent or young person was invited")
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


def record_entry(
    entry: StageEntry, *, texts: Mapping[str, str], outcomes: Sequence[tuple[str, str]],
    sections: Mapping[str, str], recommendation: str, sending: bool,
) -> StageEntry:
    """Stage 3, the meeting record; only sending needs the recommendation and the required sections."""
    if len(outcomes) > OUTCOME_ROWS:
        entry.problems.append(Problem("outcome_1", f"Enter at most {OUTCOME_ROWS} outcomes"))
    rows = [*outcomes, *[("", "")] * (OUTCOME_ROWS - len(outcomes))][:OUTCOME_ROWS]
    content: dict[str, Any] = {name: entry.checked(name, texts.get(name, "")) for name, _ in RECORD_TEXTS}
    content["outcomes"] = [
        {"outcome": entry.checked(f"outcome_{i}", outcome), "progress": entry.checked(f"progress_{i}", progress)}
        for i, (outcome, progress) in enumerate(rows, start=1)
    ]
    content["sections"] = {key: entry.checked(f"section_{key}", sections.get(key, "")) for key, _ in PLAN_SECTIONS}
    content["recommendation"] = recommendation if recommendation in {o.value for o in Outcome} else ""
    if sending:
        labels = dict(RECORD_TEXTS)
        entry.problems += [Problem(name, f"Enter {labels[name][0].lower()}{labels[name][1:]}")
                           for name in REQUIRED_TO_SEND if not content[name]]
        if not content["recommendation"]:
            entry.problems.append(Problem("recommendation", "Select maintain, amend or cease"))
    entry.content = content
    return entry


def read_record(form: Mapping[str, str], *, sending: bool) -> StageEntry:
    """Read the meeting record's fields from the page."""
    return record_entry(
        StageEntry(),
        texts={name: str(form.get(name, "")) for name, _ in RECORD_TEXTS},
        outcomes=[(str(form.get(f"outcome_{i}", "")), str(form.get(f"progress_{i}", "")))
                  for i in range(1, OUTCOME_ROWS + 1)],
        sections={key: str(form.get(f"section_{key}", "")) for key, _ in PLAN_SECTIONS},
        recommendation=str(form.get("recommendation", "")),
        sending=sending,
    )


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
