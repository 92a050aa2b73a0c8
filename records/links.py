"""Single-use links for people without accounts: issued with an unguessable token, stored only as its digest.

``issue_link`` makes a token of 32 random bytes (``secrets.token_urlsafe``) and keeps its SHA-256 digest; the token
itself goes once into the person's message and is never stored or logged. ``open_link`` finds a link that may still
be used (not used, not revoked, not past ``expires_on``) by the token presented, comparing digests, so nothing about
a review is found by a guessed, tampered, expired or reused token. ``use_link`` marks a link used in the same
transaction that stores what its form sent, so a second submission finds it used. No clock reads: the caller passes
the business date and the moment.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from datetime import date, datetime
from typing import Final

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from records.models import LinkPurpose, ReviewLink

__all__ = ["TOKEN_PATTERN", "digest_of", "issue_link", "move_expiry", "open_link", "revoke_links", "use_link"]

TOKEN_BYTES: Final = 32
TOKEN_PATTERN: Final = re.compile(r"[A-Za-z0-9_-]{43}")
"""What ``secrets.token_urlsafe(32)`` gives; anything else is refused before the database is asked."""


def digest_of(token: str) -> str:
    """Return the stored form of a token: its SHA-256 digest in hex."""
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def issue_link(session: Session, *, review_id: int, purpose: LinkPurpose, expires_on: date, created_by: str,
               invitee_id: int | None = None) -> tuple[ReviewLink, str]:
    """Store a new link and return it with its token (to be put in the person's message, then forgotten)."""
    token = secrets.token_urlsafe(TOKEN_BYTES)
    link = ReviewLink(token_digest=digest_of(token), review_id=review_id, purpose=purpose.value,
                      invitee_id=invitee_id, expires_on=expires_on, created_by=created_by)
    session.add(link)
    session.flush()
    return link, token


def open_link(session: Session, token: str, purposes: frozenset[LinkPurpose], today: date) -> ReviewLink | None:
    """Return the link a token opens for one of ``purposes`` on ``today``, or None (unknown, used, revoked,
    expired or for another form: the caller says the same thing in every case)."""
    if not TOKEN_PATTERN.fullmatch(token):
        return None
    link = session.scalar(select(ReviewLink).where(ReviewLink.token_digest == digest_of(token)))
    if link is None or link.used_at is not None or link.revoked or link.expires_on < today:
        return None
    if LinkPurpose(link.purpose) not in purposes:
        return None
    return link


def use_link(session: Session, link: ReviewLink, at: datetime) -> bool:
    """Mark ``link`` used at ``at`` and revoke the person's other live links to the same form (a message sent by
    email and by post carries one each: the first used counts); return False when another request used it first
    (nothing to store then)."""
    done = session.execute(update(ReviewLink).where(ReviewLink.id == link.id, ReviewLink.used_at.is_(None))
                           .values(used_at=at))
    if not getattr(done, "rowcount", 0):
        return False
    if link.invitee_id is not None:
        revoke_links(session, review_id=link.review_id, purpose=LinkPurpose(link.purpose), invitee_id=link.invitee_id)
    return True


def revoke_links(session: Session, *, review_id: int, purpose: LinkPurpose, invitee_id: int | None = None) -> int:
    """Revoke the unused links of one purpose for a review (and one invitee, when given); return how many."""
    query = update(ReviewLink).where(ReviewLink.review_id == review_id, ReviewLink.purpose == purpose.value,
                                     ReviewLink.used_at.is_(None), ReviewLink.revoked.is_(False))
    if invitee_id is not None:
        query = query.where(ReviewLink.invitee_id == invitee_id)
    done = session.execute(query.values(revoked=True))
    return int(getattr(done, "rowcount", 0))


def move_expiry(session: Session, *, review_id: int, expires_on: date) -> int:
    """Give every live link of a review a new last day (the meeting moved); return how many were moved."""
    query = (update(ReviewLink).where(ReviewLink.review_id == review_id, ReviewLink.used_at.is_(None),
                                      ReviewLink.revoked.is_(False)).values(expires_on=expires_on))
    return int(getattr(session.execute(query), "rowcount", 0))
