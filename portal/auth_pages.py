"""Sign in (local password or OpenID Connect) and sign out.

Every password sign-in is counted against the email typed and the client address before the password
is checked (``LoginThrottle``, atomic over every worker); past a few failures the next attempt must wait
a short, growing time, and the page says how long. A stranger's failures slow their own address far more
than the account they typed. Signing in through OpenID Connect is never throttled by local failures. A
successful sign-in starts a fresh session (new CSRF token) holding only the account's id.
"""

from __future__ import annotations

from authlib.integrations.base_client import OAuthError  # type: ignore[import-untyped]
from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from portal.accounts import authenticate
from portal.oidc import OidcRefused, account_for_claims
from portal.scope import Principal, principal_of
from portal.security import Wait
from portal.web import USER_KEY, client_address, page, portal_of, posted
from records import audit
from records.session import session_scope
from rules.errors import Problem

router = APIRouter(include_in_schema=False)


def _home(principal: Principal) -> str:
    return "/queue" if principal.is_la else "/reviews"


def _check_password(request: Request, email: str, password: str) -> Principal | None:
    with session_scope(portal_of(request).factory) as session:
        user = authenticate(session, email, password)
        if user is None:
            return None
        audit.record(session, actor=user.staff_id, action="portal.signed_in", detail={"method": "password"})
        return principal_of(user)


def _start_session(request: Request, principal: Principal) -> RedirectResponse:
    request.session.clear()
    request.session[USER_KEY] = principal.user_id
    return RedirectResponse(_home(principal), status_code=303)


@router.get("/login", response_class=HTMLResponse)
def login_page(request: Request) -> Response:
    settings = portal_of(request).settings
    return page(request, "login.html.j2", problems=[], email="", oidc=settings.oidc_enabled,
                oidc_label=settings.oidc_label)


def _login_problems(email: str, password: str) -> list[Problem]:
    problems = []
    if not email:
        problems.append(Problem("email", "Enter your work email address"))
    if not password:
        problems.append(Problem("password", "Enter your password"))
    return problems


@router.post("/login", response_class=HTMLResponse)
async def login(request: Request) -> Response:
    form = await posted(request)
    portal = portal_of(request)
    email, password = form.get("email", "").strip().lower(), form.get("password", "")
    address = client_address(request)
    problems, status, headers = _login_problems(email, password), 400, {}
    wait = None if problems else await run_in_threadpool(portal.throttle.attempt, portal.factory, email, address)
    if wait is not None:
        problems, status, headers = [Problem("email", _wait_message(wait))], 429, {"Retry-After": str(wait.seconds)}
    if not problems:
        principal = await run_in_threadpool(_check_password, request, email, password)
        if principal is not None:
            await run_in_threadpool(portal.throttle.succeeded, portal.factory, email, address)
            return _start_session(request, principal)
        problems = [Problem("email", "The email address or password is wrong. Check them and try again")]
    response = page(request, "login.html.j2", status, problems=problems, email=email,
                    oidc=portal.settings.oidc_enabled, oidc_label=portal.settings.oidc_label)
    response.headers.update(headers)
    return response


def _wait_message(wait: Wait) -> str:
    where = "from your network" if wait.kind == "address" else "for this email address"
    return f"Too many failed sign-ins {where}. Wait {wait.in_words}, then try again"


@router.post("/logout")
async def logout(request: Request) -> Response:
    await posted(request)
    request.session.clear()
    return RedirectResponse("/login", status_code=303)


@router.get("/login/oidc")
async def oidc_start(request: Request) -> Response:
    client = portal_of(request).oidc
    if client is None:
        return RedirectResponse("/login", status_code=303)
    response: Response = await client.authorize_redirect(request, str(request.url_for("oidc_callback")))
    return response


def _oidc_principal(request: Request, claims: dict[str, object]) -> Principal:
    portal = portal_of(request)
    with session_scope(portal.factory) as session:
        user = account_for_claims(session, claims, email_claim=portal.settings.oidc_email_claim)
        audit.record(session, actor=user.staff_id, action="portal.signed_in", detail={"method": "oidc"})
        return principal_of(user)


@router.get("/login/oidc/callback", name="oidc_callback")
async def oidc_callback(request: Request) -> Response:
    portal = portal_of(request)
    if portal.oidc is None:
        return RedirectResponse("/login", status_code=303)
    try:
        token = await portal.oidc.authorize_access_token(request)
        principal = await run_in_threadpool(_oidc_principal, request, dict(token.get("userinfo") or {}))
    except (OidcRefused, OAuthError) as exc:
        problems = [Problem("oidc", f"You could not be signed in: {exc}")]
        return page(request, "login.html.j2", 403, problems=problems, email="", oidc=True,
                    oidc_label=portal.settings.oidc_label)
    return _start_session(request, principal)
