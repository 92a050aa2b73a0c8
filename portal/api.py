"""The JSON API under ``/api``: the same reviews, scopes and actions as the pages, for a bearer token.

Tokens are made with ``ehcp users token EMAIL``. A body is turned into the very field mapping the
HTML form posts, so the API and the pages share one path (``portal.review_service``) to the records
and to the review's run. A review outside the token's scope answers 404.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from fastapi import APIRouter, BackgroundTasks, Depends, HTTPException, Request, UploadFile
from fastapi.responses import Response
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from portal.accounts import user_for_token
from portal.handover import follow_up, hand_over_now, said
from portal.meeting_records import attachment_of
from portal.review_service import (
    FileRefused,
    NotInScope,
    StageResult,
    WrongRole,
    attach_file,
    family_letter,
    in_scope,
    listed,
    record_stage,
    review_page,
)
from portal.scope import Principal, principal_of
from portal.stage_forms import INVITEES, record_fields, typed_field
from portal.web import portal_of
from records.inbox import InboxLine, as_utc
from records.session import session_scope
from rules.facts import Outcome
from services.attachments import MAX_BYTES
from services.forms import MeetingRecordContent, StrictDate
from services.inbox import HandOver, line

router = APIRouter(tags=["reviews"])
bearer = HTTPBearer(auto_error=False, description="A token from `ehcp users token EMAIL`.")
Text = Annotated[str, Field(max_length=10_000)]
Invitee = Literal["family", "head", "la_sen", "health", "social_care"]


class ProblemOut(BaseModel):
    field: str
    message: str


class InputOut(BaseModel):
    """A stage input in the review's inbox: received (being recorded), applied, refused or superseded."""

    id: int
    stage: int
    status: Literal["received", "applied", "refused", "superseded"]
    received_at: datetime
    submitted_by: str
    stage_after: int | None = Field(default=None, description="The review's stage once the input was applied.")
    problems: list[ProblemOut] = []
    not_recorded_yet: str | None = Field(default=None, description="Why a received input is not applied yet.")


class ResultOut(BaseModel):
    status: Literal["received", "draft", "checked"] = Field(
        description="received: stored in the review's inbox and being recorded (see the review's latest_input); "
        "draft: a meeting record saved, nothing sent; checked: a preview, nothing stored."
    )
    note: str = ""
    input: InputOut | None = None
    letter: str | None = Field(default=None, description="The family's letter, when a preview was asked for.")
    follow_up: bool = Field(default=False, exclude=True)


class ReviewOut(BaseModel):
    reference: str
    setting_name: str
    stage: int | None
    next_deadline: str | None = None
    due_on: date | None = None
    owed_by: str | None = None


class DeadlineOut(BaseModel):
    label: str
    due_on: date
    owed_by: str
    days_left: int


class ReviewDetailOut(ReviewOut):
    done: list[tuple[str, date]]
    open_deadlines: list[DeadlineOut]
    meeting_record_status: str | None
    latest_input: InputOut | None = Field(description="The review's latest stage input and what became of it.")
    last_refusal: list[ProblemOut]


class PreparationIn(BaseModel):
    meeting_planned_on: StrictDate
    invited_on: dict[Invitee, StrictDate] = Field(description="When each statutory invitee was invited.")
    other_invitees: Text = ""
    advice_from: Text = ""
    advice_requested_on: StrictDate | None = None
    advice_circulated_on: StrictDate


class MeetingIn(BaseModel):
    meeting_held_on: StrictDate
    preparing_for_adulthood_discussed: bool = False
    attended: list[Invitee] = []
    other_attendees: Text = ""


class RecordIn(MeetingRecordContent):
    """The meeting record (the council's template; ``services.forms.MeetingRecordContent``). ``send: false`` saves a
    draft; ``send: true`` sends it to the council and, once recorded, to the family and everyone invited. An advice
    row's ``attachment_id`` is a file uploaded first to ``POST /api/reviews/{reference}/record/attachments``."""

    send: bool = False


class AttachmentOut(BaseModel):
    id: int
    file_name: str
    media_type: str
    size: int


class DecisionIn(BaseModel):
    outcome: Outcome
    notified_on: StrictDate
    amendment_notice_sent_on: StrictDate | None = None
    preview: bool = Field(default=False, description="Check and return the family's letter; send nothing.")


class PlanIn(BaseModel):
    document: str = Field(max_length=40, description="final-plan or cease-notice (and what the run's form allows).")
    issued_on: StrictDate
    preview: bool = False


def api_principal(
    request: Request, credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(bearer)]
) -> Principal:
    if credentials is None:
        raise HTTPException(401, "send a bearer token", headers={"WWW-Authenticate": "Bearer"})
    with session_scope(portal_of(request).factory) as session:
        user = user_for_token(session, credentials.credentials)
        if user is None:
            raise HTTPException(401, "the token is unknown, revoked or its account disabled")
        return principal_of(user)


Who = Annotated[Principal, Depends(api_principal)]


def _date_fields(name: str, day: date | None) -> dict[str, str]:
    if day is None:
        return {}
    return {f"{name}-day": str(day.day), f"{name}-month": str(day.month), f"{name}-year": str(day.year)}


def _preparation_form(body: PreparationIn) -> dict[str, str]:
    form = {**_date_fields("meeting_planned_on", body.meeting_planned_on),
            **_date_fields("advice_requested_on", body.advice_requested_on),
            **_date_fields("advice_circulated_on", body.advice_circulated_on),
            "other_invitees": body.other_invitees, "advice_from": body.advice_from}
    for key, _ in INVITEES:
        form.update(_date_fields(f"invited_{key}", body.invited_on.get(key)))  # type: ignore[call-overload]
    return form


def _meeting_form(body: MeetingIn) -> dict[str, str]:
    form = {**_date_fields("meeting_held_on", body.meeting_held_on), "other_attendees": body.other_attendees,
            "preparing_for_adulthood_discussed": "yes" if body.preparing_for_adulthood_discussed else ""}
    form.update({f"attended_{key}": "yes" for key in body.attended})
    return form


def _record_form(body: RecordIn) -> dict[str, str]:
    return record_fields(body, send=body.send)


def _decision_form(body: DecisionIn) -> dict[str, str]:
    return {"outcome": body.outcome.value, **_date_fields("notified_on", body.notified_on),
            **_date_fields("amendment_notice_sent_on", body.amendment_notice_sent_on),
            "action": "preview" if body.preview else "send"}


def _plan_form(body: PlanIn) -> dict[str, str]:
    return {"document": body.document, **_date_fields("issued_on", body.issued_on),
            "action": "preview" if body.preview else "send"}


def _letter(request: Request, reference: str, result: StageResult) -> str | None:
    with session_scope(portal_of(request).factory) as session:
        preview = family_letter(session, reference, result)
    if preview is None or isinstance(preview, str):
        return preview
    return f"{preview.subject}\n\n{preview.body_text}"


def input_out(found: InboxLine | None) -> InputOut | None:
    if found is None:
        return None
    return InputOut(
        id=found.entry_id, stage=found.stage, status=found.status,  # type: ignore[arg-type]
        received_at=as_utc(found.received_at), submitted_by=found.submitted_by, stage_after=found.stage_after,
        problems=[ProblemOut(field=f, message=m) for f, m in found.problems],
        not_recorded_yet=found.last_error if found.status == "received" else None,
    )  # fmt: skip


def _run(request: Request, principal: Principal, reference: str, stage: int, form: dict[str, str]) -> ResultOut:
    portal = portal_of(request)
    try:
        with session_scope(portal.factory) as session:
            result = record_stage(session, principal, reference, stage, form, today=portal.today(), source="api")
    except NotInScope:
        raise HTTPException(404, "Not Found") from None
    except WrongRole:
        raise HTTPException(403, "the council records this stage") from None
    named = typed_field if stage == 3 else str  # the record's problems named as its typed form names them
    problems = [ProblemOut(field=named(p.field), message=p.message) for p in result.problems]
    if problems:
        raise HTTPException(422, [p.model_dump() for p in problems])
    if result.received is not None:
        handed = hand_over_now(portal, result.received, principal.staff_id)
        found = input_out(line(portal.factory, result.received.entry_id))
        return ResultOut(status="received", note=said(handed), input=found, follow_up=handed is HandOver.BUSY)
    if result.note:
        return ResultOut(status="draft", note=result.note)
    return ResultOut(status="checked", letter=_letter(request, reference, result))


async def _stage(
    request: Request, principal: Principal, reference: str, stage: int, form: dict[str, str], later: BackgroundTasks
) -> Any:
    result = await run_in_threadpool(_run, request, principal, reference, stage, form)
    if result.input is not None and result.follow_up:  # the run is busy: hand it over again once it waits
        later.add_task(follow_up, portal_of(request), result.input.id, principal.staff_id)
    return result


RESPONSES: dict[int | str, dict[str, Any]] = {401: {"description": "No valid token"}, 404: {"description": "No such "
                                               "review in your scope"}, 422: {"description": "Refused, with problems"}}


@router.get("/reviews", response_model=list[ReviewOut], responses=RESPONSES)
def list_reviews(request: Request, principal: Who) -> list[ReviewOut]:
    """The open reviews in your scope, soonest next deadline first."""
    with session_scope(portal_of(request).factory) as session:
        lines = listed(session, principal)
    return [ReviewOut(reference=ln.reference, setting_name=ln.setting_name, stage=ln.stage,
                      next_deadline=ln.next_deadline_key, due_on=ln.next_due_on, owed_by=ln.next_owner)
            for ln in lines]


@router.get("/reviews/{reference}", response_model=ReviewDetailOut, responses=RESPONSES)
def get_review(request: Request, reference: str, principal: Who) -> ReviewDetailOut:
    """A review's stage, what was done when, and its open deadlines."""
    portal = portal_of(request)
    try:
        with session_scope(portal.factory) as session:
            data = review_page(session, principal, reference, portal.today())
    except NotInScope:
        raise HTTPException(404, "Not Found") from None
    line = data.timeline
    return ReviewDetailOut(
        reference=data.reference, setting_name=data.setting_name, stage=data.stage,
        done=list(line.done), open_deadlines=[DeadlineOut(label=d.label, due_on=d.due_on, owed_by=d.owner,
                                                          days_left=d.days_left) for d in line.due],
        meeting_record_status=data.record_status, latest_input=input_out(data.inbox),
        last_refusal=[ProblemOut(field=f, message=m) for f, m in line.view.last_refusal],
    )


@router.get("/reviews/{reference}/record", responses=RESPONSES)
def get_record(request: Request, reference: str, principal: Who) -> dict[str, Any]:
    """The review's own record: preparation, meeting and the meeting record (personal data)."""
    portal = portal_of(request)
    try:
        with session_scope(portal.factory) as session:
            data = review_page(session, principal, reference, portal.today())
    except NotInScope:
        raise HTTPException(404, "Not Found") from None
    return {"status": data.record_status, "content": data.record}


@router.post("/reviews/{reference}/preparation", response_model=ResultOut, responses=RESPONSES)
async def post_preparation(
    request: Request, reference: str, body: PreparationIn, principal: Who, later: BackgroundTasks
) -> Any:
    """Stage 1: the meeting date, who was invited when, advice requested and circulated."""
    return await _stage(request, principal, reference, 1, _preparation_form(body), later)


@router.post("/reviews/{reference}/meeting", response_model=ResultOut, responses=RESPONSES)
async def post_meeting(
    request: Request, reference: str, body: MeetingIn, principal: Who, later: BackgroundTasks
) -> Any:
    """Stage 2: the meeting was held."""
    return await _stage(request, principal, reference, 2, _meeting_form(body), later)


@router.post("/reviews/{reference}/record", response_model=ResultOut, responses=RESPONSES)
async def post_record(
    request: Request, reference: str, body: RecordIn, principal: Who, later: BackgroundTasks
) -> Any:
    """Stage 3: save the meeting record as a draft, or send it (the report) to the council."""
    return await _stage(request, principal, reference, 3, _record_form(body), later)


@router.post("/reviews/{reference}/decision", response_model=ResultOut, responses=RESPONSES)
async def post_decision(
    request: Request, reference: str, body: DecisionIn, principal: Who, later: BackgroundTasks
) -> Any:
    """Stage 4 (council): the decision, or with ``preview`` the family's letter."""
    return await _stage(request, principal, reference, 4, _decision_form(body), later)


@router.post("/reviews/{reference}/plan", response_model=ResultOut, responses=RESPONSES)
async def post_plan(
    request: Request, reference: str, body: PlanIn, principal: Who, later: BackgroundTasks
) -> Any:
    """Stage 5 (council): the final plan or another closing document."""
    return await _stage(request, principal, reference, 5, _plan_form(body), later)


def _attach(request: Request, principal: Principal, reference: str, file_name: str, content: bytes) -> AttachmentOut:
    portal = portal_of(request)
    try:
        with session_scope(portal.factory) as session:
            kept = attach_file(session, principal, reference, file_name, content)
            return AttachmentOut(id=kept.id, file_name=kept.file_name, media_type=kept.media_type, size=kept.size)
    except NotInScope:
        raise HTTPException(404, "Not Found") from None
    except WrongRole:
        raise HTTPException(403, "the council records this stage") from None
    except FileRefused as exc:
        problem = ProblemOut(field=exc.problem.field, message=exc.problem.message)
        raise HTTPException(422, [problem.model_dump()]) from None


@router.post("/reviews/{reference}/record/attachments", response_model=AttachmentOut, responses=RESPONSES)
async def post_record_attachment(request: Request, reference: str, file: UploadFile, principal: Who) -> Any:
    """Stage 3: upload a file of advice or a report (PDF or DOCX, checked by its content, up to 10 MB) for the
    meeting record draft; give its ``id`` as an advice row's ``attachment_id`` when you save the record."""
    content = await file.read(MAX_BYTES + 1)
    return await run_in_threadpool(_attach, request, principal, reference, file.filename or "", content)


@router.get("/reviews/{reference}/record/attachments/{attachment_id}", responses=RESPONSES)
def get_record_attachment(request: Request, reference: str, attachment_id: int, principal: Who) -> Response:
    """A file attached to the meeting record, as a download (``Cache-Control: no-store``)."""
    portal = portal_of(request)
    with session_scope(portal.factory) as session:
        try:
            review = in_scope(session, principal, reference)
        except NotInScope:
            raise HTTPException(404, "Not Found") from None
        found = attachment_of(session, review, attachment_id)
        if found is None:
            raise HTTPException(404, "Not Found")
        name, media_type, content = found.file_name, found.media_type, found.content
    return Response(content, media_type=media_type, headers={
        "Cache-Control": "no-store", "X-Content-Type-Options": "nosniff",
        "Content-Disposition": f"attachment; filename=\"{name.encode('ascii', 'replace').decode()}\"",
    })  # fmt: skip
