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
from portal.finding import find, read_search
from portal.handover import follow_up, hand_over_now, said
from portal.meeting_records import attachment_of
from portal.review_service import (
    FileRefused,
    NotInScope,
    Sending,
    StageResult,
    WrongRole,
    attach_file,
    family_letter,
    in_scope,
    review_page,
    submit_stage_entry,
)
from portal.scope import Principal, principal_of
from portal.stage_forms import (
    INVITEES,
    StageEntry,
    decision_entry,
    meeting_entry,
    plan_entry,
    preparation_entry,
    typed_field,
)
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
    """A stage input in the review's inbox: ``received`` (being recorded), ``applied`` (recorded), ``refused`` (not
    recorded, with the problems) or ``superseded`` (the review moved on before it was recorded)."""

    id: int
    stage: int
    status: Literal["received", "applied", "refused", "superseded"] = Field(
        description="received: being recorded; applied: recorded; refused: not recorded (see problems); "
        "superseded: the review moved on before it was recorded.")
    received_at: datetime
    submitted_by: str
    stage_after: int | None = Field(default=None, description="The review's stage once the input was recorded.")
    problems: list[ProblemOut] = []
    not_recorded_yet: str | None = Field(default=None, description="Why a received input is not recorded yet.")


class ResultOut(BaseModel):
    status: Literal["received", "draft", "checked"] = Field(
        description="received: stored in the review's inbox and being recorded (see the review's latest_input); "
        "draft: a meeting record saved, nothing sent; checked: a preview, nothing stored."
    )
    note: str = ""
    input: InputOut | None = None
    letter: str | None = Field(default=None, description="The family's letter, when a preview was asked for.")
    warnings: list[ProblemOut] = Field(
        default=[], description="Accepted, but late or unlawful (recorded as history): a meeting planned after the "
        "date it is due by, a final plan inside the family's 15 days. Ask with preview first to see them before "
        "sending.",
    )
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
    document: str = Field(max_length=40, description="The document issued: final-plan or cease-notice (or another "
                          "one stage 5 accepts).")
    issued_on: StrictDate
    reasons: Text = Field(default="", description="not-amending only: the council's reasons (Reg 22(4)).")
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


def _preparation(body: PreparationIn) -> tuple[StageEntry, bool]:
    invited = {key: body.invited_on.get(key) for key, _ in INVITEES}  # type: ignore[call-overload]
    return preparation_entry(StageEntry(), planned=body.meeting_planned_on, invited=invited,
                             requested=body.advice_requested_on, circulated=body.advice_circulated_on,
                             other_invitees=body.other_invitees, advice_from=body.advice_from), True


def _meeting(body: MeetingIn) -> tuple[StageEntry, bool]:
    return meeting_entry(StageEntry(), held=body.meeting_held_on, attended=body.attended,
                         preparing_for_adulthood_discussed=body.preparing_for_adulthood_discussed,
                         other_attendees=body.other_attendees), True


def _record(body: RecordIn) -> tuple[StageEntry, bool]:
    """The typed record as given; the service checks it for the review (its year group, its kept files)."""
    return StageEntry(content=body.model_dump(mode="json", exclude={"send"})), body.send


def _decision(body: DecisionIn) -> tuple[StageEntry, bool]:
    return decision_entry(StageEntry(), outcome=body.outcome.value, notified_on=body.notified_on,
                          amendment_notice_sent_on=body.amendment_notice_sent_on), not body.preview


def _plan(body: PlanIn) -> tuple[StageEntry, bool]:
    return plan_entry(StageEntry(), document=body.document, issued_on=body.issued_on,
                      reasons=body.reasons), not body.preview  # fmt: skip


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


def _run(
    request: Request, principal: Principal, reference: str, stage: int, entry: tuple[StageEntry, bool]
) -> ResultOut:
    portal = portal_of(request)
    try:  # the API is told its warnings in the answer (and by a preview first); it confirms them by sending
        result = submit_stage_entry(portal.factory, principal, reference, stage, entry[0], sending=entry[1],
                                    today=portal.today(), source="api", how=Sending(confirmed=True))  # fmt: skip
    except NotInScope:
        raise HTTPException(404, "Not Found") from None
    except WrongRole:
        raise HTTPException(403, "the council records this stage") from None
    named = typed_field if stage == 3 else str  # the record's problems named as its typed form names them
    problems = [ProblemOut(field=named(p.field), message=p.message) for p in result.problems]
    if problems:  # 409: another input answers this wait, or the review has moved past it; nothing was saved
        raise HTTPException(409 if result.conflict else 422, [p.model_dump() for p in problems])
    warnings = [ProblemOut(field=p.field, message=p.message) for p in result.warnings]
    if result.received is not None:
        handed = hand_over_now(portal, result.received, principal.staff_id)
        found = input_out(line(portal.factory, result.received.entry_id))
        return ResultOut(status="received", note=said(handed), input=found, follow_up=handed is HandOver.BUSY,
                         warnings=warnings)  # fmt: skip
    if result.note:
        return ResultOut(status="draft", note=result.note)
    return ResultOut(status="checked", letter=_letter(request, reference, result), warnings=warnings)


async def _stage(
    request: Request, principal: Principal, reference: str, stage: int, entry: tuple[StageEntry, bool],
    later: BackgroundTasks,
) -> Any:
    result = await run_in_threadpool(_run, request, principal, reference, stage, entry)
    if result.input is not None and result.follow_up:  # the run is busy: hand it over again once it waits
        later.add_task(follow_up, portal_of(request), result.input.id, principal.staff_id)
    return result


RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid token"},
    404: {"description": "No such review in your scope"},
    409: {"description": "Another input for this stage was sent first (the message says by whom and when), or "
                         "the review has moved past it: nothing was saved"},
    422: {"description": "Refused, with problems"},
}


@router.get("/reviews", response_model=list[ReviewOut], responses=RESPONSES)
def list_reviews(request: Request, principal: Who, q: str = "", stage: str = "", due: str = "") -> list[ReviewOut]:
    """The open reviews in your scope, soonest next deadline first; ``q`` searches the child's name, the reference
    and the setting (every word must match), ``stage`` is 1-5, ``due`` is overdue, this_term or later."""
    portal = portal_of(request)
    form = read_search({"q": q, "stage": stage, "due": due})
    if form.problems:
        raise HTTPException(422, [ProblemOut(field=p.field, message=p.message).model_dump() for p in form.problems])
    with session_scope(portal.factory) as session:
        found = find(session, principal, form, portal.today(), per_page=None)
    return [ReviewOut(reference=ln.reference, setting_name=ln.setting_name, stage=ln.stage,
                      next_deadline=ln.next_deadline_key, due_on=ln.next_due_on, owed_by=ln.next_owner)
            for ln in found.lines]


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
    return await _stage(request, principal, reference, 1, _preparation(body), later)


@router.post("/reviews/{reference}/meeting", response_model=ResultOut, responses=RESPONSES)
async def post_meeting(
    request: Request, reference: str, body: MeetingIn, principal: Who, later: BackgroundTasks
) -> Any:
    """Stage 2: the meeting was held."""
    return await _stage(request, principal, reference, 2, _meeting(body), later)


@router.post("/reviews/{reference}/record", response_model=ResultOut, responses=RESPONSES)
async def post_record(
    request: Request, reference: str, body: RecordIn, principal: Who, later: BackgroundTasks
) -> Any:
    """Stage 3: save the meeting record as a draft, or send it (the report) to the council."""
    return await _stage(request, principal, reference, 3, _record(body), later)


@router.post("/reviews/{reference}/decision", response_model=ResultOut, responses=RESPONSES)
async def post_decision(
    request: Request, reference: str, body: DecisionIn, principal: Who, later: BackgroundTasks
) -> Any:
    """Stage 4 (council): the decision, or with ``preview`` the family's letter."""
    return await _stage(request, principal, reference, 4, _decision(body), later)


@router.post("/reviews/{reference}/plan", response_model=ResultOut, responses=RESPONSES)
async def post_plan(
    request: Request, reference: str, body: PlanIn, principal: Who, later: BackgroundTasks
) -> Any:
    """Stage 5 (council): the final plan or another closing document."""
    return await _stage(request, principal, reference, 5, _plan(body), later)


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
