"""What every task of the project shares: retry only a database hiccup, never a domain error; no cache, no
persisted result (a replay is made safe by the records' keys, not by Prefect's cache)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Final

from prefect import task
from prefect.cache_policies import NO_CACHE
from sqlalchemy.exc import OperationalError

__all__ = ["DB_RETRIES", "records_task", "retry_if_transient"]

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


def records_task(name: str, task_run_name: str | Callable[..., str] | None = None) -> Callable[[Any], Any]:
    """The decorator of a task that writes the records: named for operators, retried on a database hiccup."""
    return task(
        name=name,
        task_run_name=task_run_name,
        cache_policy=NO_CACHE,
        persist_result=False,
        retries=DB_RETRIES,
        retry_condition_fn=retry_if_transient,
    )
