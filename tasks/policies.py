"""The retry policy every task of the project shares: retry only a database hiccup, never a domain error."""

from __future__ import annotations

from typing import Any, Final

from sqlalchemy.exc import OperationalError

__all__ = ["DB_RETRIES", "retry_if_transient"]

DB_RETRIES: Final = 3


def retry_if_transient(task: Any, task_run: Any, state: Any) -> bool:
    """Retry only database hiccups (a locked SQLite file, a dropped connection); domain errors fail fast."""
    try:
        state.result()
    except OperationalError:
        return True
    except Exception:
        return False
    return False
