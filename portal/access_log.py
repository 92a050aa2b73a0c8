"""The server's access log never records a query string: the lists' search words (a child's name) travel there.

Uvicorn logs each request on the ``uvicorn.access`` logger as ``(client, method, path with query, version,
status)``. ``install`` adds a filter to that logger which cuts the query string off the path before any
handler formats it; ``portal.app.create_app`` installs it, so ``ehcp portal``, the embedded stack and any
uvicorn serving the app log ``GET /reviews`` for ``GET /reviews?q=...``. A reverse proxy in front of the
service keeps its own access log: configure it to drop query strings too (README, "Finding a review").
"""

from __future__ import annotations

import logging
from typing import Final

ACCESS_LOGGER: Final = "uvicorn.access"
PATH_ARG: Final = 2


def without_query(path: str) -> str:
    """Return the path of a request line's target without its query string or fragment."""
    return path.split("?", 1)[0].split("#", 1)[0]


class DropQueryString(logging.Filter):
    """Rewrite an access-log record so its path carries no query string (the record is kept)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args = record.args
        if isinstance(args, tuple) and len(args) > PATH_ARG and isinstance(args[PATH_ARG], str):
            record.args = (*args[:PATH_ARG], without_query(args[PATH_ARG]), *args[PATH_ARG + 1 :])
        return True


def install(logger_name: str = ACCESS_LOGGER) -> None:
    """Add the filter to the access logger once (idempotent)."""
    logger = logging.getLogger(logger_name)
    if not any(isinstance(existing, DropQueryString) for existing in logger.filters):
        logger.addFilter(DropQueryString())
