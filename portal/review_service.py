"""What the review pages and the API do with the records: list, read, record a stage. No HTTP here.

Every function takes the signed-in ``Principal`` and raises ``NotInScope`` for a review outside their
scope. ``record_stage`` reads a stage's form, saves its personal part in the records database and
stores the non-personal part in the review's inbox (``services.inbox.receive``), in the caller's one
transaction; the door hands it to the review's run once that transaction has committed.
"""

from __future__ import annotations

from collections.abc import Mapping
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.orm import Session

from notices.render import RenderedMessage
from portal.meeting_records import (
    SUBMITTED,
    RecordLocked,
    attachment_ids,
    drop_unused_attachments,
    keep_attachment,
    mark_submitted,
    record_of,
    save_section,
)
from portal.scope import Principal, lines_in_scope, review_in_scope
from portal.stage_forms import (
    DEFAULT_OUTCOME_ROWS,
    READERS,
    StageEntry,
    Upload,
    field_problem,
    read_record,
    report_values,
)
from portal.timeline import Timeline, timeline
from records.inbox import AlreadyReceived, InboxLine, latest_for_review, london_time
from records.models import RecordAttachment, Review
from records.queries import ReviewLine
from records.review_progress import review_by_reference, year_group_of
from rules.errors import Problem
from rules.facts import ReviewFacts
from rules.transitions import StageInput
from services.attachments import UploadRefused, check_upload
from services.forms import to_stage_input
from services.inbox import Received, Refused, check, receive
from services.rendering import preview_family_letter
from services.setup import la_directory, rule_set, working_days

SETTING_STAGES = frozenset({1, 2, 3})
SECTIONS = {1: "preparation", 2: "meeting", 3: "record"}


class NotInScope(LookupError):
    """No such review for this person."""


class WrongRole(PermissionError):
    """This person's role does not record this stage."""


class FileRefused(ValueError):
    """An uploaded file was not kept; ``problem`` names the field and the fix."""

    def __init__(self, problem: Problem) -> None:
        super().__init__(problem.message)
        self.problem = problem


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
    inbox: InboxLine | None
    """The review's latest input (received and being recorded, applied, refused or superseded)."""
    may_record: bool

    @property
    def being_recorded(self) -> bool:
        """An input for the review's open wait is received and not applied yet: nobody should enter it again."""
        return self.inbox is not None and self.inbox.status == "received"


@dataclass(slots=True)
class StageResult:
    """A posted stage form: the submission's outcome, or problems; what was entered, for the form again."""

    received: Received | None
    problems: list[Problem] = field(default_factory=list)
    entered: Mapping[str, str] = field(default_factory=dict)
    facts: ReviewFacts | None = None
    """A preview's outcome: the facts the input would lead to."""
    given: StageInput | None = None
    """A preview's input, as the run would take it (what the family's letter is chosen by)."""
    note: str = ""
    follow_up: bool = False
    """The review's run was busy when the input was handed over: the door hands it over again once it waits."""


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
        inbox=latest_for_review(session, review.id),
        may_record=may_record(principal, review.stage),
    )


def listed(session: Session, principal: Principal) -> list[ReviewLine]:
    return lines_in_scope(session, principal)


def _entry(review: Review, stage: int, form: Mapping[str, str], today: date) -> tuple[StageEntry, bool]:
    return READERS[stage](form, today), form.get("action") != "preview"


def _keep_uploads(
    session: Session, entry: StageEntry, record_id: int, action: str, files: Mapping[str, Upload], staff_id: str
) -> dict[str, str]:
    """Check and keep each advice row's new file (a refusal names the row's file field); return the rows' kept ids
    as the form's hidden fields, so the form shown again keeps them."""
    advice = entry.content.get("advice", [])
    if not action.startswith("remove_"):  # a removed row shifts the rows after it: its files are not taken then
        for i, row in enumerate(advice, start=1):
            upload = files.get(f"advice_{i}_file")
            if upload is None:
                continue
            try:
                checked = check_upload(upload.file_name, upload.content)
            except UploadRefused as exc:
                entry.problems.append(Problem(f"advice_{i}_file", f"Advice or report {i}: {exc}"))
                continue
            row["attachment_id"] = keep_attachment(session, record_id, checked, staff_id=staff_id)
    drop_unused_attachments(session, record_id, {row["attachment_id"] for row in advice if row.get("attachment_id")})
    return {f"advice_{i}_attachment": str(row["attachment_id"])
            for i, row in enumerate(advice, start=1) if row.get("attachment_id")}  # fmt: skip


def _record_draft(
    session: Session, principal: Principal, review: Review, form: Mapping[str, str], files: Mapping[str, Upload]
) -> tuple[StageEntry, int | None, dict[str, str]]:
    """Read and save the meeting record (a draft, even when sending finds something missing) with its files."""
    row = record_of(session, review)
    if row is not None and row.status == SUBMITTED:
        raise RecordLocked("the meeting record was sent and can no longer be changed")
    action = str(form.get("action", "save"))
    entry = read_record(form, sending=action == "send", year_group=year_group_of(review),
                        attachment_ids=attachment_ids(session, row))  # fmt: skip
    if not entry.content:  # a value the record cannot keep: nothing saved, the form shown again
        return entry, None, dict(form)
    record_id = save_section(session, review, "record", deepcopy(entry.content), staff_id=principal.staff_id)
    kept = _keep_uploads(session, entry, record_id, action, files, principal.staff_id)
    save_section(session, review, "record", entry.content, staff_id=principal.staff_id)
    return entry, record_id, {**form, **kept}


def _record_report(
    session: Session, principal: Principal, review: Review, form: Mapping[str, str], files: Mapping[str, Upload], *,
    today: date, source: str,
) -> StageResult:
    """Stage 3: save the meeting record (and its files); when sending, store the report in the review's inbox."""
    try:
        entry, record_id, entered = _record_draft(session, principal, review, form, files)
    except RecordLocked as exc:
        return StageResult(None, [Problem("stage", str(exc))], form)
    if entry.problems or record_id is None:
        return StageResult(None, entry.problems, entered)
    action = str(form.get("action", "save"))
    if action != "send":
        added = {"add_outcome": " Another outcome was added.", "add_advice": " Another advice row was added."}
        removed = " A row was removed." if action.startswith("remove_") else ""
        return StageResult(None, [], entered, note=f"Draft saved.{added.get(action, removed)} Nothing has been "
                                                   "sent yet.")  # fmt: skip
    values = report_values(entry.content, record_id, today)
    try:
        received = receive(session, review, 3, values, submitted_by=principal.staff_id, source=source, today=today)
    except Refused as exc:
        return StageResult(None, [field_problem(p) for p in exc.problems], entered)
    except AlreadyReceived as exc:
        return StageResult(None, [_already(exc)], entered)
    mark_submitted(session, record_id, staff_id=principal.staff_id)
    return StageResult(received, [], entered)


def _save_personal(session: Session, review: Review, stage: int, entry: StageEntry, staff_id: str) -> int | None:
    if stage not in SECTIONS:
        return None
    return save_section(session, review, SECTIONS[stage], entry.content, staff_id=staff_id)


def _already(exc: AlreadyReceived) -> Problem:
    when = london_time(exc.received_at)
    if exc.status == "received":
        return Problem("stage", f"An input for this stage is already being recorded: received {when} from "
                                f"{exc.submitted_by}. Nothing else was saved; the page shows it once it is recorded")
    return Problem("stage", f"This stage was already answered: received {when} from {exc.submitted_by}. "
                            "Reload the page to see the review as it stands")  # fmt: skip


def family_letter(session: Session, reference: str, result: StageResult) -> RenderedMessage | str | None:
    """The letter the family would receive for a previewed input: the outbox's own letter (or why there is none)."""
    if result.facts is None or result.given is None:
        return None
    review = review_by_reference(session, reference)
    return preview_family_letter(
        session, review, result.facts, result.given, la=la_directory(), rule_set=rule_set(),
        is_working_day=working_days(),
    )  # fmt: skip


def record_stage(
    session: Session, principal: Principal, reference: str, stage: int, form: Mapping[str, str], *,
    today: date, source: str = "portal", files: Mapping[str, Upload] | None = None,
) -> StageResult:
    """Read, save and (when asked) store one stage's form in the review's inbox; a preview checks only.

    Nothing talks to Prefect here: the caller hands the received input to the review's run after commit."""
    review = in_scope(session, principal, reference)
    if not may_record(principal, stage):
        raise WrongRole(f"stage {stage} is recorded by the council")
    if review.stage != stage:
        return StageResult(None, [Problem("stage", f"This review is not at stage {stage}; reload the page")], form)
    if stage == 3:
        return _record_report(session, principal, review, form, files or {}, today=today, source=source)
    entry, sending = _entry(review, stage, form, today)
    try:
        _save_personal(session, review, stage, entry, principal.staff_id)
    except RecordLocked as exc:
        return StageResult(None, [Problem("stage", str(exc))], form)
    if entry.problems:
        return StageResult(None, entry.problems, form)
    values = entry.values
    try:
        if not sending:
            checked = check(review, stage, {**values, "submitted_by": principal.staff_id}, today=today)
            return StageResult(None, [], form, checked.facts, to_stage_input(checked.form))
        received = receive(session, review, stage, values, submitted_by=principal.staff_id, source=source,
                           today=today)  # fmt: skip
    except Refused as exc:
        return StageResult(None, [field_problem(p) for p in exc.problems], form)
    except AlreadyReceived as exc:
        return StageResult(None, [_already(exc)], form)
    return StageResult(received, [], form)


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
    if content.get("recommendation"):
        values["recommendation"] = str(content["recommendation"])
    outcomes = content.get("outcomes") or []
    for i, row in enumerate(outcomes, start=1):
        values[f"outcome_{i}"], values[f"progress_{i}"] = row.get("outcome", ""), row.get("progress", "")
    values["outcome_rows"] = str(len(outcomes) if content else DEFAULT_OUTCOME_ROWS)
    advice = content.get("advice") or []
    values["advice_rows"] = str(len(advice))
    for i, row in enumerate(advice, start=1):
        values.update({f"advice_{i}_from": row.get("from_whom", ""), f"advice_{i}_role": row.get("role", "")})
        values.update(_date_values(f"advice_{i}_received_on", row.get("received_on")))
        if row.get("attachment_id"):
            values[f"advice_{i}_attachment"] = str(row["attachment_id"])
    for key, text in (content.get("sections") or {}).items():
        values[f"section_{key}"] = text
    for key, text in (content.get("adulthood") or {}).items():
        values[f"pfa_{key}"] = text
    budget = content.get("personal_budget") or {}
    requested = budget.get("requested")
    values["budget_requested"] = "" if requested is None else "yes" if requested else "no"
    values["budget_details"] = budget.get("details", "")
    signoff = content.get("head_signoff") or {}
    values.update({"head_name": signoff.get("name", ""), "head_role": signoff.get("role", "")})
    values.update(_date_values("head_signed_on", signoff.get("signed_on")))
    return values


def attach_file(
    session: Session, principal: Principal, reference: str, file_name: str, content: bytes
) -> RecordAttachment:
    """Check and keep a file of advice or a report with the review's meeting record draft (the API's upload)."""
    review = in_scope(session, principal, reference)
    if not may_record(principal, 3):
        raise WrongRole("stage 3 is recorded by the setting or the council")
    if review.stage != 3:
        raise FileRefused(Problem("stage", "This review is not at stage 3: files are attached to its meeting record "
                                           "while it is a draft"))  # fmt: skip
    row = record_of(session, review)
    if row is not None and row.status == SUBMITTED:
        raise FileRefused(Problem("stage", "The meeting record was sent and can no longer be changed"))
    try:
        checked = check_upload(file_name, content)
    except UploadRefused as exc:
        raise FileRefused(Problem("file", str(exc))) from None
    record_id = row.id if row is not None else save_section(session, review, "record", {}, staff_id=principal.staff_id)
    return session.get_one(RecordAttachment, keep_attachment(session, record_id, checked, staff_id=principal.staff_id))
