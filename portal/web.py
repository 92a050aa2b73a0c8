"""What every page handler shares: the portal's context, the templates, the signed-in person, CSRF checks.

``Portal`` holds the collaborators built once at the composition root (``portal.app``): the records'
session factory, the run bridge, the business-date source and the settings. Handlers raise
``SignInNeeded``, ``NotFound`` or ``CsrfRefused``; ``portal.app`` turns them into a redirect, a 404
page or a 403 page.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cache
from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse
from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from starlette.datastructures import UploadFile as StarletteUpload

from portal.dates import uk_date, uk_dates_in
from portal.scope import Principal, principal_of
from portal.security import LoginThrottle, csrf_ok, csrf_token
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


class SignInNeeded(Exception):
    """The page needs a signed-in person."""


class NotFound(Exception):
    """No such page, or a review outside the person's scope (the same answer on purpose)."""


class CsrfRefused(Exception):
    """A form came back without the session's CSRF token."""


class NotAllowed(Exception):
    """The person's role does not do this (a setting opening the caseworkers' queue)."""


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
    values = {key: value for key, value in form.items() if isinstance(value, str)}
    if not csrf_ok(request.session, values.get("csrf_token")):
        raise CsrfRefused
    files = {}
    for key, value in form.multi_items():
        if isinstance(value, StarletteUpload):
            if value.filename:
                files[key] = (value.filename, await value.read(limit + 1))
            await value.close()
    return values, files


async def posted(request: Request) -> dict[str, str]:
    """Return a posted form's fields after checking its CSRF token; raise CsrfRefused without it."""
    form = await request.form()
    values = {key: value for key, value in form.items() if isinstance(value, str)}
    if not csrf_ok(request.session, values.get("csrf_token")):
        raise CsrfRefused
    return values
