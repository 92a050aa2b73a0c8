"""The review pages: a setting's list, the caseworkers' queue, a review's page and its stage forms."""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from notices.errors import RenderError
from notices.record_document import ADULTHOOD_AREAS, PLAN_SECTIONS, RecordDocument, record_pdf
from portal import advice_pages, family_pages
from portal.finding import DUE_CHOICES, STAGE_CHOICES, find, grouped, read_search
from portal.handover import follow_up, hand_over_now, said
from portal.invitation_pages import invitations_panel, product_dates, with_product_dates
from portal.meeting_records import attachment_of, record_of
from portal.review_service import (
    NotInScope,
    ReviewPage,
    StageResult,
    WrongRole,
    family_letter,
    in_scope,
    record_form_values,
    review_page,
    submit_stage,
)
from portal.scope import Principal
from portal.stage_forms import INVITEES, RECORD_TEXTS, Upload, plan_documents
from portal.timeline import stage_label
from portal.web import NotAllowed, NotFound, page, portal_of, posted, posted_with_files, signed_in
from records.models import Review
from records.session import session_scope
from rules.adulthood import PFA_FROM_YEAR
from rules.errors import Problem
from services.attachments import MAX_BYTES
from services.forms import MAX_ADVICE, MAX_OUTCOMES
from services.inbox import HandOver
from services.meeting_record import attachment_names, record_document

router = APIRouter(include_in_schema=False)
NOTICE_KEY = "notice"
SENT_KEY = "sent_entry"
FORM_PARTS: dict[str, Any] = {
    "invitees": INVITEES, "plan_sections": PLAN_SECTIONS, "record_texts": RECORD_TEXTS,
    "adulthood_areas": ADULTHOOD_AREAS, "pfa_from_year": PFA_FROM_YEAR,
    "max_outcomes": MAX_OUTCOMES, "max_advice": MAX_ADVICE,
    "max_upload_mb": MAX_BYTES // (1024 * 1024),
}
PRIVATE: dict[str, str] = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}


@router.get("/", include_in_schema=False)
def home(request: Request) -> Response:
    principal = signed_in(request)
    return RedirectResponse("/queue" if principal.is_la else "/reviews", status_code=303)


def _found_page(request: Request, template: str, *, council_queue: bool) -> Response:
    principal = signed_in(request)
    if council_queue and not principal.is_la:
        raise NotAllowed
    portal = portal_of(request)
    today = portal.today()
    form = read_search(request.query_params)
    with session_scope(portal.factory) as session:
        found = find(session, principal, form, today, council_queue=council_queue)
    return page(request, template, 400 if form.problems else 200, groups=grouped(found, today), found=found,
                form=form, problems=form.problems, today=today, stage_choices=STAGE_CHOICES, due_choices=DUE_CHOICES)


@router.get("/reviews", response_class=HTMLResponse)
def reviews(request: Request) -> Response:
    return _found_page(request, "reviews.html.j2", council_queue=False)


@router.get("/queue", response_class=HTMLResponse)
def queue(request: Request) -> Response:
    return _found_page(request, "queue.html.j2", council_queue=True)


def _sent_outcome(request: Request, data: ReviewPage) -> tuple[str | None, list[Problem]]:
    """What became of the input this person sent, once it is settled: a "Recorded" notice, or its problems."""
    sent = request.session.get(SENT_KEY)
    latest = data.inbox
    if not isinstance(sent, int) or latest is None or latest.entry_id != sent or latest.status == "received":
        return None, []
    request.session.pop(SENT_KEY, None)
    if latest.status == "applied":
        where = "complete" if latest.stage_after is None else f"now at {stage_label(latest.stage_after).lower()}"
        return f"Recorded. The review is {where}.", []
    if latest.status == "refused":
        return None, [Problem("stage", f"Not recorded: {m}") for _, m in latest.problems]
    return None, [Problem("stage", f"Not recorded: {latest.last_error or 'the review moved on before it was'}")]


def _show(request: Request, reference: str, result: StageResult | None = None, preview: Any = None) -> Response:
    principal = signed_in(request)
    portal = portal_of(request)
    with session_scope(portal.factory) as session:
        try:
            data = review_page(session, principal, reference, portal.today())
        except NotInScope:
            raise NotFound from None
        family = family_pages.panel_for(request, session, principal, reference)
        record_doc, attachments = _record_parts(session, principal, reference)
        advice, product = advice_pages.panel_for(session, principal, reference), product_dates(session, reference)
        invitations = _invitations(session, principal, reference, data.stage)
    planned = dict(data.timeline.view.stage_dates).get("meeting_planned_on")
    entered = dict(result.entered) if result and not result.conflict else record_form_values(data.record, planned)
    entered = with_product_dates(entered, product)
    recorded, refused = _sent_outcome(request, data)
    notice = recorded or request.session.pop(NOTICE_KEY, None)
    problems = [*(result.problems if result else []), *refused]
    status = 409 if result and result.conflict else 400 if result and result.problems else 200
    warnings = result.warnings if result else ()
    confirm = bool(result and result.confirm)
    return page(request, "review.html.j2", status, review=data, problems=problems, entered=entered, notice=notice,
                preview=preview, documents=plan_documents(), family=family, warnings=warnings, confirm=confirm,
                record_doc=record_doc, attachments=attachments, advice=advice,
                recorded=product.fields(), invitations=invitations, **FORM_PARTS)


def _invitations(session: Session, principal: Principal, reference: str, stage: int | None) -> Any:
    """The review's invitations panel: at stage 1, or once anyone was put on the list."""
    panel = invitations_panel(session, principal, in_scope(session, principal, reference))
    return panel if stage == 1 or panel.invitees else None


def _record_parts(
    session: Session, principal: Principal, reference: str
) -> tuple[RecordDocument | None, dict[int, str]]:
    """The review's meeting record as a document, and its attached files' names (for people in scope only)."""
    review = in_scope(session, principal, reference)
    document = record_document(session, review)
    row = record_of(session, review)
    return document, (attachment_names(session, row) if row is not None else {})


@router.get("/reviews/{reference}/meeting-record", response_class=HTMLResponse)
def meeting_record_page(request: Request, reference: str) -> Response:
    """The meeting record on its own, to read or print (the print stylesheet prints the record only)."""
    principal = signed_in(request)
    with session_scope(portal_of(request).factory) as session:
        try:
            record_doc, attachments = _record_parts(session, principal, reference)
        except NotInScope:
            raise NotFound from None
    if record_doc is None:
        raise NotFound
    response = page(request, "meeting_record.html.j2", record_doc=record_doc, attachments=attachments)
    response.headers.update(PRIVATE)
    return response


@router.get("/reviews/{reference}", response_class=HTMLResponse)
def review(request: Request, reference: str) -> Response:
    return _show(request, reference)


@router.get("/reviews/{reference}/input")
def latest_input(request: Request, reference: str) -> JSONResponse:
    """The review's latest input's status, for the page's script that waits for it to be recorded (no personal data)."""
    principal = signed_in(request)
    portal = portal_of(request)
    with session_scope(portal.factory) as session:
        try:
            found = review_page(session, principal, reference, portal.today()).inbox
        except NotInScope:
            raise NotFound from None
    if found is None:
        return JSONResponse({"status": None})
    return JSONResponse({"status": found.status, "stage": found.stage, "stage_after": found.stage_after})


def _record(
    request: Request, reference: str, stage: int, form: dict[str, str], files: dict[str, Upload] | None = None
) -> StageResult:
    principal = signed_in(request)
    portal = portal_of(request)
    try:
        result = submit_stage(portal.factory, principal, reference, stage, form, today=portal.today(), files=files)
    except NotInScope:
        raise NotFound from None
    except WrongRole:
        raise NotAllowed from None
    if result.received is not None:  # stored and committed: now (and only now) the review's run hears of it
        handed = hand_over_now(portal, result.received, principal.staff_id)
        result.note, result.follow_up = said(handed), handed is HandOver.BUSY
    return result


def _preview(request: Request, reference: str, result: StageResult) -> Any:
    with session_scope(portal_of(request).factory) as session:
        return family_letter(session, reference, result)


@router.post("/reviews/{reference}/stages/{stage}", response_class=HTMLResponse)
async def record(request: Request, reference: str, stage: int) -> Response:
    if stage not in (1, 2, 3, 4, 5):
        raise NotFound
    files: dict[str, Upload] = {}
    if stage == 3 and request.headers.get("content-type", "").startswith("multipart/form-data"):
        form, chosen = await posted_with_files(request, MAX_BYTES)
        files = {name: Upload(file_name, content) for name, (file_name, content) in chosen.items()}
    else:
        form = await posted(request)
    result = await run_in_threadpool(_record, request, reference, stage, form, files)
    if result.problems:
        return await run_in_threadpool(_show, request, reference, result)
    if result.received is None and not result.note:  # a letter preview, or the check step of a warned input
        preview = await run_in_threadpool(_preview, request, reference, result) if stage in (4, 5) else None
        return await run_in_threadpool(_show, request, reference, result, preview)
    request.session[NOTICE_KEY] = result.note
    action = form.get("action", "")
    anchor = {"add_outcome": "#outcomes", "add_advice": "#advice"}.get(action, "#record-form" if stage == 3 and
                                                                       action.startswith("remove_") else "")
    redirect = RedirectResponse(f"/reviews/{reference}{anchor}", status_code=303)
    if result.received is not None:
        request.session[SENT_KEY] = result.received.entry_id
    if result.received is not None and result.follow_up:
        staff_id = signed_in(request).staff_id
        redirect.background = BackgroundTask(follow_up, portal_of(request), result.received.entry_id, staff_id)
    return redirect


def _in_scope(session: Session, request: Request, reference: str) -> Review:
    """The review, when the signed-in person's scope admits it; else Not Found (never "not yours")."""
    try:
        return in_scope(session, signed_in(request), reference)
    except NotInScope:
        raise NotFound from None


def _record_pdf(request: Request, reference: str) -> bytes:
    with session_scope(portal_of(request).factory) as session:
        document = record_document(session, _in_scope(session, request, reference))
    if document is None:
        raise NotFound
    return record_pdf(document)


@router.get("/reviews/{reference}/meeting-record.pdf")
async def meeting_record_pdf(request: Request, reference: str) -> Response:
    """The meeting record as an accessible, tagged PDF (the setting's own staff and the council only)."""
    try:
        pdf = await run_in_threadpool(_record_pdf, request, reference)
    except RenderError:
        return page(request, "error.html.j2", 503, title="The PDF could not be made",
                    message="The meeting record could not be made into a PDF just now. Print this page instead, "
                            "or try again later.")  # fmt: skip
    disposition = f'attachment; filename="{reference}-meeting-record.pdf"'
    return Response(pdf, media_type="application/pdf", headers={**PRIVATE, "Content-Disposition": disposition})


def _attachment(request: Request, reference: str, attachment_id: int) -> tuple[str, str, bytes]:
    with session_scope(portal_of(request).factory) as session:
        found = attachment_of(session, _in_scope(session, request, reference), attachment_id)
        if found is None:
            raise NotFound
        return found.file_name, found.media_type, found.content


@router.get("/reviews/{reference}/meeting-record/files/{attachment_id}")
async def record_attachment(request: Request, reference: str, attachment_id: int) -> Response:
    """A file attached to the meeting record, as a download (never shown inline), to entitled people only."""
    name, media_type, content = await run_in_threadpool(_attachment, request, reference, attachment_id)
    disposition = f"attachment; filename=\"{name.encode('ascii', 'replace').decode()}\"; filename*=UTF-8''{quote(name)}"
    return Response(content, media_type=media_type, headers={**PRIVATE, "Content-Disposition": disposition})
