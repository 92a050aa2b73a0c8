"""Running an import as one transaction, retried when a concurrent writer got there first.

Two imports of the same file at once both try to insert the same rows; the unique constraints
let only one win, and the loser's whole transaction is rolled back and run again (it then finds
everything already there). SQLite reports a concurrent writer as "database is locked".
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError, OperationalError
from sqlalchemy.orm import Session

from records.session import SessionFactory, session_scope

ATTEMPTS = 6
FIRST_BACKOFF_SECONDS = 0.05
_T = TypeVar("_T")


def in_one_transaction(factory: SessionFactory, work: Callable[[Session], _T], *, attempts: int = ATTEMPTS) -> _T:
    """Return ``work(session)`` run in one committed transaction, retrying on a write conflict."""
    for attempt in range(1, attempts + 1):
        try:
            with session_scope(factory) as session:
                return work(session)
        except (IntegrityError, OperationalError):
            if attempt == attempts:
                raise
            time.sleep(FIRST_BACKOFF_SECONDS * 2 ** (attempt - 1))
    raise AssertionError("unreachable")  # pragma: no cover
