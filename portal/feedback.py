"""Feedback on a page or on the paperwork: anyone may leave it; managers list it and download it as CSV.

Feedback left without signing in is limited per client address (``FeedbackThrottle``). The CSV's cells go
through ``reports.csv_safety``, so a feedback text starting ``=`` never runs as a formula.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from sqlalchemy import select
from starlette.concurrency import run_in_threadpool

from portal.web import NotAllowed, SignInNeeded, client_address, page, portal_of, posted, signed_in
from records.models import Feedback
from records.session import session_scope
from reports.csv_safety import csv_text
from rules.errors import Problem

router = APIRouter(include_in_schema=False)
MAX_FEEDBACK = 5_000


def _who(request: Request) -> str | None:
    try:
        return signed_in(request).staff_id
    except SignInNeeded:
        return None


@router.get("/feedback", response_class=HTMLResponse)
def feedback_form(request: Request, page_path: str = "/") -> Response:
    _who(request)
    return page(request, "feedback.html.j2", problems=[], about=page_path[:300], text="", thanked=False)


@router.post("/feedback", response_class=HTMLResponse)
async def leave_feedback(request: Request) -> Response:
    form = await posted(request)
    staff_id = _who(request)
    about, text = form.get("about", "/")[:300], form.get("feedback", "").strip()
    problems = []
    if not text:
        problems.append(Problem("feedback", "Enter your feedback"))
    elif len(text) > MAX_FEEDBACK:
        problems.append(Problem("feedback", f"Feedback must be {MAX_FEEDBACK:,} characters or fewer"))
    portal = portal_of(request)
    if not problems and staff_id is None:
        wait = await run_in_threadpool(portal.feedback_throttle.attempt, portal.factory, client_address(request))
        if wait is not None:
            problems.append(Problem("feedback", f"Too much feedback from your network without signing in. Sign in, "
                                                f"or wait {wait.in_words}, then send it again"))
            response = page(request, "feedback.html.j2", 429, problems=problems, about=about, text=text,
                            thanked=False)
            response.headers["Retry-After"] = str(wait.seconds)
            return response
    if problems:
        return page(request, "feedback.html.j2", 400, problems=problems, about=about, text=text, thanked=False)
    with session_scope(portal.factory) as session:
        session.add(Feedback(page=about, text=text, staff_id=staff_id))
    return page(request, "feedback.html.j2", problems=[], about=about, text="", thanked=True)


def _all(request: Request) -> list[Feedback]:
    if not signed_in(request).is_manager:
        raise NotAllowed
    with session_scope(portal_of(request).factory) as session:
        return list(session.scalars(select(Feedback).order_by(Feedback.id.desc())))


@router.get("/manage/feedback", response_class=HTMLResponse)
def feedback_list(request: Request) -> Response:
    return page(request, "feedback_list.html.j2", rows=_all(request))


@router.get("/manage/feedback.csv")
def feedback_csv(request: Request) -> Response:
    rows = [(row.id, row.created_at.isoformat(), row.page, row.staff_id, row.text) for row in _all(request)]
    headers = {"Content-Disposition": 'attachment; filename="feedback.csv"'}
    return Response(csv_text(("id", "left_at", "page", "staff_id", "feedback"), rows),
                    media_type="text/csv; charset=utf-8", headers=headers)
