"""The meeting record as a document: the same sections on screen, in print, in the tagged PDF and in the email.

``record_sections`` turns the record's stored content (``services.forms.MeetingRecordContent`` as a mapping)
into titled sections of labelled answers, in the council's template's order; ``record_text`` writes them as the
plain text an email or a posted letter carries; ``record_pdf`` lays them out as an accessible, tagged PDF
(PDF/UA-1, with real headings and a definition list per section) through the one PDF builder the posted
letters use (``notices.paper.tagged_pdf``). Personal data throughout: the caller shows it only to people
entitled to it. The document's title holds the review reference only.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from notices.paper import tagged_pdf
from notices.render import london_date, template_environment
from rules.adulthood import ADULTHOOD_AREAS

__all__ = ["ADULTHOOD_AREAS", "RecordDocument", "RecordSection", "record_pdf", "record_sections", "record_text"]

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
NOT_GIVEN: Final = "Not given"


@dataclass(frozen=True, slots=True)
class RecordSection:
    title: str
    rows: tuple[tuple[str, str], ...]


@dataclass(frozen=True, slots=True)
class RecordDocument:
    """What the printed record shows besides its sections: whose review, where, and whether it was sent."""

    reference: str
    setting_name: str
    child_name: str
    year_group: int | None
    sections: tuple[RecordSection, ...]
    sent: bool
    meeting_on: date | None = None
    """When the meeting was held (stage 2), or planned if not yet recorded."""


def _day(iso: object) -> str:
    if not isinstance(iso, str) or not iso:
        return NOT_GIVEN
    return london_date(date.fromisoformat(iso))


def _text(value: object) -> str:
    return str(value).strip() if value else NOT_GIVEN


def record_sections(
    record: Mapping[str, Any], attachment_names: Mapping[int, str] | None = None
) -> list[RecordSection]:
    """Return the record's sections in the template's order (an empty answer reads "Not given")."""
    files = attachment_names or {}
    outcomes = [row for row in record.get("outcomes") or [] if row.get("outcome") or row.get("progress")]
    advice = list(record.get("advice") or [])
    adulthood = record.get("adulthood") or {}
    budget = record.get("personal_budget") or {}
    signoff = record.get("head_signoff") or {}
    requested = budget.get("requested")
    sections = [
        RecordSection("The meeting", (("Who attended", _text(record.get("attendance"))),)),
        RecordSection("The child or young person", (
            ("Their views", _text(record.get("child_views"))),
            ("Their aspirations", _text(record.get("aspirations"))),
        )),
        RecordSection("The family", (("The family's views", _text(record.get("family_views"))),)),
        RecordSection("Advice and reports received", tuple(
            (f"{_text(one.get('from_whom'))}{', ' + one['role'] if one.get('role') else ''}",
             f"Received {_day(one.get('received_on'))}"
             + (f". Attached: {files[one['attachment_id']]}" if one.get("attachment_id") in files else ""))
            for one in advice
        ) or (("Advice and reports", "None listed"),)),
        RecordSection("What is working and what is not", (
            ("What is working well", _text(record.get("working_well"))),
            ("What is not working well", _text(record.get("not_working"))),
        )),
        RecordSection("Progress towards outcomes", tuple(
            (f"Outcome {i}: {_text(row.get('outcome'))}", _text(row.get("progress")))
            for i, row in enumerate(outcomes, start=1)
        ) or (("Outcomes", "None listed"),)),
        RecordSection("Preparing for adulthood", tuple(
            (label, _text(adulthood.get(key))) for key, label in ADULTHOOD_AREAS
        )),
        RecordSection("Moving on", (("The next phase", _text(record.get("next_phase"))),)),
        RecordSection("Personal budget", (
            ("Requested", NOT_GIVEN if requested is None else "Yes" if requested else "No"),
            ("Details", _text(budget.get("details"))),
        )),
        RecordSection("Changes to needs and provision", (
            ("Changes", _text(record.get("changes"))),
            *((label, str((record.get("sections") or {})[key])) for key, label in PLAN_SECTIONS
              if (record.get("sections") or {}).get(key)),
        )),
        RecordSection("Recommendation", (
            ("Recommendation", _text(record.get("recommendation")).capitalize()),
            ("Reasons", _text(record.get("recommendation_reasons"))),
            ("Where others' recommendations differ", _text(record.get("disagreements"))),
            ("Agreed actions", _text(record.get("agreed_actions"))),
        )),
        RecordSection("Signed off by the head teacher or principal", (
            ("Name", _text(signoff.get("name"))),
            ("Role", _text(signoff.get("role"))),
            ("Date", _day(signoff.get("signed_on"))),
        )),
    ]  # fmt: skip
    return sections


def _heading(document: RecordDocument) -> list[str]:
    year = f", Year {document.year_group}" if document.year_group is not None else ""
    meeting = f" Meeting on {london_date(document.meeting_on)}." if document.meeting_on else ""
    return [
        f"Annual review meeting record: {document.reference}",
        f"{document.child_name}{year}. {document.setting_name}.{meeting}",
    ]


def record_text(document: RecordDocument) -> str:
    """Return the record as plain text: a heading per section, then each label and its answer."""
    parts = ["\n".join(_heading(document))]
    for section in document.sections:
        rows = "\n\n".join(f"{label}:\n{value}" for label, value in section.rows)
        parts.append(f"{section.title}\n\n{rows}")
    return "\n\n".join(parts) + "\n"


def record_html(document: RecordDocument) -> str:
    """Return the record's printable HTML page (autoescaped)."""
    title, subtitle = _heading(document)
    return template_environment().get_template("meeting_record.html.j2").render(
        title=f"Annual review meeting record {document.reference}", heading=title, subtitle=subtitle,
        document=document,
    )  # fmt: skip


def record_pdf(document: RecordDocument) -> bytes:
    """Return the record as a tagged PDF/UA-1 on A4; raise RenderError when it cannot be laid out."""
    return tagged_pdf(record_html(document), kind="meeting-record")
