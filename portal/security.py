"""CSRF tokens bound to the signed session, and the sign-in throttle.

The session cookie is signed (Starlette's SessionMiddleware, itsdangerous); the CSRF token lives in it
and must come back as the hidden ``csrf_token`` field of every form. The throttle counts failed
sign-ins per key (email, client address) in a sliding window; its clock is a parameter.
"""

from __future__ import annotations

import hmac
import secrets
import time
from collections import defaultdict, deque
from collections.abc import Callable, MutableMapping
from typing import Any

CSRF_FIELD = "csrf_token"


def csrf_token(session: MutableMapping[str, Any]) -> str:
    """Return the session's CSRF token, making one on first use."""
    token = session.get(CSRF_FIELD)
    if not isinstance(token, str):
        token = secrets.token_urlsafe(32)
        session[CSRF_FIELD] = token
    return token


def csrf_ok(session: MutableMapping[str, Any], submitted: object) -> bool:
    """Return whether a form's token is the session's."""
    expected = session.get(CSRF_FIELD)
    return isinstance(expected, str) and isinstance(submitted, str) and hmac.compare_digest(expected, submitted)


class LoginThrottle:
    """At most ``attempts`` failures per key within ``window_s`` seconds; a success clears the key."""

    def __init__(self, attempts: int, window_s: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.attempts = attempts
        self.window_s = window_s
        self.clock = clock
        self._failures: defaultdict[str, deque[float]] = defaultdict(deque)

    def _recent(self, key: str) -> deque[float]:
        failures, cutoff = self._failures[key], self.clock() - self.window_s
        while failures and failures[0] <= cutoff:
            failures.popleft()
        return failures

    def blocked(self, *keys: str) -> bool:
        return any(len(self._recent(key)) >= self.attempts for key in keys)

    def failed(self, *keys: str) -> None:
        for key in keys:
            self._recent(key).append(self.clock())

    def succeeded(self, *keys: str) -> None:
        for key in keys:
            self._failures.pop(key, None)
