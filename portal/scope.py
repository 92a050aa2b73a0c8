"""Who may see what: a signed-in person as a ``Principal``, and the reviews inside their scope.

A setting account sees the reviews of its settings' plans; caseworkers, managers and admins see every
review. Out of scope and unknown look the same to the caller (``None``), so the web and the API answer
404 and never reveal that a review exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.orm import Session

from portal.accounts import Role
from records.models import Review, StaffUser
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


def urns_in_scope(principal: Principal) -> tuple[str, ...] | None:
    """The settings whose reviews the person may find: None (every setting) for council staff, else their own."""
    return None if principal.is_la else tuple(principal.setting_urns)
