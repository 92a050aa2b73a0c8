"""Advice for the meeting: the professional's link page, and the setting's (or caseworker's) advice page.

``/link/advice/{token}`` is for a professional without an account. Every request opens the link through
``portal.link_access.open_or_refuse`` first, so an expired, used, guessed or tampered token gets the one plain
refusal page before anything about a review is read; only then does the page name the child and the setting. The
form (CSRF-checked: the session works without signing in) takes typed advice and/or one PDF or DOCX, checked by
content (``services.attachments``); a refused file stores nothing. The advice and the link's use are one
transaction (``services.advice.receive_advice``), so a second submission is refused.

``/reviews/{reference}/advice`` lists who was asked, the needed-by date, who replied and when (late or on time),
with downloads of each reply (to people whose scope admits the review, like the meeting record's files), and the
one "Circulate" action: the setting's staff for a setting-led review, the council's caseworkers for an LA-led one
(Reg 21). Circulating records the day, which stage 1's form then shows as "recorded by the product".
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from portal.link_access import LinkRefused, OpenedLink, open_or_refuse, thanked_once
from portal.preparation_access import leads_preparation, preparing
from portal.review_service import NotInScope, in_scope
from portal.scope import Principal
from portal.web import NotFound, page, portal_of, posted, posted_with_files, signed_in
from records.meeting_arrangements import planned_meeting_on
from records.models import Invitee, LinkPurpose, Review
from records.session import session_scope
from records.system_time import system_now
from rules.advice import needed_by_on
from services.advice import (
    MAX_ADVICE_CHARS,
    AdviceRefused,
    AdviceRow,
    advice_rows,
    circulate_advice,
    circulated_on,
    receive_advice,
    reply_of,
)
from services.attachments import MAX_BYTES, UploadRefused, check_upload

__all__ = ["panel_for", "router"]

router = APIRouter(include_in_schema=False)
ADVICE = frozenset({LinkPurpose.ADVICE})
PRIVATE: dict[str, str] = {"Cache-Control": "no-store", "X-Content-Type-Options": "nosniff"}
DONE_KEY = "advice_sent"


@dataclass(frozen=True, slots=True)
class AdvicePanel:
    """What the review page and the advice page show (personal data: pages only)."""

    reference: str
    needed_by_on: date | None
    rows: tuple[AdviceRow, ...]
    circulated_on: date | None
    may_circulate: bool

    @property
    def replied(self) -> int:
        return sum(1 for row in self.rows if row.reply_id is not None)


def panel_for(session: Session, principal: Principal, reference: str) -> AdvicePanel | None:
    """The review's advice as its pages show it; None when no professional was asked for advice."""
    review = in_scope(session, principal, reference)
    rows = tuple(advice_rows(session, review))
    if not rows:
        return None
    meeting_on = planned_meeting_on(session, review)
    needed_by = needed_by_on(meeting_on) if meeting_on else None
    return AdvicePanel(review.reference, needed_by, rows, circulated_on(session, review.id),
                       leads_preparation(principal, review))


# The link page: a professional without an account.

def _about(request: Request, opened: OpenedLink) -> dict[str, Any]:
    with session_scope(portal_of(request).factory) as session:
        review = session.get_one(Review, opened.review_id)
        invitee = session.get(Invitee, opened.invitee_id) if opened.invitee_id is not None else None
        child = review.plan.child
        meeting = planned_meeting_on(session, review)
        return {"child_name": f"{child.given_name} {child.family_name}", "setting_name": review.plan.setting.name,
                "invitee_name": invitee.name if invitee else "", "meeting_on": meeting,
                "needed_by_on": needed_by_on(meeting) if meeting else None}


def _link_page(request: Request, opened: OpenedLink, status: int = 200, *, error: str = "", field: str = "",
               text: str = "") -> Response:
    about = _about(request, opened)
    problems = [{"field": field, "message": error}] if error else []
    return page(request, "advice_link.html.j2", status, about=about, problems=problems, entered={"advice": text},
                max_chars=MAX_ADVICE_CHARS, max_upload_mb=MAX_BYTES // (1024 * 1024), path="/link")


@router.get("/link/advice/sent", response_class=HTMLResponse)
def advice_sent(request: Request) -> Response:
    """The thank-you page (names nothing: shown only once, after a submission from this browser)."""
    return thanked_once(request, DONE_KEY, "advice_sent.html.j2")


@router.get("/link/advice/{token}", response_class=HTMLResponse)
async def advice_form(request: Request, token: str) -> Response:
    opened = await open_or_refuse(request, token, ADVICE)
    return await run_in_threadpool(_link_page, request, opened)


def _receive(request: Request, opened: OpenedLink, text: str, file: tuple[str, bytes] | None) -> None:
    portal = portal_of(request)
    if file is not None and ("/" in file[0] or "\\" in file[0]):
        raise UploadRefused("The file's name must not include a folder (a / or \\). Rename the file and try again")
    checked = check_upload(*file) if file is not None else None
    with session_scope(portal.factory) as session:
        receive_advice(session, link_id=opened.link_id, text=text, upload=checked, today=portal.today(),
                       at=system_now())


@router.post("/link/advice/{token}", response_class=HTMLResponse)
async def advice_send(request: Request, token: str) -> Response:
    opened = await open_or_refuse(request, token, ADVICE)
    form, files = await posted_with_files(request, MAX_BYTES)
    text = form.get("advice", "")
    try:
        await run_in_threadpool(_receive, request, opened, text, files.get("advice_file"))
    except UploadRefused as exc:
        return await run_in_threadpool(_link_page, request, opened, 400, error=str(exc), field="advice_file",
                                       text=text)
    except AdviceRefused as exc:
        if "used already" in str(exc):
            raise LinkRefused() from None
        return await run_in_threadpool(_link_page, request, opened, 400, error=str(exc), field="advice", text=text)
    request.session[DONE_KEY] = True
    return RedirectResponse("/link/advice/sent", status_code=303)


# The advice page: the setting's staff and the council.

def _panel(request: Request, reference: str) -> AdvicePanel:
    principal = signed_in(request)
    with session_scope(portal_of(request).factory) as session:
        try:
            panel = panel_for(session, principal, reference)
        except NotInScope:
            raise NotFound from None
    if panel is None:
        raise NotFound
    return panel


@router.get("/reviews/{reference}/advice", response_class=HTMLResponse)
def advice_page(request: Request, reference: str) -> Response:
    panel = _panel(request, reference)
    notice = request.session.pop("advice_notice", None)
    response = page(request, "advice.html.j2", advice=panel, notice=notice, error="")
    response.headers.update(PRIVATE)
    return response


def _circulate(request: Request, reference: str) -> str:
    with preparing(request, reference) as act:
        sent = circulate_advice(act.session, act.review.id, today=act.today, actor=act.actor)
    return f"The advice was circulated: {sent} message{'s' if sent != 1 else ''} queued to the invitees"


@router.post("/reviews/{reference}/advice/circulate", response_class=HTMLResponse)
async def advice_circulate(request: Request, reference: str) -> Response:
    await posted(request)
    try:
        request.session["advice_notice"] = await run_in_threadpool(_circulate, request, reference)
    except AdviceRefused as exc:
        panel = await run_in_threadpool(_panel, request, reference)
        return page(request, "advice.html.j2", 400, advice=panel, notice=None, error=str(exc))
    return RedirectResponse(f"/reviews/{quote(reference)}/advice", status_code=303)


def _reply_part(request: Request, reference: str, reply_id: int, part: str) -> tuple[str, str, bytes]:
    principal = signed_in(request)
    with session_scope(portal_of(request).factory) as session:
        try:
            reply = reply_of(session, in_scope(session, principal, reference), reply_id)
        except NotInScope:
            raise NotFound from None
        if reply is None:
            raise NotFound
        if part == "file" and reply.content is not None and reply.file_name and reply.media_type:
            return reply.file_name, reply.media_type, reply.content
        if part == "text" and reply.advice_text:
            return f"{reference}-advice-{reply.id}.txt", "text/plain; charset=utf-8", reply.advice_text.encode()
    raise NotFound


@router.get("/reviews/{reference}/advice/replies/{reply_id}/{part}")
async def advice_reply(request: Request, reference: str, reply_id: int, part: str) -> Response:
    """One reply's file or typed text, as a download (never shown inline), to people in the review's scope."""
    name, media_type, content = await run_in_threadpool(_reply_part, request, reference, reply_id, part)
    disposition = f"attachment; filename*=UTF-8''{quote(name)}"
    return Response(content, media_type=media_type, headers={**PRIVATE, "Content-Disposition": disposition})
