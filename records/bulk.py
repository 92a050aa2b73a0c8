"""Bulk inserts that stay one batched statement per table.

By default an ORM bulk insert leaves out None values so server defaults apply, which splits a batch
into one statement per distinct set of present columns (thousands, for rows with optional dates).
Rendering NULLs keeps every row in one executemany.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Insert, insert


def bulk_insert(model: Any) -> Insert:
    """Return an INSERT for ``model`` that keeps a bulk parameter list in one batch."""
    return insert(model).execution_options(render_nulls=True)
