"""The family's contacts in the front door, and the letters sent for a review (council staff only).

``/reviews/{reference}/family`` shows and edits who the council writes to about the plan: up to two parents or
carers, the young person (from the end of compulsory school age the letters are theirs) and a representative,
each with a postal address, email, phone, preferred channel and accessible-format needs. A form is checked by the
same rules as the caseload import (``records.family``) and refused with the GOV.UK error summary; a saved form is
audit-logged with the staff ID and nothing personal. ``/reviews/{reference}/letters/{id}`` downloads a copy of a
letter sent for the review (its PDF, or the text of its email). A review outside the person's scope answers 404.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from portal.finding import child_name
from portal.scope import Principal, review_in_scope
from portal.web import NotAllowed, NotFound, page, portal_of, posted, signed_in
from records.models import ContactSlot
from records.session import session_scope
from rules.errors import Problem
from services.family import (
    SLOT_LABELS,
    FamilyPanel,
    family_form_values,
    family_panel,
    letter_copy,
    save_family_form,
)

router = APIRouter(include_in_schema=False)
NOTICE_KEY = "notice"


def _council(request: Request) -> Principal:
    principal = signed_in(request)
    if not principal.is_la:
        raise NotAllowed
    return principal


def _form(request: Request, reference: str, problems: list[Problem], entered: dict[str, str], child: str) -> Response:
    return page(
        request, "family.html.j2", 400 if problems else 200, reference=reference, problems=problems, entered=entered,
        slots=[(slot.value, label) for slot, label in SLOT_LABELS.items()], young_slot=ContactSlot.YOUNG_PERSON.value,
        child=child,
    )  # fmt: skip


def _load(request: Request, principal: Principal, reference: str) -> tuple[str, dict[str, str], str]:
    with session_scope(portal_of(request).factory) as session:
        review = review_in_scope(session, principal, reference)
        if review is None:
            raise NotFound
        panel = family_panel(session, review, portal_of(request).today())
        person = review.plan.child
        child = child_name(person.given_name, person.family_name) + (" (a young person)" if panel.young_person else "")
        return review.reference, family_form_values(session, review), child


@router.get("/reviews/{reference}/family", response_class=HTMLResponse)
def family_form(request: Request, reference: str) -> Response:
    principal = _council(request)
    found, values, child = _load(request, principal, reference)
    return _form(request, found, [], values, child)


def _save(request: Request, principal: Principal, reference: str, form: dict[str, str]) -> list[Problem]:
    with session_scope(portal_of(request).factory) as session:
        review = review_in_scope(session, principal, reference)
        if review is None:
            raise NotFound
        problems = save_family_form(session, review, form, actor=principal.staff_id)
    return [Problem(f"{p.slot}-{p.field}", f"{SLOT_LABELS[ContactSlot(p.slot)]}: {p.reason}") for p in problems]


@router.post("/reviews/{reference}/family", response_class=HTMLResponse)
async def family_posted(request: Request, reference: str) -> Response:
    form = await posted(request)
    principal = _council(request)
    problems = await run_in_threadpool(_save, request, principal, reference, form)
    if problems:
        found, _, child = await run_in_threadpool(_load, request, principal, reference)
        return _form(request, found, problems, form, child)
    request.session[NOTICE_KEY] = "The family's contacts are saved. New letters go to them as the law requires."
    return RedirectResponse(f"/reviews/{reference}", status_code=303)


@router.get("/reviews/{reference}/letters/{notification_id}")
def letter_download(request: Request, reference: str, notification_id: int) -> Response:
    principal = _council(request)
    with session_scope(portal_of(request).factory) as session:
        review = review_in_scope(session, principal, reference)
        kept = letter_copy(session, review, notification_id) if review is not None else None
        if kept is None:
            raise NotFound
        content, media, name = kept.content, kept.media_type, kept.file_name
    charset = "; charset=utf-8" if media.startswith("text/") else ""
    return Response(content, media_type=f"{media}{charset}", headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store",
    })  # fmt: skip


def panel_for(request: Request, session: Session, principal: Principal, reference: str) -> FamilyPanel | None:
    """The review page's family panel, for council staff (``portal.review_pages`` calls it in its transaction)."""
    review = review_in_scope(session, principal, reference) if principal.is_la else None
    return family_panel(session, review, portal_of(request).today()) if review is not None else None
