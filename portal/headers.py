"""Headers every response carries: no caching of anything dynamic, no referrer, no browser features, no sniffing.

A pure ASGI middleware, so it sees every response the app sends (pages, the JSON API, CSV downloads, redirects,
error pages). Pages and API answers carry a child's data, so every dynamic response says ``Cache-Control:
no-store``; only the static assets (``/static``, ``/assets``, ``/govuk``) may be cached. ``Strict-Transport-Security``
is sent when the service runs behind HTTPS (``EHCP_PORTAL_HTTPS_ONLY``).
"""

from __future__ import annotations

from collections.abc import MutableMapping
from typing import Any

from starlette.datastructures import MutableHeaders
from starlette.types import ASGIApp, Receive, Scope, Send

STATIC_PREFIXES = ("/static/", "/assets/", "/govuk/")
LINK_PREFIX = "/link/"
HSTS = "max-age=31536000; includeSubDomains"
LINK_CSP = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
            "connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
"""Link pages (people without accounts, ``portal.link_access``) load nothing from anywhere but the service."""


def security_headers(*, https_only: bool, static: bool = False, link: bool = False) -> dict[str, str]:
    """Return the headers a response carries (``static``: a versionless asset that may be cached; ``link``: a
    link holder's page, which also carries ``LINK_CSP``)."""
    headers = {
        "Referrer-Policy": "no-referrer",
        "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()",
        "X-Content-Type-Options": "nosniff",
        "X-Frame-Options": "DENY",
    }
    if not static:
        headers["Cache-Control"] = "no-store"
    if https_only:
        headers["Strict-Transport-Security"] = HSTS
    if link:
        headers["Content-Security-Policy"] = LINK_CSP
    return headers


class SecurityHeaders:
    """Add ``security_headers`` to every HTTP response of the wrapped app."""

    def __init__(self, app: ASGIApp, *, https_only: bool) -> None:
        self.app = app
        self.https_only = https_only

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path = str(scope.get("path", ""))
        wanted = security_headers(https_only=self.https_only, static=path.startswith(STATIC_PREFIXES),
                                  link=path.startswith(LINK_PREFIX))

        async def with_headers(message: MutableMapping[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = MutableHeaders(scope=message)
                for name, value in wanted.items():
                    headers[name] = value
            await send(message)

        await self.app(scope, receive, with_headers)
