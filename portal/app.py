"""The front door's composition root: the FastAPI app, its middleware, static assets and error pages.

``create_app`` takes a built ``Portal`` (tests pass one with a run-bridge double and a fixed business
date); ``build_portal`` makes the production one from the environment. The business date is read
here, at the root, through ``services.setup`` (the run's own resolver), and passed down.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import date
from pathlib import Path

from fastapi import Depends, FastAPI, Request
from fastapi.responses import RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.middleware.sessions import SessionMiddleware

from portal import (
    access_log,
    advice_pages,
    api,
    auth_pages,
    error_pages,
    family_pages,
    feedback,
    invitation_pages,
    manager_pages,
    mediation_pages,
    returns_pages,
    review_pages,
    transfer_pages,
    views_pages,
)
from portal.headers import SecurityHeaders
from portal.link_access import LinkRefused, link_refused_page
from portal.oidc import oidc_client
from portal.security import LoginThrottle
from portal.settings import PortalSettings, get_portal_settings
from portal.web import CsrfRefused, NotAllowed, NotFound, Portal, SignInNeeded, page
from records.schema import ensure_current
from records.session import SessionFactory, engine_for, make_session_factory, session_scope
from records.settings import get_settings
from services.runs import PrefectBridge
from services.setup import business_date

logger = logging.getLogger(__name__)
SERVICE_NAME = "Annual reviews of EHC plans"


def business_date_of(factory: SessionFactory) -> Callable[[], date]:
    """The business date as the review runs judge inputs: the later of today and the clock's latest date."""

    def today() -> date:
        with session_scope(factory) as session:
            return business_date(session)

    return today


def build_portal(settings: PortalSettings | None = None) -> Portal:
    """Return the production portal: the records named by ``EHCP_*``, the Prefect bridge, the business date."""
    chosen = settings or get_portal_settings()
    records = get_settings()
    ensure_current(engine_for(records))
    factory = make_session_factory(records)
    return Portal(
        factory=factory,
        bridge=PrefectBridge(),
        today=business_date_of(factory),
        settings=chosen,
        throttle=LoginThrottle(chosen.login_attempts, chosen.login_window_s,
                               address_attempts=chosen.login_address_attempts,
                               account_cap_s=chosen.login_account_max_wait_s,
                               address_cap_s=chosen.login_address_max_wait_s),
        oidc=oidc_client(chosen) if chosen.oidc_enabled else None,
    )


def _mount_assets(app: FastAPI, settings: PortalSettings) -> None:
    app.mount("/static", StaticFiles(directory=Path(__file__).parent / "static"), name="static")
    dist = settings.node_modules / "govuk-frontend" / "dist" / "govuk"
    if not dist.is_dir():
        logger.warning("GOV.UK Frontend is not installed at %s: run `make assets`; pages will be unstyled", dist)
        return
    app.mount("/assets", StaticFiles(directory=dist / "assets"), name="assets")
    app.mount("/govuk", StaticFiles(directory=dist), name="govuk")


def _error_pages(app: FastAPI) -> None:
    async def sign_in(request: Request, _exc: Exception) -> Response:
        if request.url.path.startswith("/api/"):
            return Response(status_code=401)
        return RedirectResponse("/login", status_code=303)

    async def not_found(request: Request, _exc: Exception) -> Response:
        return page(request, "error.html.j2", 404, title="Page not found", path="/",
                    message="If you typed the web address, check it is correct. You can only see reviews "
                            "of your own settings.")

    async def refused(request: Request, _exc: Exception) -> Response:
        return page(request, "error.html.j2", 403, title="This form has expired",
                    message="For your security the form could not be accepted. Go back, reload the page "
                            "and try again. Nothing was recorded.")

    async def not_allowed(request: Request, _exc: Exception) -> Response:
        return page(request, "error.html.j2", 403, title="You cannot do this",
                    message="This page is for council staff with a different role. Ask an administrator "
                            "if you need it.")

    app.add_exception_handler(SignInNeeded, sign_in)
    app.add_exception_handler(NotFound, not_found)
    app.add_exception_handler(CsrfRefused, refused)
    app.add_exception_handler(NotAllowed, not_allowed)
    app.add_exception_handler(LinkRefused, link_refused_page)


def create_app(portal: Portal) -> FastAPI:
    """Return the front door's app around a built portal."""
    access_log.install()  # the lists' search words travel in query strings: never into the access log
    app = FastAPI(title=SERVICE_NAME, version="1", docs_url=None, redoc_url=None,
                  openapi_url="/api/openapi.json", dependencies=[Depends(error_pages.guard_input)])
    app.state.portal = portal
    settings = portal.settings
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key or secrets.token_urlsafe(32),
        session_cookie="ehcp_session",
        max_age=settings.session_max_age_s,
        same_site="lax",
        https_only=settings.https_only,
    )
    app.add_middleware(SecurityHeaders, https_only=settings.https_only)
    _mount_assets(app, settings)
    _error_pages(app)
    for module in (auth_pages, review_pages, feedback, manager_pages, mediation_pages, transfer_pages, returns_pages,
                   family_pages, advice_pages, invitation_pages, views_pages):
        app.include_router(module.router)
    app.include_router(api.router, prefix="/api")
    app.include_router(mediation_pages.api_router, prefix="/api")

    error_pages.install(app)
    return app


def production_app() -> FastAPI:
    """Return the app ``ehcp portal`` serves (uvicorn factory)."""
    return create_app(build_portal())


__all__ = ["build_portal", "create_app", "production_app"]
