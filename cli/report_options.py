"""Options shared by the report commands: dates, a setting's URN, and where the output goes."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.orm import Session

from cli.errors import fail
from records.queries import setting_ids_by_urn
from rules.errors import Problem
from rules.facts_input import parse_date


class TableOrCsv(StrEnum):
    """How a listing report is written: a table for people, or CSV for a spreadsheet."""

    TABLE = "table"
    CSV = "csv"


FormatOption = Annotated[TableOrCsv, typer.Option("--format", help="table or csv.")]
OutOption = Annotated[Path | None, typer.Option("--out", help="Write to this file instead of printing.")]
AsOfOption = Annotated[
    str | None, typer.Option("--as-of", help="Business date, YYYY-MM-DD (default: today in London).")
]


def date_option(name: str, value: str | None) -> date | None:
    """Return the date given to option ``name``, or exit 2 naming it."""
    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        raise fail("bad option", [Problem(name, str(exc))]) from None


def setting_id_option(session: Session, urn: str | None) -> int | None:
    """Return the id of the setting given by ``--setting``, or exit 2 when no such setting is known."""
    if urn is None:
        return None
    found = setting_ids_by_urn(session, [urn.strip().upper()])
    if not found:
        raise fail("bad option", [Problem("--setting", f"no setting with URN {urn!r} in the records")])
    return next(iter(found.values()))


def write_output(text: str, out: Path | None) -> None:
    """Write ``text`` to ``out`` (creating its folder), or print it when no file is given."""
    if out is None:
        typer.echo(text, nl=not text.endswith("\n"))
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise fail("bad option", [Problem("--out", f"cannot write {out}: {exc.strerror or exc}")]) from None
    typer.echo(f"wrote {out}", err=True)
