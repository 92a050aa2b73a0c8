"""Who may see what: a signed-in person as a ``Principal``, and the reviews inside their scope.

A setting account sees the reviews of its settings' plans; caseworkers, managers and admins see every
review. Out of scope and unknown look the same to the caller (``None``), so the web and the API answer
404 and never reveal that a review exists.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from portal.accounts import Role
from records.models import Review, StaffUser
from records.queries import ReviewFilter, ReviewLine, review_lines
from records.review_progress import UnknownReview, review_by_reference

LA_ROLES = frozenset({Role.CASEWORKER, Role.MANAGER, Role.ADMIN})


@dataclass(frozen=True, slots=True)
class Principal:
    """The signed-in person as the pages need them: pseudonymous ID, role and settings."""

    user_id: int
    staff_id: str
    email: str
    role: Role
    setting_urns: tuple[str, ...]

    @property
    def is_la(self) -> bool:
        return self.role in LA_ROLES

    @property
    def is_manager(self) -> bool:
        return self.role in (Role.MANAGER, Role.ADMIN)

    def may_see_setting(self, urn: str) -> bool:
        return self.is_la or urn.upper() in self.setting_urns


def principal_of(user: StaffUser) -> Principal:
    return Principal(user.id, user.staff_id, user.email, Role(user.role), user.setting_urns)


def review_in_scope(session: Session, principal: Principal, reference: str) -> Review | None:
    """Return the review if it exists and the person may see it, else None."""
    try:
        review = review_by_reference(session, reference)
    except UnknownReview:
        return None
    return review if principal.may_see_setting(review.plan.setting.urn) else None


def lines_in_scope(session: Session, principal: Principal, *, stage: int | None = None) -> list[ReviewLine]:
    """Return the open reviews the person may see, soonest next deadline first."""
    if principal.is_la:
        lines = review_lines(session, ReviewFilter(stage=stage))
    else:
        lines = [ln for urn in principal.setting_urns for ln in review_lines(session, ReviewFilter(urn, stage))]
    lines = [line for line in lines if line.stage is not None]
    return sorted(lines, key=_by_next_due)


def _by_next_due(line: ReviewLine) -> tuple[bool, date, str]:
    return (line.next_due_on is None, line.next_due_on or date.max, line.reference)
