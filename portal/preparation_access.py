"""Who acts on a review's stage 1 through the product (invitations, advice, views): one check for every page.

The setting's staff prepare a setting-led review; the council's caseworkers an LA-led one (Reg 21). Everyone else
whose scope admits the review may read the pages, not act on them.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from fastapi import Request
from sqlalchemy.orm import Session

from portal.accounts import Role
from portal.review_service import NotInScope, in_scope
from portal.scope import Principal
from portal.web import NotAllowed, NotFound, portal_of, signed_in
from records.models import Review
from records.session import session_scope
from rules.facts import LedBy

__all__ = ["Preparing", "leads_preparation", "preparing"]


def leads_preparation(principal: Principal, review: Review) -> bool:
    """The setting's staff prepare a setting-led review; the council's caseworkers an LA-led one."""
    if review.led_by == LedBy.LA:
        return principal.is_la
    return principal.role is Role.SETTING


@dataclass(frozen=True, slots=True)
class Preparing:
    """An act on stage 1 by someone who leads it: the unit of work, the review, who, and the business date."""

    session: Session
    review: Review
    actor: str
    today: date


@contextmanager
def preparing(request: Request, reference: str) -> Iterator[Preparing]:
    """Open the review for an act on its stage 1, in one transaction; 404 outside the person's scope, 403 for
    someone who does not lead its preparation."""
    principal = signed_in(request)
    portal = portal_of(request)
    with session_scope(portal.factory) as session:
        try:
            review = in_scope(session, principal, reference)
        except NotInScope:
            raise NotFound from None
        if not leads_preparation(principal, review):
            raise NotAllowed
        yield Preparing(session, review, principal.staff_id, portal.today())
