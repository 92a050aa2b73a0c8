"""What every page handler shares: the portal's context, the templates, the signed-in person, CSRF checks.

``Portal`` holds the collaborators built once at the composition root (``portal.app``): the records'
session factory, the run bridge, the business-date source and the settings. Handlers raise
``SignInNeeded``, ``NotFound``, ``CsrfRefused`` or ``BadInput``; ``portal.app`` turns them into a
redirect, a 404 page, a 403 page or a 400 page naming the field.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.datastructures import UploadFile as StarletteUpload

from portal.dates import uk_date, uk_dates_in
from portal.scope import Principal, principal_of
from portal.security import FeedbackThrottle, LinkThrottle, LoginThrottle, csrf_ok, csrf_token
from portal.settings import PortalSettings
from records.models import StaffUser
from records.session import SessionFactory, session_scope
from services.runs import RunBridge

USER_KEY = "user_id"


@dataclass(slots=True)
class Portal:
    """The collaborators of one front-door process."""

    factory: SessionFactory
    bridge: RunBridge
    today: Callable[[], date]
    settings: PortalSettings
    throttle: LoginThrottle
    oidc: Any = None
    """The Authlib client when OpenID Connect is configured (portal.oidc), else None."""
    feedback_throttle: FeedbackThrottle = field(default_factory=FeedbackThrottle)
    """How often feedback may be left without signing in, per client address."""
    link_throttle: LinkThrottle = field(default_factory=LinkThrottle)
    """How many wrong link tokens one client address may try (``portal.link_access``)."""


class SignInNeeded(Exception):
    """The page needs a signed-in person."""


class NotFound(Exception):
    """No such page, or a review outside the person's scope (the same answer on purpose)."""


class CsrfRefused(Exception):
    """A form came back without the session's CSRF token."""


class NotAllowed(Exception):
    """The person's role does not do this (a setting opening the caseworkers' queue)."""


class BadInput(Exception):
    """A posted field no form could take (a NUL or other control character, or far too long): a 400 naming it."""

    def __init__(self, name: str, fix: str) -> None:
        super().__init__(f"{name}: {fix}")
        self.name, self.fix = name, fix
        """The field's name as posted (control characters taken out), and what to do."""

    @property
    def field(self) -> str:
        """The field's name as words ("meeting_held_on-day" is "meeting held on day")."""
        return " ".join(self.name.replace("-", "_").split("_"))[:60] or "(unnamed)"


MAX_FIELD = 100_000
"""No form field is longer (each form has its own, lower limit with its own message)."""
CONTROL = {chr(code) for code in range(32)} - {"\t", "\n", "\r"} | {"\x7f"}


def check_field(name: str, value: str) -> None:
    """Raise BadInput when a field (or its name) holds a control character or is longer than any form takes."""
    if CONTROL.intersection(name) or CONTROL.intersection(value):
        raise BadInput("".join(c for c in name if c not in CONTROL)[:200],
                       "contains a character that cannot be stored (such as a NUL). Remove it and try again")
    if len(value) > MAX_FIELD:
        raise BadInput(name[:200], f"is too long. Shorten it to {MAX_FIELD:,} characters or fewer")


def portal_of(request: Request) -> Portal:
    portal: Portal = request.app.state.portal
    return portal


@cache
def environment() -> Environment:
    """Return the pages' Jinja2 environment (autoescaped, strict)."""
    env = Environment(
        loader=PackageLoader("portal", "templates"),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html.j2",)),
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(uk_date=uk_date, uk_dates_in=uk_dates_in)
    return env


def page(request: Request, template: str, status_code: int = 200, **values: Any) -> HTMLResponse:
    """Render a page with what every page needs (the person, the CSRF token, the feedback link)."""
    principal = getattr(request.state, "principal", None)
    values.setdefault("path", request.url.path)
    html = environment().get_template(template).render(
        principal=principal, csrf_token=csrf_token(request.session), **values
    )
    return HTMLResponse(html, status_code=status_code)


def client_address(request: Request) -> str:
    """The address the request came from, as the server sees it (a proxy's own, unless uvicorn trusts it)."""
    return request.client.host if request.client else "-"


def signed_in(request: Request) -> Principal:
    """Return the signed-in, enabled person; raise SignInNeeded otherwise (a disabled account is signed out)."""
    user_id = request.session.get(USER_KEY)
    if not isinstance(user_id, int):
        raise SignInNeeded
    with session_scope(portal_of(request).factory) as session:
        user = session.get(StaffUser, user_id)
        principal = principal_of(user) if user is not None and not user.disabled else None
    if principal is None:
        request.session.clear()
        raise SignInNeeded
    request.state.principal = principal
    return principal


async def posted_with_files(request: Request, limit: int) -> tuple[dict[str, str], dict[str, tuple[str, bytes]]]:
    """Return a posted multipart form's fields and its chosen files (name and at most ``limit`` + 1 bytes each,
    so a larger file is seen to be too large), after checking its CSRF token; an empty file input is no file."""
    form = await request.form()
    values = _checked_fields(request, form)
    files = {}
    for key, value in form.multi_items():
        if isinstance(value, StarletteUpload):
            if value.filename:
                files[key] = (value.filename, await value.read(limit + 1))
            await value.close()
    return values, files


async def posted(request: Request) -> dict[str, str]:
    """Return a posted form's fields after checking its CSRF token; raise CsrfRefused without it."""
    return _checked_fields(request, await request.form())


def _checked_fields(request: Request, form: Any) -> dict[str, str]:
    """A posted form's text fields, once its CSRF token and every field (no NUL, no overlong value) are checked."""
    values = {key: value for key, value in form.items() if isinstance(value, str)}
    if not csrf_ok(request.session, values.get("csrf_token")):
        raise CsrfRefused
    for key, value in form.multi_items():
        if isinstance(value, str):
            check_field(key, value)
    return values
