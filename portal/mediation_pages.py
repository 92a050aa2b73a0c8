"""Recording a mediation certificate through the front door: a council page and an API route.

A certificate moves no stage, so it is not a run input: it is written to the records by
``services.acts.mediation_certificate`` (audited, deadlines recomputed), which queues the family's letter
with the later appeal date (HESC r20(1)(c)(ii)). Only council staff record it; a review outside the person's
scope answers 404, as everywhere else.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import BaseModel, Field
from starlette.concurrency import run_in_threadpool

from portal.api import api_principal
from portal.dates import DateEntryError, parse_date_parts
from portal.finding import child_name
from portal.scope import Principal, review_in_scope
from portal.web import NotAllowed, NotFound, page, portal_of, posted, signed_in
from records.review_acts import ActOutcome, ActRefused
from records.review_search import children_of
from records.session import session_scope
from rules.errors import Problem
from services.acts import mediation_certificate
from services.forms import StrictDate
from services.setup import rule_set, working_days

router = APIRouter(include_in_schema=False)
api_router = APIRouter(tags=["reviews"])
NOTICE_KEY = "notice"
FIELD = "issued_on"


class CertificateIn(BaseModel):
    issued_on: StrictDate = Field(description="The date on the mediation certificate, YYYY-MM-DD.")


class CertificateOut(BaseModel):
    status: str = Field(description="recorded, or unchanged when the same date was already recorded")
    appeal_due_on: date | None = Field(description="The last day the appeal may reach the Tribunal now.")


def _in_scope(request: Request, principal: Principal, reference: str) -> str:
    with session_scope(portal_of(request).factory) as session:
        review = review_in_scope(session, principal, reference)
        if review is None:
            raise NotFound
        return review.reference


def _record(request: Request, principal: Principal, reference: str, issued_on: date) -> ActOutcome:
    portal = portal_of(request)
    return mediation_certificate(
        portal.factory,
        reference,
        issued_on,
        actor=principal.staff_id,
        rule_set=rule_set(),
        is_working_day=working_days(),
        today=portal.today(),
    )


def _council(request: Request) -> Principal:
    principal = signed_in(request)
    if not principal.is_la:
        raise NotAllowed
    return principal


def _form(request: Request, reference: str, problems: list[Problem], entered: dict[str, str]) -> Response:
    status = 400 if problems else 200
    with session_scope(portal_of(request).factory) as session:  # the reference was found in the person's scope
        child = children_of(session, [reference]).get(reference)
    name = child_name(child.given_name, child.family_name) if child else ""
    return page(request, "mediation.html.j2", status, reference=reference, problems=problems, entered=entered,
                child=name)


@router.get("/reviews/{reference}/mediation-certificate", response_class=HTMLResponse)
def certificate_form(request: Request, reference: str) -> Response:
    principal = _council(request)
    return _form(request, _in_scope(request, principal, reference), [], {})


@router.post("/reviews/{reference}/mediation-certificate", response_class=HTMLResponse)
async def certificate_posted(request: Request, reference: str) -> Response:
    form = await posted(request)
    principal = _council(request)
    reference = await run_in_threadpool(_in_scope, request, principal, reference)
    try:
        issued_on = parse_date_parts(form, FIELD, "The date on the certificate")
    except DateEntryError as exc:
        return _form(request, reference, [Problem(FIELD, str(exc))], form)
    assert issued_on is not None
    try:
        outcome = await run_in_threadpool(_record, request, principal, reference, issued_on)
    except ActRefused as exc:
        problems = [Problem(FIELD, p.message) for p in exc.problems]
        return _form(request, reference, problems, form)
    request.session[NOTICE_KEY] = (
        f"Mediation certificate recorded. The appeal must now reach the Tribunal by {outcome.appeal_due_on}; "
        "the family's letter with this date is on its way."
    )
    return RedirectResponse(f"/reviews/{reference}", status_code=303)


Who = Annotated[Principal, Depends(api_principal)]


def _api_record(request: Request, principal: Principal, reference: str, issued_on: date) -> CertificateOut:
    if not principal.is_la:
        raise HTTPException(403, "the council records a mediation certificate")
    try:
        reference = _in_scope(request, principal, reference)
    except NotFound:
        raise HTTPException(404, "Not Found") from None
    try:
        outcome = _record(request, principal, reference, issued_on)
    except ActRefused as exc:
        raise HTTPException(422, [{"field": FIELD, "message": p.message} for p in exc.problems]) from None
    return CertificateOut(status="recorded" if outcome.changed else "unchanged", appeal_due_on=outcome.appeal_due_on)


RESPONSES: dict[int | str, dict[str, Any]] = {
    401: {"description": "No valid token"},
    403: {"description": "Not a council account"},
    404: {"description": "No such review in your scope"},
    422: {"description": "Refused, with problems"},
}


@api_router.post("/reviews/{reference}/mediation-certificate", response_model=CertificateOut, responses=RESPONSES)
async def post_certificate(request: Request, reference: str, body: CertificateIn, principal: Who) -> Any:
    """Record the date on a mediation certificate; the family is sent the later appeal date (HESC r20(1)(c)(ii))."""
    return await run_in_threadpool(_api_record, request, principal, reference, body.issued_on)
