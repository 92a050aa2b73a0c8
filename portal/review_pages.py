"""The review pages: a setting's list, the caseworkers' queue, a review's page and its stage forms."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool

from portal import family_pages
from portal.finding import DUE_CHOICES, STAGE_CHOICES, find, grouped, read_search
from portal.handover import follow_up, hand_over_now, said
from portal.review_service import (
    NotInScope,
    ReviewPage,
    StageResult,
    WrongRole,
    family_letter,
    record_form_values,
    review_page,
    submit_stage,
)
from portal.stage_forms import INVITEES, OUTCOME_ROWS, PLAN_SECTIONS, RECORD_TEXTS, plan_documents
from portal.timeline import stage_label
from portal.web import NotAllowed, NotFound, page, portal_of, posted, signed_in
from records.session import session_scope
from rules.errors import Problem
from services.inbox import HandOver

router = APIRouter(include_in_schema=False)
NOTICE_KEY = "notice"
SENT_KEY = "sent_entry"
FORM_PARTS: dict[str, Any] = {
    "invitees": INVITEES, "outcome_rows": OUTCOME_ROWS, "plan_sections": PLAN_SECTIONS, "record_texts": RECORD_TEXTS,
}


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
    planned = dict(data.timeline.view.stage_dates).get("meeting_planned_on")
    entered = dict(result.entered) if result and not result.conflict else record_form_values(data.record, planned)
    recorded, refused = _sent_outcome(request, data)
    notice = recorded or request.session.pop(NOTICE_KEY, None)
    problems = [*(result.problems if result else []), *refused]
    status = 409 if result and result.conflict else 400 if result and result.problems else 200
    warnings = result.warnings if result else ()
    confirm = bool(result and result.confirm)
    return page(request, "review.html.j2", status, review=data, problems=problems, entered=entered, notice=notice,
                preview=preview, documents=plan_documents(), family=family, warnings=warnings, confirm=confirm,
                **FORM_PARTS)


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


def _record(request: Request, reference: str, stage: int, form: dict[str, str]) -> StageResult:
    principal = signed_in(request)
    portal = portal_of(request)
    try:
        result = submit_stage(portal.factory, principal, reference, stage, form, today=portal.today())
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
    form = await posted(request)
    if stage not in (1, 2, 3, 4, 5):
        raise NotFound
    result = await run_in_threadpool(_record, request, reference, stage, form)
    if result.problems:
        return await run_in_threadpool(_show, request, reference, result)
    if result.received is None and not result.note:  # a letter preview, or the check step of a warned input
        preview = await run_in_threadpool(_preview, request, reference, result) if stage in (4, 5) else None
        return await run_in_threadpool(_show, request, reference, result, preview)
    request.session[NOTICE_KEY] = result.note
    redirect = RedirectResponse(f"/reviews/{reference}", status_code=303)
    if result.received is not None:
        request.session[SENT_KEY] = result.received.entry_id
    if result.received is not None and result.follow_up:
        staff_id = signed_in(request).staff_id
        redirect.background = BackgroundTask(follow_up, portal_of(request), result.received.entry_id, staff_id)
    return redirect
