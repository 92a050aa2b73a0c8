"""Error answers in the service's own words: a page in the service's layout for a browser, JSON for API clients.

A route under ``/api`` answers JSON unless the client asks for HTML (a person who opened the address in a
browser); every other route answers a page. Hostile input (a NUL or other control character, a value longer
than any form takes) is refused with a 400 (a page) or a 422 (JSON) naming the field, before any handler or
database sees it (``guard_input``). A failure nobody foresaw is a 500 page, never a bare "Internal Server Error".
"""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.openapi.docs import get_swagger_ui_html
from fastapi.responses import HTMLResponse, JSONResponse, Response
from starlette.exceptions import HTTPException as StarletteHTTPException

from portal.headers import security_headers
from portal.web import BadInput, SignInNeeded, check_field, environment, page, signed_in

logger = logging.getLogger(__name__)

TITLES = {
    400: "There is a problem with the request",
    401: "Sign in to use this",
    403: "You cannot do this",
    404: "Page not found",
    405: "This page cannot be opened this way",
    422: "There is a problem with the request",
    429: "Too many requests",
}
MESSAGES = {
    404: "If you typed the web address, check it is correct.",
    405: "This address takes a form, not a visit. Go back to the review and use its page.",
    401: "This address is for the service's API. Sign in and use the service's pages instead.",
}


def wants_json(request: Request) -> bool:
    """Whether to answer JSON: an ``/api`` route whose client did not ask for an HTML page."""
    return request.url.path.startswith("/api/") and "text/html" not in request.headers.get("accept", "")


def _problem_page(request: Request, status: int, message: str) -> Response:
    if getattr(request.state, "principal", None) is None:
        try:  # the header shows who is signed in, as on every page, even when no handler ran
            signed_in(request)
        except SignInNeeded:
            pass
    title = TITLES.get(status, "Sorry, there is a problem")
    return page(request, "error.html.j2", status, title=title, message=message, path="/")


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, StarletteHTTPException)
    if wants_json(request):
        return await http_exception_handler(request, exc)
    message = MESSAGES.get(exc.status_code, exc.detail if isinstance(exc.detail, str) else "")
    response = _problem_page(request, exc.status_code, message)
    response.headers.update(exc.headers or {})
    return response


def _field(location: tuple[Any, ...] | list[Any]) -> str:
    named = [str(part) for part in location if part not in ("body", "query", "path", "header")]
    return ".".join(named) or "the request"


async def invalid_request(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    if wants_json(request):
        return await request_validation_exception_handler(request, exc)
    parts = [f"{_field(error.get('loc', ()))}: {error.get('msg', 'not valid')}" for error in exc.errors()]
    return _problem_page(request, 400, "Check the web address or the form. " + "; ".join(parts))


async def bad_input(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, BadInput)
    if wants_json(request):
        detail = [{"loc": exc.name.split("."), "msg": f"{exc.name} {exc.fix}", "type": "bad_input"}]
        return JSONResponse({"detail": detail}, status_code=422)
    return _problem_page(request, 400, f"The field \u201c{exc.field}\u201d {exc.fix}. Nothing was recorded.")


async def server_error(request: Request, exc: Exception) -> Response:
    """The answer to a failure nobody foresaw (ServerErrorMiddleware, outside the session and the headers)."""
    logger.error("unhandled error on %s %s", request.method, request.url.path, exc_info=exc)
    https_only = request.app.state.portal.settings.https_only
    headers = security_headers(https_only=https_only)
    if wants_json(request):
        return JSONResponse({"detail": "Internal Server Error"}, status_code=500, headers=headers)
    html = environment().get_template("error.html.j2").render(
        principal=None, csrf_token="", path="/", title="Sorry, there is a problem with the service",
        message="Try again later. If it keeps happening, tell your council's administrator the time it happened.")
    return HTMLResponse(html, status_code=500, headers=headers)


def _strings(value: Any, at: tuple[str, ...] = ()) -> Iterator[tuple[tuple[str, ...], str]]:
    if isinstance(value, str):
        yield at, value
    elif isinstance(value, dict):
        for key, inner in value.items():
            yield (*at, str(key)), str(key)
            yield from _strings(inner, (*at, str(key)))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            yield from _strings(inner, (*at, str(index)))


async def guard_input(request: Request) -> None:
    """Refuse a path part, query parameter or JSON string no form could take (``portal.web.check_field``)."""
    for name, value in request.path_params.items():
        check_field(name, str(value))
    for name, value in request.query_params.multi_items():
        check_field(name, value)
    if request.method in ("POST", "PUT", "PATCH") and "json" in request.headers.get("content-type", ""):
        try:
            body = json.loads(await request.body())
        except ValueError:
            return  # FastAPI's own validation names the malformed body
        for at, text in _strings(body):
            check_field(".".join(at) or "body", text)


async def swagger_page(_request: Request) -> HTMLResponse:
    """The API's Swagger page, in English (``<html lang="en">``)."""
    html = get_swagger_ui_html(openapi_url="/api/openapi.json", title="Annual reviews of EHC plans - API")
    return HTMLResponse(bytes(html.body).decode().replace("<html>", '<html lang="en">', 1))


def install(app: FastAPI) -> None:
    """Register the error answers and the Swagger page on ``app`` (made with ``docs_url=None``)."""
    app.add_exception_handler(StarletteHTTPException, http_error)
    app.add_exception_handler(RequestValidationError, invalid_request)
    app.add_exception_handler(BadInput, bad_input)
    app.add_exception_handler(Exception, server_error)
    app.add_route("/api/docs", swagger_page, include_in_schema=False)
