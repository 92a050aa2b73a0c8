"""Helpers for records tests: CSV files written on the fly, the CLI runner, and table snapshots."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import select
from typer.testing import CliRunner

from cli.main import app
from records.models import Base
from records.session import SessionFactory, session_scope

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
AS_OF = "2026-03-02"  # the date the example caseload stands on


def write_csv(path: Path, rows: Sequence[Mapping[str, str]], header: Sequence[str] | None = None) -> Path:
    """Write rows as a comma-separated UTF-8 file (header from the first row unless given)."""
    columns = list(header or rows[0].keys())
    lines = [",".join(columns), *(",".join(row.get(c, "") for c in columns) for row in rows)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def run(*args: str) -> Any:
    """Run ``ehcp`` in-process and return typer's Result (stdout and stderr kept apart)."""
    return CliRunner().invoke(app, list(args))


def snapshot(factory: SessionFactory) -> dict[str, list[tuple[Any, ...]]]:
    """Return every row of every records table, for "nothing changed" assertions."""
    with session_scope(factory) as session:
        return {
            table.name: sorted(tuple(row) for row in session.execute(select(table)).all())
            for table in Base.metadata.sorted_tables
        }


def count(factory: SessionFactory, table: str) -> int:
    """Return how many rows a table holds."""
    return len(snapshot(factory)[table])
