"""The views link pages (the family, the child or young person) and the setting's "send the views links" action.

``/link/views/{token}`` and its easy-read twin ``/link/views/{token}/easy-read`` need no account: every request
opens the link through ``portal.link_access.open_or_refuse`` first, so a used, expired, guessed or tampered token
gets the one plain refusal page before anything about a review is read. The form (CSRF-checked; the session works
without signing in) asks four short questions, at least one answered; ``services.views.receive_views`` keeps the
answers and marks the link used in one transaction. ``POST /reviews/{reference}/views/send`` is for whoever leads
stage 1 (``portal.advice_pages.leads_preparation``); it answers on the invitations page.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Final
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from portal.invitation_pages import NOTICE_KEY, invitations_page_with
from portal.link_access import LinkRefused, OpenedLink, open_or_refuse, thanked_once
from portal.preparation_access import preparing
from portal.web import page, portal_of, posted
from records.meeting_arrangements import planned_meeting_on
from records.models import LinkPurpose, Review
from records.session import session_scope
from records.system_time import system_now
from rules.errors import Problem
from services.views import QUESTIONS, ViewsRefused, receive_views, send_views_links

__all__ = ["router"]

router = APIRouter(include_in_schema=False)
VIEWS: Final = frozenset({LinkPurpose.FAMILY_VIEWS, LinkPurpose.YOUNG_PERSON_VIEWS})
DONE_KEY: Final = "views_sent"
EASY: Final = {
    "views": ("What do you want to say?", "views", "A speech bubble"),
    "going_well": ("What is good?", "going-well", "A smiling face"),
    "hard": ("What is hard?", "hard", "A rain cloud"),
    "hopes": ("What do you want in the future?", "hopes", "A star"),
}


def _about(request: Request, opened: OpenedLink, token: str) -> dict[str, Any]:
    with session_scope(portal_of(request).factory) as session:
        review = session.get_one(Review, opened.review_id)
        child = review.plan.child
        own = opened.purpose is LinkPurpose.YOUNG_PERSON_VIEWS
        return {"setting_name": review.plan.setting.name, "child_first_name": child.given_name,
                "meeting_on": planned_meeting_on(session, review), "whose": "your" if own else
                f"{child.given_name}'s", "title": "What do you think?" if own else
                f"Your views for {child.given_name}'s annual review",
                "standard_url": f"/link/views/{token}", "easy_url": f"/link/views/{token}/easy-read"}


def _form(request: Request, opened: OpenedLink, token: str, *, easy_read: bool, status: int = 200,
          problems: list[Problem] | None = None, entered: Mapping[str, str] | None = None) -> Response:
    questions = [(key, question, *EASY[key]) for key, question in QUESTIONS]
    return page(request, "views_link.html.j2", status, about=_about(request, opened, token), easy_read=easy_read,
                questions=questions, problems=problems or [], entered=dict(entered or {}), path="/link")


@router.get("/link/views/sent", response_class=HTMLResponse)
def views_sent(request: Request) -> Response:
    """The thank-you page (names nothing: shown once, after a submission from this browser)."""
    return thanked_once(request, DONE_KEY, "views_sent.html.j2")


@router.get("/link/views/{token}", response_class=HTMLResponse)
async def views_form(request: Request, token: str) -> Response:
    opened = await open_or_refuse(request, token, VIEWS)
    return await run_in_threadpool(_form, request, opened, token, easy_read=False)


@router.get("/link/views/{token}/easy-read", response_class=HTMLResponse)
async def views_form_easy(request: Request, token: str) -> Response:
    opened = await open_or_refuse(request, token, VIEWS)
    return await run_in_threadpool(_form, request, opened, token, easy_read=True)


def _receive(request: Request, opened: OpenedLink, form: Mapping[str, str], easy_read: bool) -> None:
    portal = portal_of(request)
    with session_scope(portal.factory) as session:
        receive_views(session, link_id=opened.link_id, given={key: str(form.get(key, "")) for key, _ in QUESTIONS},
                      easy_read=easy_read, today=portal.today(), at=system_now())


async def _send_form(request: Request, token: str, easy_read: bool) -> Response:
    opened = await open_or_refuse(request, token, VIEWS)
    form = await posted(request)
    try:
        await run_in_threadpool(_receive, request, opened, form, easy_read)
    except ViewsRefused as exc:
        if exc.field == "link":
            raise LinkRefused() from None
        return await run_in_threadpool(_form, request, opened, token, easy_read=easy_read, status=400,
                                       problems=[Problem(exc.field, str(exc))], entered=form)
    request.session[DONE_KEY] = True
    return RedirectResponse("/link/views/sent", status_code=303)


@router.post("/link/views/{token}", response_class=HTMLResponse)
async def views_send(request: Request, token: str) -> Response:
    return await _send_form(request, token, easy_read=False)


@router.post("/link/views/{token}/easy-read", response_class=HTMLResponse)
async def views_send_easy(request: Request, token: str) -> Response:
    return await _send_form(request, token, easy_read=True)


def _ask(request: Request, reference: str) -> str:
    with preparing(request, reference) as act:
        queued = send_views_links(act.session, act.review, today=act.today, actor=act.actor)
    if not queued:
        return "The views links were sent already"
    return f"The views links were sent: {queued} message{'s' if queued != 1 else ''} queued to the family"


@router.post("/reviews/{reference}/views/send", response_class=HTMLResponse)
async def views_links_send(request: Request, reference: str) -> Response:
    await posted(request)
    try:
        request.session[NOTICE_KEY] = await run_in_threadpool(_ask, request, reference)
    except ViewsRefused as exc:
        return await run_in_threadpool(invitations_page_with, request, reference, [Problem("views", str(exc))])
    return RedirectResponse(f"/reviews/{quote(reference)}/invitations", status_code=303)
