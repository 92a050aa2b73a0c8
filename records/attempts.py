"""Attempt counts that every front-door worker shares: counted and checked in one transaction.

``locked_counts`` makes sure each key has a row and locks those rows for the rest of the caller's transaction
(PostgreSQL: ``SELECT ... FOR UPDATE`` in key order; SQLite: the ``INSERT`` takes the database's write lock), so
two workers deciding about the same key at once decide one after the other. ``portal.security`` holds the
policy (how many attempts, how long to wait); this module only stores. Keys are digests, never an email or an
address (``key_for``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from records.models import AttemptCount

__all__ = ["forget", "key_for", "locked_counts"]


def key_for(kind: str, value: str) -> str:
    """Return the stored key for ``value`` counted as ``kind`` (``account``, ``address``, ``feedback``)."""
    return hashlib.sha256(f"{kind}\x1f{value}".encode()).hexdigest()


def locked_counts(session: Session, keys: Sequence[str]) -> list[AttemptCount]:
    """Return the rows of ``keys`` (made if new, in the order given), locked until the transaction ends."""
    ordered = sorted(set(keys))
    dialect = session.get_bind().dialect.name
    insert: Any = postgresql.insert(AttemptCount) if dialect == "postgresql" else sqlite.insert(AttemptCount)
    session.execute(insert.values([{"key": key, "attempts": 0} for key in ordered]).on_conflict_do_nothing())
    query = (select(AttemptCount).where(AttemptCount.key.in_(ordered)).order_by(AttemptCount.key)
             .with_for_update().execution_options(populate_existing=True))
    rows = {row.key: row for row in session.scalars(query)}
    return [rows[key] for key in keys]


def forget(session: Session, key: str) -> None:
    """Clear a key's count (a successful sign-in clears its account's)."""
    session.execute(delete(AttemptCount).where(AttemptCount.key == key))
