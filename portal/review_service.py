"""What the review pages and the API do with the records: list, read, record a stage. No HTTP here.

Every function takes the signed-in ``Principal`` and answers ``None`` (not found) for a review outside
their scope. ``record_stage`` reads a stage's form, saves its personal part in the records database,
and hands the non-personal part to ``tasks.kept_submissions``.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from portal.meeting_records import SUBMITTED, RecordLocked, mark_submitted, record_of, save_section
from portal.scope import Principal, lines_in_scope, review_in_scope
from portal.stage_forms import READERS, StageEntry, field_problem, read_record, report_values
from portal.timeline import Timeline, timeline
from records.models import Review
from records.queries import ReviewLine
from records.review_progress import year_group_of
from rules.errors import Problem
from rules.facts import ReviewFacts
from tasks.kept_submissions import Submission, checked_form, has_pending, submit_stage
from tasks.run_bridge import RunBridge

SETTING_STAGES = frozenset({1, 2, 3})
SECTIONS = {1: "preparation", 2: "meeting", 3: "record"}


class NotInScope(LookupError):
    """No such review for this person."""


class WrongRole(PermissionError):
    """This person's role does not record this stage."""


@dataclass(slots=True)
class ReviewPage:
    """Everything a review's page shows."""

    reference: str
    setting_name: str
    stage: int | None
    year_group: int | None
    timeline: Timeline
    record: dict[str, Any]
    record_status: str | None
    record_id: int | None
    pending: bool
    may_record: bool


@dataclass(slots=True)
class StageResult:
    """A posted stage form: the submission's outcome, or problems; what was entered, for the form again."""

    submission: Submission | None
    problems: list[Problem] = field(default_factory=list)
    entered: Mapping[str, str] = field(default_factory=dict)
    facts: ReviewFacts | None = None
    note: str = ""


def in_scope(session: Session, principal: Principal, reference: str) -> Review:
    review = review_in_scope(session, principal, reference)
    if review is None:
        raise NotInScope(reference)
    return review


def may_record(principal: Principal, stage: int | None) -> bool:
    """Settings record stages 1-3; the council records every stage (it leads reviews under Reg 21)."""
    return stage is not None and (principal.is_la or stage in SETTING_STAGES)


def review_page(session: Session, principal: Principal, reference: str, today: date) -> ReviewPage:
    review = in_scope(session, principal, reference)
    row = record_of(session, review)
    return ReviewPage(
        reference=review.reference,
        setting_name=review.plan.setting.name,
        stage=review.stage,
        year_group=year_group_of(review),
        timeline=timeline(session, reference, today),
        record=dict(row.content) if row else {},
        record_status=row.status if row else None,
        record_id=row.id if row else None,
        pending=has_pending(session, review),
        may_record=may_record(principal, review.stage),
    )


def listed(session: Session, principal: Principal) -> list[ReviewLine]:
    return lines_in_scope(session, principal)


def _entry(review: Review, stage: int, form: Mapping[str, str], today: date) -> tuple[StageEntry, bool]:
    if stage == 3:
        sending = form.get("action") == "send"
        entry = read_record(form, sending=sending)
        return entry, sending
    return READERS[stage](form, today), form.get("action") != "preview"


def _save_personal(session: Session, review: Review, stage: int, entry: StageEntry, staff_id: str) -> int | None:
    if stage not in SECTIONS:
        return None
    return save_section(session, review, SECTIONS[stage], entry.content, staff_id=staff_id)


def record_stage(
    session: Session, principal: Principal, reference: str, stage: int, form: Mapping[str, str], *,
    today: date, bridge: RunBridge,
) -> StageResult:
    """Read, save and (when asked) send one stage's form; a preview checks without sending."""
    review = in_scope(session, principal, reference)
    if not may_record(principal, stage):
        raise WrongRole(f"stage {stage} is recorded by the council")
    if review.stage != stage:
        return StageResult(None, [Problem("stage", f"This review is not at stage {stage}; reload the page")], form)
    entry, sending = _entry(review, stage, form, today)
    try:
        record_id = _save_personal(session, review, stage, entry, principal.staff_id)
    except RecordLocked as exc:
        return StageResult(None, [Problem("stage", str(exc))], form)
    if entry.problems:
        return StageResult(None, entry.problems, form)
    values = report_values(entry.content, record_id or 0, today) if stage == 3 else entry.values
    if stage == 3 and not sending:
        return StageResult(None, [], form, note="Draft saved. Nothing has been sent yet.")
    if not sending:
        checked = checked_form(review, stage, {**values, "submitted_by": principal.staff_id}, today=today)
        return StageResult(None, [field_problem(p) for p in checked.problems], form, checked.facts)
    outcome = submit_stage(session, review, stage, values, staff_id=principal.staff_id, today=today, bridge=bridge)
    if outcome.status == "refused":
        return StageResult(outcome, [field_problem(p) for p in outcome.problems], form)
    if stage == 3 and record_id is not None:
        mark_submitted(session, record_id, staff_id=principal.staff_id)
    return StageResult(outcome, [], form)


def record_sent(page_data: ReviewPage) -> bool:
    return page_data.record_status == SUBMITTED


def _date_values(name: str, iso: str | None) -> dict[str, str]:
    if not iso:
        return {}
    year, month, day = iso.split("-")
    return {f"{name}-day": str(int(day)), f"{name}-month": str(int(month)), f"{name}-year": year}


def record_form_values(record: Mapping[str, Any], planned_on: date | None = None) -> dict[str, str]:
    """Return what was saved (the planned meeting date, the preparation, a meeting record draft) as form values."""
    values = _date_values("meeting_planned_on", planned_on.isoformat() if planned_on else None)
    preparation = record.get("preparation") or {}
    for key, iso in (preparation.get("invited_on") or {}).items():
        values.update(_date_values(f"invited_{key}", iso))
    values.update(_date_values("advice_requested_on", preparation.get("advice_requested_on")))
    values.update({name: preparation[name] for name in ("other_invitees", "advice_from") if preparation.get(name)})
    content = record.get("record") or {}
    values.update({name: str(value) for name, value in content.items() if isinstance(value, str)})
    for i, row in enumerate(content.get("outcomes", []), start=1):
        values[f"outcome_{i}"], values[f"progress_{i}"] = row.get("outcome", ""), row.get("progress", "")
    for key, text in (content.get("sections") or {}).items():
        values[f"section_{key}"] = text
    return values
