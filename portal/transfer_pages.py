"""Recording a plan transferred in from another council (SEND Regs 2014 reg 15) through the front door.

A transfer in moves no stage, so it is not a run input: it is written to the records by
``records.review_acts.record_transfer_in`` (audited; the open review's dates recomputed: its review falls due by
the later of the 12 months and 3 months from the transfer). Only council staff record it; a review outside the
person's scope answers 404, as everywhere else.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from portal.dates import DateEntryError, parse_date_parts
from portal.scope import Principal, review_in_scope
from portal.web import NotAllowed, NotFound, page, portal_of, posted, signed_in
from records.review_acts import ActOutcome, ActRefused, record_transfer_in
from records.session import session_scope
from rules.errors import Problem
from services.setup import rule_set, working_days

router = APIRouter(include_in_schema=False)
NOTICE_KEY = "notice"
DATE_FIELD = "transferred_on"
LA_FIELD = "from_la"


def _council(request: Request) -> Principal:
    principal = signed_in(request)
    if not principal.is_la:
        raise NotAllowed
    return principal


def _in_scope(request: Request, principal: Principal, reference: str) -> tuple[str, str | None]:
    with session_scope(portal_of(request).factory) as session:
        review = review_in_scope(session, principal, reference)
        if review is None:
            raise NotFound
        plan = review.plan
        recorded = f"{plan.transferred_in_on} from LA {plan.transferred_from_la}" if plan.transferred_in_on else None
        return review.reference, recorded


def _record(request: Request, principal: Principal, reference: str, form: dict[str, str]) -> ActOutcome:
    portal = portal_of(request)
    transferred_on = parse_date_parts(form, DATE_FIELD, "The day the plan was transferred")
    assert transferred_on is not None
    with session_scope(portal.factory) as session:
        return record_transfer_in(
            session, reference, transferred_on, form.get(LA_FIELD, ""), today=portal.today(),
            actor=principal.staff_id, rule_set=rule_set(), is_working_day=working_days(),
        )


def _form(request: Request, reference: str, recorded: str | None, problems: list[Problem],
          entered: dict[str, str]) -> Response:
    status = 400 if problems else 200
    return page(request, "transfer_in.html.j2", status, reference=reference, recorded=recorded, problems=problems,
                entered=entered)


@router.get("/reviews/{reference}/transfer-in", response_class=HTMLResponse)
def transfer_form(request: Request, reference: str) -> Response:
    principal = _council(request)
    found, recorded = _in_scope(request, principal, reference)
    return _form(request, found, recorded, [], {})


@router.post("/reviews/{reference}/transfer-in", response_class=HTMLResponse)
async def transfer_posted(request: Request, reference: str) -> Response:
    form = await posted(request)
    principal = _council(request)
    reference, recorded = await run_in_threadpool(_in_scope, request, principal, reference)
    try:
        outcome = await run_in_threadpool(_record, request, principal, reference, form)
    except DateEntryError as exc:
        return _form(request, reference, recorded, [Problem(DATE_FIELD, str(exc))], form)
    except ActRefused as exc:
        problems = [Problem(DATE_FIELD if p.field == DATE_FIELD else LA_FIELD, p.message) for p in exc.problems]
        return _form(request, reference, recorded, problems, form)
    request.session[NOTICE_KEY] = (
        "Transfer in recorded. The review's dates now follow regulation 15." if outcome.changed
        else "That transfer in was already recorded."
    )
    return RedirectResponse(f"/reviews/{reference}", status_code=303)
