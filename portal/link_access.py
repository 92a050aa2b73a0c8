"""The one way a link holder's request is let in: the address is not throttled and the token opens a live link.

Every link page (advice, the family's views, the young person's views) calls ``open_or_refuse`` first. A token
that opens nothing (unknown, guessed, tampered, used, revoked, expired, or for another form) gets the same plain
"this link has expired or is not valid" page, which says nothing about any review, and counts against the client
address (``LinkThrottle``: ten wrong tokens a minute, then growing waits, answered 429). Link pages are under
``/link/``, where the responses carry a strict Content-Security-Policy (``portal.headers``). What a link page is
given is ids only (``OpenedLink``); it reads what it shows from the records itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from fastapi import Request
from fastapi.responses import HTMLResponse
from starlette.concurrency import run_in_threadpool

from portal.web import client_address, page, portal_of
from records.links import open_link
from records.models import LinkPurpose
from records.session import session_scope

__all__ = ["LinkRefused", "OpenedLink", "link_refused_page", "open_or_refuse", "thanked_once"]


@dataclass(frozen=True, slots=True)
class OpenedLink:
    """A live link, by ids: the link, its review, its purpose and the invitee it was sent to (if any)."""

    link_id: int
    review_id: int
    purpose: LinkPurpose
    invitee_id: int | None


class LinkRefused(Exception):
    """The token opens nothing (``wait_s`` is None), or the client address must wait ``wait_s`` seconds first."""

    def __init__(self, wait_s: int | None = None) -> None:
        super().__init__("link refused")
        self.wait_s = wait_s


def _open(request: Request, token: str, purposes: frozenset[LinkPurpose]) -> OpenedLink:
    portal = portal_of(request)
    address = client_address(request)
    wait = portal.link_throttle.blocked(portal.factory, address)
    if wait is not None:
        raise LinkRefused(wait.seconds)
    with session_scope(portal.factory) as session:
        link = open_link(session, token, purposes, portal.today())
        opened = (None if link is None else
                  OpenedLink(link.id, link.review_id, LinkPurpose(link.purpose), link.invitee_id))
    if opened is None:
        portal.link_throttle.failed(portal.factory, address)
        raise LinkRefused()
    return opened


async def open_or_refuse(request: Request, token: str, purposes: frozenset[LinkPurpose]) -> OpenedLink:
    """Return the live link ``token`` opens for one of ``purposes``; raise LinkRefused otherwise."""
    return await run_in_threadpool(_open, request, token, purposes)


def link_refused_page(request: Request, exc: Exception) -> HTMLResponse:
    """The answer to a refused link: the same words for every reason, or a wait for a throttled address."""
    assert isinstance(exc, LinkRefused)
    if exc.wait_s is not None:
        minutes = max(1, -(-exc.wait_s // 60))
        response = page(request, "link_invalid.html.j2", 429, title="Too many tries",
                        message=f"Too many links that are not valid were tried from your network. Wait {minutes} "
                                f"minute{'s' if minutes != 1 else ''} and then open the link in your email again.",
                        path="/link")
        response.headers["Retry-After"] = str(exc.wait_s)
        return response
    return page(request, "link_invalid.html.j2", 404, title="This link has expired or is not valid",
                message="The link may have been used already, been replaced by a newer one, or be past its date. "
                        "If you still need to send something for this review, reply to the email that gave you "
                        "the link and ask for a new one.", path="/link")


def thanked_once(request: Request, key: str, template: str) -> HTMLResponse:
    """A link form's thank-you page: shown once, to the browser that just sent the form (it names nothing)."""
    if not request.session.pop(key, False):
        raise LinkRefused()
    return page(request, template, path="/link")
