"""The invitations page: the meeting's date, time and place, who is invited, and sending the invitations.

``/reviews/{reference}/invitations`` is for the people who lead stage 1: the setting's staff for a setting-led
review, the council's caseworkers for an LA-led one (Reg 21); everyone else whose scope admits the review may read
it. Each form posts one ``action`` (``meeting``, ``family``, ``add``, ``remove_N``, ``send``) and every act goes
through ``services.invitations``, which holds every check; this module only translates the form and the answer.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final
from urllib.parse import quote

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool

from portal.dates import DateEntryError, parse_date_parts
from portal.preparation_access import leads_preparation, preparing
from portal.review_service import NotInScope, in_scope
from portal.scope import Principal
from portal.web import NotFound, page, portal_of, posted, signed_in
from records.meeting_arrangements import arrangement_of
from records.models import Invitee, InviteeKind, MeetingArrangement, Review
from records.session import session_scope
from rules.errors import Problem
from services.invitations import (
    PROFESSIONAL_ROLES,
    SETTING_ROLES,
    InvitationRefused,
    ProductDates,
    add_invitee,
    arrange_meeting,
    invite_family,
    invited_late,
    invitees_of,
    recorded_dates,
    remove_invitee,
    send_invitations,
)
from services.setup import rule_set
from services.views import ViewsPanel, views_panel

__all__ = ["NOTICE_KEY", "InvitationsPanel", "ProductDates", "invitations_page_with", "invitations_panel",
           "product_dates", "router", "with_product_dates"]

router = APIRouter(include_in_schema=False)
NOTICE_KEY = "invitations_notice"
ADDED: Final = "added:"


@dataclass(frozen=True, slots=True)
class InvitationsPanel:
    """What the review page and the invitations page show (personal data: pages only)."""

    reference: str
    meeting: MeetingArrangement | None
    invitees: tuple[Invitee, ...]
    late_ids: frozenset[int]
    may_act: bool
    invitations_due: date | None
    views: ViewsPanel | None = None
    """Whether the family and the child were asked for their views and replied (never their words)."""

    @property
    def waiting(self) -> int:
        return sum(1 for one in self.invitees if one.invited_on is None)


def product_dates(session: Session, reference: str) -> ProductDates:
    """What the product recorded for the review's stage 1 (nothing for an unknown reference)."""
    review = session.scalar(select(Review).where(Review.reference == reference))
    return recorded_dates(session, review) if review is not None else ProductDates()


def with_product_dates(values: Mapping[str, str], dates: ProductDates) -> dict[str, str]:
    """Return stage 1's form values with each date the product recorded in place of what was typed."""
    merged = dict(values)
    for name, day in dates.fields().items():
        merged.update({f"{name}-day": str(day.day), f"{name}-month": str(day.month), f"{name}-year": str(day.year)})
    return merged


def invitations_panel(session: Session, principal: Principal, review: Review) -> InvitationsPanel:
    """The review's meeting and invitees as its pages show them."""
    meeting = arrangement_of(session, review.id)
    invitees = tuple(invitees_of(session, review.id))
    rules = rule_set()
    late = frozenset(one.id for one in invitees if meeting is not None and one.invited_on is not None
                     and invited_late(one.invited_on, meeting.meeting_on, rules))
    due = rules.periods.invitations_notice.apply(meeting.meeting_on) if meeting is not None else None
    return InvitationsPanel(review.reference, meeting, invitees, late, leads_preparation(principal, review), due,
                            views_panel(session, review.id))


def _page(request: Request, reference: str, status: int = 200, problems: list[Problem] | None = None,
          entered: Mapping[str, str] | None = None, notice: str | None = None) -> Response:
    principal = signed_in(request)
    with session_scope(portal_of(request).factory) as session:
        try:
            review = in_scope(session, principal, reference)
        except NotInScope:
            raise NotFound from None
        panel = invitations_panel(session, principal, review)
        if notice is not None and notice.startswith(ADDED):
            added = next((one for one in panel.invitees if str(one.id) == notice[len(ADDED):]), None)
            notice = f"{added.name} was added to the list" if added is not None else "The person was added to the list"
        child = review.plan.child
        values: dict[str, Any] = dict(entered or {})
        if panel.meeting is not None and not entered:
            day = panel.meeting.meeting_on
            values.update({"meeting_on-day": str(day.day), "meeting_on-month": str(day.month),
                           "meeting_on-year": str(day.year), "starts_at": panel.meeting.starts_at,
                           "place": panel.meeting.place or "", "online_link": panel.meeting.online_link or ""})
        return page(request, "invitations.html.j2", status, panel=panel, problems=problems or [], entered=values,
                    notice=notice, child_name=f"{child.given_name} {child.family_name}",
                    views=panel.views,
                    setting_roles=SETTING_ROLES, professional_roles=PROFESSIONAL_ROLES)


def invitations_page_with(request: Request, reference: str, problems: list[Problem]) -> Response:
    """The invitations page answering a refused act with its problems (400)."""
    return _page(request, reference, 400, problems)


@router.get("/reviews/{reference}/invitations", response_class=HTMLResponse)
def invitations_page(request: Request, reference: str) -> Response:
    return _page(request, reference, notice=request.session.pop(NOTICE_KEY, None))


def _plural(count: int, word: str) -> str:
    return f"{count} {word}{'' if count == 1 else 's'}"


def _meeting(session: Session, review: Review, form: Mapping[str, str], today: date, actor: str) -> str:
    date_problem = None
    try:
        meeting_on = parse_date_parts(form, "meeting_on", "Date of the meeting")
    except DateEntryError as exc:
        meeting_on, date_problem = None, Problem("meeting_on", str(exc))
    try:
        changed = arrange_meeting(session, review, meeting_on=meeting_on, starts_at=str(form.get("starts_at", "")),
                                  place=str(form.get("place", "")), online_link=str(form.get("online_link", "")),
                                  today=today, actor=actor)  # fmt: skip
    except InvitationRefused as refused:  # the date as the form read it, with every other field's problem
        if date_problem is None:
            raise
        raise InvitationRefused([date_problem if p.field == "meeting_on" else p for p in refused.problems]) from None
    return ("The meeting was saved" + (f": {_plural(changed, 'change notice')} queued to the people already "
                                       "invited" if changed else ""))  # fmt: skip


def _family(session: Session, review: Review, form: Mapping[str, str], today: date, actor: str) -> str:
    added = invite_family(session, review, today=today, actor=actor)
    return f"{_plural(added, 'family member')} added to the list" if added else "The family is on the list already"


def _add(session: Session, review: Review, form: Mapping[str, str], today: date, actor: str) -> str:
    role = str(form.get("role", ""))
    kind = InviteeKind.SETTING if role in SETTING_ROLES else InviteeKind.PROFESSIONAL
    added = add_invitee(session, review, kind=kind, role=role, other_role=str(form.get("other_role", "")),
                        name=str(form.get("name", "")), email=str(form.get("email", "")),
                        advice_requested=form.get("advice_requested") == "yes", actor=actor)
    return f"{ADDED}{added.id}"  # the name is read back from the records: no personal data in the session cookie


def _send(session: Session, review: Review, form: Mapping[str, str], today: date, actor: str) -> str:
    sent = send_invitations(session, review, today=today, actor=actor, rule_set=rule_set())
    people = "1 person" if sent.people == 1 else f"{sent.people} people"
    told = f"Invitations sent to {people}"
    if sent.advice_requests:
        told += f", with {_plural(sent.advice_requests, 'advice request')}"
    if sent.late:
        told += (f". These invitations are late: they should have gone by {sent.invitations_due:%-d %B %Y}, two "
                 "weeks before the meeting (Regulation 20(3)). They were sent and the date is recorded")
    return told


ACTIONS: Final = {"meeting": _meeting, "family": _family, "add": _add, "send": _send}


def _act(request: Request, reference: str, form: Mapping[str, str]) -> str:
    """Do what the form asked; return what to tell the person. Raises InvitationRefused naming the fields."""
    action = str(form.get("action", ""))
    with preparing(request, reference) as act:
        session, review = act.session, act.review
        if action.startswith("remove_") and action[len("remove_"):].isdigit():
            remove_invitee(session, review, int(action[len("remove_"):]), actor=act.actor)
            return "The person was taken off the list"
        if action in ACTIONS:
            return ACTIONS[action](session, review, form, act.today, act.actor)
    raise InvitationRefused([Problem("action", "Choose what to do on the page and try again")])


@router.post("/reviews/{reference}/invitations", response_class=HTMLResponse)
async def invitations_act(request: Request, reference: str) -> Response:
    form = await posted(request)
    try:
        request.session[NOTICE_KEY] = await run_in_threadpool(_act, request, reference, form)
    except InvitationRefused as exc:
        return await run_in_threadpool(_page, request, reference, 400, exc.problems, form)
    return RedirectResponse(f"/reviews/{quote(reference)}/invitations", status_code=303)
