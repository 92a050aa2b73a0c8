"""Calling Prefect from the CLI: imported only by the commands that need it, with errors a person can act on.

``ehcp deadlines``, ``reviews``, ``report`` and ``import`` never import Prefect (it costs seconds
at start-up); the commands that talk to the server wrap their calls in ``prefect_calls`` so that a
401 says to set ``PREFECT_API_AUTH_STRING`` and an unreachable server says how to start one.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from cli.errors import fail
from rules.errors import Problem

UNAUTHORISED = 401


@contextmanager
def prefect_calls() -> Iterator[None]:
    """Turn Prefect's connection and authorisation failures into exit-status-2 messages."""
    from prefect.exceptions import PrefectHTTPStatusError

    api = os.environ.get("PREFECT_API_URL", "the Prefect API")
    try:
        yield
    except PrefectHTTPStatusError as exc:
        if exc.response.status_code == UNAUTHORISED:
            raise fail(
                f"the Prefect server at {api} refused the credentials (401 Unauthorized)",
                [Problem("PREFECT_API_AUTH_STRING", "set it to the server's auth string, e.g. admin:secret")],
            ) from None
        raise fail(f"the Prefect server at {api} answered {exc.response.status_code}") from None
    except httpx.ConnectError:
        raise fail(
            f"no Prefect server answers at {api}",
            [Problem("PREFECT_API_URL", "start the stack with `make run`, or set PREFECT_API_URL to your server")],
        ) from None


def api_url() -> str:
    """The Prefect API URL the CLI talks to."""
    from prefect.settings import PREFECT_API_URL

    return str(PREFECT_API_URL.value())
