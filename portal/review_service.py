"""What the review pages and the API do with the records: list, read, record a stage. No HTTP here.

Every function takes the signed-in ``Principal`` and raises ``NotInScope`` for a review outside their
scope. ``submit_stage`` (the pages) and ``submit_stage_entry`` (the API, ``ehcp``) record a stage's entry:
its personal part saved in the records database and the non-personal part stored in the review's inbox
(``services.inbox.receive``), in one transaction; the door hands it to the review's run once it has committed.
"""

from __future__ import annotations

from collections.abc import Mapping
from copy import deepcopy
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from notices.render import RenderedMessage
from portal.finding import child_name, year_text
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
from portal.scope import Principal, review_in_scope
from portal.stage_forms import (
    DEFAULT_OUTCOME_ROWS,
    READERS,
    StageEntry,
    Upload,
    field_problem,
    read_record,
    record_entry,
    recorded_preparation,
    report_values,
)
from portal.timeline import Timeline, timeline
from records.inbox import AlreadyReceived, InboxLine, latest_for_review
from records.models import RecordAttachment, Review
from records.review_progress import record_not_amending_reasons, review_by_reference, year_group_of
from records.session import SessionFactory, session_scope
from rules.errors import Problem
from rules.facts import ReviewFacts
from rules.transitions import StageInput
from services.attachments import UploadRefused, check_upload
from services.forms import to_stage_input
from services.inbox import (
    MovedOn,
    Received,
    Refused,
    already_said,
    check,
    ensure_open,
    receive,
    submitter,
)
from services.invitations import recorded_dates
from services.rendering import preview_family_letter
from services.setup import la_directory, rule_set, working_days

SETTING_STAGES = frozenset({1, 2, 3})
SECTIONS = {1: "preparation", 2: "meeting", 3: "record"}
CONFIRM_FIELD = "confirm_warnings"
"""The box a person ticks to send an input the service warned about (late or unlawful, recorded as history)."""
WARNED_FIELD = "warned"
"""Set on a form that showed warnings: sending it again without the box ticked is an error, not a second warning."""
WAIT_FIELD = "wait"
"""The review's wait the form was opened at: an input for a wait the review has left is refused, never kept."""


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
    child: str
    """The child's given and family name: for the people entitled to the review only (never a URL or a log)."""
    born_on: date
    year_text: str
    timeline: Timeline
    record: dict[str, Any]
    record_status: str | None
    record_id: int | None
    inbox: InboxLine | None
    """The review's latest input (received and being recorded, applied, refused or superseded)."""
    may_record: bool
    wait_number: int = 0
    inbox_by: str = ""
    """Who sent the latest input, as colleagues know them (work email and role)."""

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
    warnings: tuple[Problem, ...] = ()
    """Late or unlawful, though accepted (``rules.warnings``): shown before sending, and with what was sent."""
    confirm: bool = False
    """Nothing was sent: the person is asked to confirm the warnings first (the pages' check step)."""
    conflict: bool = False
    """Nothing was saved: another input answers this wait, or the review has moved past it (HTTP 409)."""
    reasons: str | None = None
    """A not-amending notice's reasons as entered, for its letter's preview (kept in the records when sent)."""


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
    latest = latest_for_review(session, review.id)
    return ReviewPage(
        reference=review.reference,
        setting_name=review.plan.setting.name,
        stage=review.stage,
        year_group=year_group_of(review),
        child=child_name(review.plan.child.given_name, review.plan.child.family_name),
        born_on=review.plan.child.date_of_birth,
        year_text=year_text(review.plan.child.year_group),
        timeline=timeline(session, reference, today),
        record=dict(row.content) if row else {},
        record_status=row.status if row else None,
        record_id=row.id if row else None,
        inbox=latest,
        may_record=may_record(principal, review.stage),
        wait_number=review.wait_number,
        inbox_by=submitter(session, latest.submitted_by) if latest is not None else "",
    )


def _entry(stage: int, form: Mapping[str, str], today: date) -> tuple[StageEntry, bool]:
    if stage == 3:
        return read_record(form), form.get("action") == "send"
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
    session: Session, principal: Principal, review: Review, entry: StageEntry, action: str,
    files: Mapping[str, Upload], form: Mapping[str, str],
) -> tuple[StageEntry, int | None, dict[str, str]]:
    """Check and save the meeting record (a draft, even when sending finds something missing) with its files."""
    row = record_of(session, review)
    if row is not None and row.status == SUBMITTED:
        raise RecordLocked("the meeting record was sent and can no longer be changed")
    entry = record_entry(entry, sending=action == "send", year_group=year_group_of(review),
                         attachment_ids=attachment_ids(session, row))  # fmt: skip
    if not entry.content:  # a value the record cannot keep: nothing saved, the form shown again
        return entry, None, dict(form)
    record_id = save_section(session, review, "record", deepcopy(entry.content), staff_id=principal.staff_id)
    kept = _keep_uploads(session, entry, record_id, action, files, principal.staff_id)
    save_section(session, review, "record", entry.content, staff_id=principal.staff_id)
    return entry, record_id, {**form, **kept}


def _record_report(
    session: Session, principal: Principal, review: Review, entry: StageEntry, action: str, *,
    files: Mapping[str, Upload], form: Mapping[str, str], how: Sending, today: date, source: str,
) -> StageResult:
    """Stage 3: save the meeting record (and its files); when sending, store the report in the review's inbox.

    An input that came second raises (AlreadyReceived) for ``submit_stage_entry`` to roll back and explain."""
    try:
        entry, record_id, entered = _record_draft(session, principal, review, entry, action, files, form)
    except RecordLocked as exc:
        return StageResult(None, [Problem("stage", str(exc))], form)
    if entry.problems or record_id is None:
        return StageResult(None, entry.problems, entered)
    if action != "send":
        added = {"add_outcome": " Another outcome was added.", "add_advice": " Another advice row was added."}
        removed = " A row was removed." if action.startswith("remove_") else ""
        return StageResult(None, [], entered, note=f"Draft saved.{added.get(action, removed)} Nothing has been "
                                                   "sent yet.")  # fmt: skip
    values = report_values(entry.content, record_id, today)
    try:
        received = receive(session, review, 3, values, submitted_by=principal.staff_id, source=source, today=today,
                           wait_number=how.wait)  # fmt: skip
    except Refused as exc:
        return StageResult(None, [field_problem(p) for p in exc.problems], entered)
    mark_submitted(session, record_id, staff_id=principal.staff_id)
    return StageResult(received, [], entered, warnings=received.warnings)


def _save_personal(session: Session, review: Review, stage: int, entry: StageEntry, staff_id: str) -> int | None:
    if stage not in SECTIONS:
        return None
    return save_section(session, review, SECTIONS[stage], entry.content, staff_id=staff_id)


def family_letter(session: Session, reference: str, result: StageResult) -> RenderedMessage | str | None:
    """The letter the family would receive for a previewed input: the outbox's own letter (or why there is none)."""
    if result.facts is None or result.given is None:
        return None
    review = review_by_reference(session, reference)
    return preview_family_letter(
        session, review, result.facts, result.given, la=la_directory(), rule_set=rule_set(),
        is_working_day=working_days(), reasons=result.reasons,
    )  # fmt: skip


def _wait_of(form: Mapping[str, str]) -> int | None:
    value = str(form.get(WAIT_FIELD) or "").strip()
    return int(value) if value.isdigit() and len(value) < 10 else None


@dataclass(frozen=True, slots=True)
class Sending:
    """How a door sends an entry: the wait its form was opened at, and whether its warnings were confirmed."""

    wait: int | None = None
    confirmed: bool = False
    """The person ticked the box under the warnings (the API confirms by sending: it is told them in its answer)."""
    warned: bool = False
    """The form came back with the warnings already: not ticking the box again is an error."""

    @classmethod
    def of_page(cls, form: Mapping[str, str]) -> Sending:
        return cls(_wait_of(form), form.get(CONFIRM_FIELD) == "yes", form.get(WARNED_FIELD) == "yes")


def _unconfirmed(form: Mapping[str, str], warnings: tuple[Problem, ...], how: Sending) -> StageResult | None:
    """The check step: an input with warnings is sent only with the box ticked; else the form comes back."""
    if not warnings or how.confirmed:
        return None
    problems = []
    if how.warned:
        problems.append(Problem(CONFIRM_FIELD, "Tick the box to record it as it is, or change the date"))
    return StageResult(None, problems, form, warnings=warnings, confirm=True)


def record_stage_entry(
    session: Session, principal: Principal, reference: str, stage: int, entry: StageEntry, *, sending: bool,
    today: date, source: str = "portal", entered: Mapping[str, str] | None = None, how: Sending = Sending(),
    files: Mapping[str, Upload] | None = None, action: str = "",
) -> StageResult:
    """Save and (when sending) store one stage's entry in the review's inbox; otherwise check it only (a preview)
    or, at stage 3, keep the meeting record as a draft. Every door builds the same entry (``portal.stage_forms``).

    An input for a wait already answered, or one the review has left, raises AlreadyReceived or MovedOn
    before anything is saved (or, in a race, when it is stored): the caller's transaction must roll back,
    so the personal part of an input that came second is never kept (``submit_stage_entry`` does that).
    Nothing talks to Prefect here: the caller hands the received input to the review's run after commit."""
    form = entered or {}
    review = in_scope(session, principal, reference)
    if not may_record(principal, stage):
        raise WrongRole(f"stage {stage} is recorded by the council")
    try:
        ensure_open(session, review, stage, how.wait)
    except Refused as exc:
        return StageResult(None, [field_problem(p) for p in exc.problems], form)
    if stage == 1:  # the dates the product recorded win, whichever door the entry came through
        entry = recorded_preparation(entry, recorded_dates(session, review).fields())
    if stage == 3:
        return _record_report(session, principal, review, entry, action or ("send" if sending else "save"),
                              files=files or {}, form=form, how=how, today=today, source=source)  # fmt: skip
    try:
        _save_personal(session, review, stage, entry, principal.staff_id)
    except RecordLocked as exc:
        return StageResult(None, [Problem("stage", str(exc))], form)
    if entry.problems:
        return StageResult(None, entry.problems, form)
    values = entry.values
    reasons = str(entry.content.get("reasons") or "") if stage == 5 else None
    try:
        result = _check_or_send(session, principal, review, stage, form, values, reasons=reasons, sending=sending,
                                how=how, today=today, source=source)  # fmt: skip
    except Refused as exc:
        return StageResult(None, [field_problem(p) for p in exc.problems], form)
    return result


def _check_or_send(
    session: Session, principal: Principal, review: Review, stage: int, form: Mapping[str, str],
    values: Mapping[str, Any], *, reasons: str | None, sending: bool, how: Sending, today: date, source: str,
) -> StageResult:  # fmt: skip
    """Check the input; send it when asked and confirmed (its warnings shown first), else say what it leads to."""
    checked = check(review, stage, {**values, "submitted_by": principal.staff_id}, today=today)
    given = to_stage_input(checked.form)
    if not sending:
        return StageResult(None, [], form, checked.facts, given, warnings=checked.warnings, reasons=reasons)
    held = _unconfirmed(form, checked.warnings, how)
    if held is not None:
        held.facts, held.given, held.reasons = checked.facts, given, reasons
        return held
    received = receive(session, review, stage, values, submitted_by=principal.staff_id, source=source,
                       today=today, wait_number=how.wait)  # fmt: skip
    if reasons:  # beside the input, in the same transaction; never in the form the run sees
        record_not_amending_reasons(session, review.reference, reasons, actor=principal.staff_id)
    return StageResult(received, [], form, warnings=received.warnings)


def _conflict(session: Session, principal: Principal, reference: str, stage: int, wait: int | None) -> StageResult:
    """Say, from the records as they now stand, why an input that came second was not saved."""
    review = in_scope(session, principal, reference)
    try:
        ensure_open(session, review, stage, wait)
    except AlreadyReceived as exc:
        message = already_said(session, review, exc)
    except MovedOn as exc:
        message = exc.message
    except Refused as exc:
        message = exc.problems[0].message if exc.problems else exc.headline
    else:  # another save of the same record won the race and its input is not stored (a draft, a preview)
        message = ("Someone else saved this stage at the same moment. Nothing you entered was saved. Look at the "
                   "review as it stands, then enter it again if it is still needed")  # fmt: skip
    return StageResult(None, [Problem("stage", message)], {}, conflict=True)


def submit_stage(
    factory: SessionFactory, principal: Principal, reference: str, stage: int, form: Mapping[str, str], *,
    today: date, source: str = "portal", files: Mapping[str, Upload] | None = None,
) -> StageResult:
    """The pages' door: read the posted form into its entry and record it in its own transaction."""
    entry, sending = _entry(stage, form, today)
    return submit_stage_entry(factory, principal, reference, stage, entry, sending=sending, today=today,
                              source=source, entered=form, how=Sending.of_page(form), files=files,
                              action=str(form.get("action", "")))  # fmt: skip


def submit_stage_entry(
    factory: SessionFactory, principal: Principal, reference: str, stage: int, entry: StageEntry, *,
    sending: bool, today: date, source: str = "portal", entered: Mapping[str, str] | None = None,
    how: Sending = Sending(), files: Mapping[str, Upload] | None = None, action: str = "",
) -> StageResult:
    """``record_stage_entry`` in its own transaction, for the pages, the API and ``ehcp`` alike.

    When the wait is answered already or left behind (checked first, and held by the database's unique
    keys when two people send at the same moment: the inbox's one row per wait, the one meeting record
    per review), everything this input saved is rolled back and the person is told, from the records
    as they then stand, who sent the input that counts and when: never a server error."""
    try:
        with session_scope(factory) as session:
            return record_stage_entry(session, principal, reference, stage, entry, sending=sending, today=today,
                                      source=source, entered=entered, how=how, files=files,
                                      action=action)  # fmt: skip
    except (AlreadyReceived, MovedOn, IntegrityError):
        with session_scope(factory) as session:
            return _conflict(session, principal, reference, stage, how.wait)


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
