"""CSRF tokens bound to the signed session, and the throttles (sign-in, anonymous feedback).

The session cookie is signed (Starlette's SessionMiddleware, itsdangerous); the CSRF token lives in it
and must come back as the hidden ``csrf_token`` field of every form.

A throttle never locks anyone out: past a free allowance each further attempt waits, the wait doubling from
``first_s`` up to a cap (``Delays``). Sign-in counts per account (the email typed) and per client address
separately: a stranger's wrong passwords slow their own address for up to 15 minutes, but an account at most
for ``account_cap_s`` (a minute), so nobody can shut a caseworker out by typing her email. An attempt is counted
*before* its password is checked, in the same transaction that decided it may go ahead (``records.attempts``
locks the counts), so twenty parallel attempts cannot all be checked; a success clears its account's count and
gives its address the attempt back. Signing in through OpenID Connect never consults the throttle. Counts live
in the records database, so every worker shares them; the clock is a parameter.
"""

from __future__ import annotations

import hmac
import math
import secrets
from collections.abc import Callable, MutableMapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from records.attempts import forget, key_for, locked_counts
from records.inbox import as_utc
from records.session import SessionFactory, session_scope
from records.system_time import system_now

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


@dataclass(frozen=True, slots=True)
class Delays:
    """``free`` attempts go ahead at once; each further one waits ``first_s`` doubled per attempt, at most ``cap_s``."""

    free: int
    first_s: float
    cap_s: float

    def wait_after(self, attempts: int) -> float:
        """Return how long after the last of ``attempts`` recent attempts the next one must wait."""
        if attempts < self.free:
            return 0.0
        return float(min(self.cap_s, self.first_s * 2 ** min(attempts - self.free, 32)))


@dataclass(frozen=True, slots=True)
class Wait:
    """An attempt refused for now: what was counted (``account``, ``address``, ``feedback``) and for how long."""

    kind: str
    seconds: int

    @property
    def in_words(self) -> str:
        """The wait as a person reads it: "8 seconds", "1 minute", "15 minutes"."""
        if self.seconds < 60:
            return f"{self.seconds} second{'s' if self.seconds != 1 else ''}"
        minutes = math.ceil(self.seconds / 60)
        return f"{minutes} minute{'s' if minutes != 1 else ''}"


def admit(factory: SessionFactory, counted: Sequence[tuple[str, str, Delays]], now: datetime,
          window_s: float) -> Wait | None:
    """Count one attempt against every ``(kind, key, delays)`` and return None, or count nothing and return the
    longest wait; both in one transaction over the locked counts. A key's attempts are forgotten ``window_s`` after
    its last wait ended (so waiting out the longest wait does not start the allowance afresh)."""
    with session_scope(factory) as session:
        rows = locked_counts(session, [key for _, key, _ in counted])
        recent = []
        for row, (_, _, delays) in zip(rows, counted, strict=True):
            last = as_utc(row.last_at) if row.last_at is not None else None
            since = max(0.0, (now - last).total_seconds()) if last is not None else math.inf
            forgotten = since >= delays.wait_after(row.attempts) + window_s
            recent.append((0 if forgotten else row.attempts, since))
        waits = [Wait(kind, math.ceil(delays.wait_after(count) - since))
                 for (kind, _, delays), (count, since) in zip(counted, recent, strict=True)
                 if count and delays.wait_after(count) > since]
        if waits:
            return max(waits, key=lambda wait: wait.seconds)
        for row, (count, _) in zip(rows, recent, strict=True):
            row.attempts, row.last_at = count + 1, now
        return None


class LoginThrottle:
    """Growing waits per account and per client address (``Delays``); counts in the records (``records.attempts``).

    ``attempts`` failures per account go without a wait, and ``address_attempts`` (default four times as many)
    per client address; failures are forgotten ``window_s`` seconds after the last wait ended.
    """

    def __init__(self, attempts: int, window_s: float, clock: Callable[[], datetime] = system_now, *,
                 address_attempts: int | None = None, first_delay_s: float = 2.0, account_cap_s: float = 60.0,
                 address_cap_s: float = 900.0) -> None:
        self.window_s = window_s
        self.clock = clock
        self.account = Delays(attempts, first_delay_s, account_cap_s)
        self.address = Delays(address_attempts if address_attempts is not None else 4 * attempts, first_delay_s,
                              address_cap_s)

    def _counted(self, email: str, address: str) -> list[tuple[str, str, Delays]]:
        return [("account", key_for("account", email), self.account),
                ("address", key_for("address", address), self.address)]

    def attempt(self, factory: SessionFactory, email: str, address: str) -> Wait | None:
        """Count a sign-in attempt before its password is checked; return the wait instead when it must wait."""
        return admit(factory, self._counted(email, address), self.clock(), self.window_s)

    def succeeded(self, factory: SessionFactory, email: str, address: str) -> None:
        """Clear the account's count and give the address back the attempt counted for this sign-in."""
        with session_scope(factory) as session:
            account_key, address_key = (key for _, key, _ in self._counted(email, address))
            forget(session, account_key)
            (row,) = locked_counts(session, [address_key])
            row.attempts = max(0, row.attempts - 1)


class FeedbackThrottle:
    """Feedback left without signing in, per client address: ``free`` at once, then growing waits."""

    def __init__(self, delays: Delays | None = None, window_s: float = 3600.0,
                 clock: Callable[[], datetime] = system_now) -> None:
        self.delays = delays or Delays(free=5, first_s=60.0, cap_s=3600.0)
        self.window_s = window_s
        self.clock = clock

    def attempt(self, factory: SessionFactory, address: str) -> Wait | None:
        """Count one anonymous feedback from ``address``, or return how long it must wait."""
        return admit(factory, [("feedback", key_for("feedback", address), self.delays)], self.clock(),
                     self.window_s)


class LinkThrottle:
    """Wrong link tokens from one client address: ``free`` a minute go unremarked, then each further try waits.

    Only a token that opens nothing is counted (``failed``); ``blocked`` is asked before any token is looked up,
    so a person guessing tokens is slowed whether or not their next guess would be right."""

    def __init__(self, delays: Delays | None = None, window_s: float = 60.0,
                 clock: Callable[[], datetime] = system_now) -> None:
        self.delays = delays or Delays(free=10, first_s=60.0, cap_s=900.0)
        self.window_s = window_s
        self.clock = clock

    def _key(self, address: str) -> str:
        return key_for("link", address)

    def blocked(self, factory: SessionFactory, address: str) -> Wait | None:
        """Return how long ``address`` must wait before its next try, or None when it may try now."""
        with session_scope(factory) as session:
            (row,) = locked_counts(session, [self._key(address)])
            if not row.attempts or row.last_at is None:
                return None
            since = max(0.0, (self.clock() - as_utc(row.last_at)).total_seconds())
            wait = self.delays.wait_after(row.attempts) - since
            return Wait("link", math.ceil(wait)) if wait > 0 else None

    def failed(self, factory: SessionFactory, address: str) -> None:
        """Count one wrong token from ``address`` (the count starts afresh a window after the last wait ended)."""
        now = self.clock()
        with session_scope(factory) as session:
            (row,) = locked_counts(session, [self._key(address)])
            since = (now - as_utc(row.last_at)).total_seconds() if row.last_at is not None else math.inf
            forgotten = since >= self.delays.wait_after(row.attempts) + self.window_s
            row.attempts, row.last_at = (1 if forgotten else row.attempts + 1), now
