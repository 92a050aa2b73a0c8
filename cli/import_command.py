"""``ehcp import settings|caseload FILE.csv``: all or nothing, every bad row reported, re-runs change nothing."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Final

import typer
from rich.console import Console
from rich.progress import Progress

from cli.errors import fail
from cli.records_access import current_settings, open_records
from records.importing.caseload_import import CaseloadContext, OnRow, import_caseload_rows
from records.importing.caseload_rows import CASELOAD_COLUMNS, CASELOAD_OPTIONAL_COLUMNS
from records.importing.csv_file import read_csv
from records.importing.problems import ImportRejected
from records.importing.settings_import import import_settings
from records.session import session_scope
from rules.bank_holidays import england_and_wales_working_days
from rules.errors import Problem
from rules.rule_set import ENGLAND_2014
from services.setup import business_date

PROGRESS_MIN_ROWS: Final = 2_000

import_app = typer.Typer(help="Import settings or a caseload from a CSV file.", no_args_is_help=True)
FileArgument = Annotated[Path, typer.Argument(help="CSV file, UTF-8, comma-separated (layout in README).")]


def rejected(path: Path, exc: ImportRejected) -> typer.Exit:
    """Return the exit that reports every problem of a refused file."""
    count = len(exc.problems)
    problems = [Problem(f"row {p.row}", p.detail()) for p in exc.problems]
    return fail(f"{path}: {count} problem{'s' if count != 1 else ''}; nothing was imported", problems)


def _readable(path: Path) -> None:
    if not path.is_file():
        raise fail(f"{path}: no such file")


@import_app.command("settings")
def import_settings_command(file: FileArgument) -> None:
    """Create or update settings (schools, colleges, early-years providers) by URN."""
    _readable(file)
    settings = current_settings()
    factory = open_records(settings)
    try:
        summary = import_settings(factory, file, actor=settings.actor)
    except ImportRejected as exc:
        raise rejected(file, exc) from None
    typer.echo(f"{file}: settings {summary}")


@contextmanager
def progress_for(rows: int) -> Iterator[OnRow | None]:
    """Yield a per-row callback that drives a progress bar on big files, or None on small ones."""
    if rows < PROGRESS_MIN_ROWS:
        yield None
        return
    with Progress(console=Console(stderr=True), transient=True) as progress:
        task = progress.add_task("Computing deadlines", total=rows)
        yield lambda: progress.advance(task)


@import_app.command("caseload")
def import_caseload_command(file: FileArgument) -> None:
    """Create or update children, plans and current reviews, with deadlines computed by the rules."""
    _readable(file)
    settings = current_settings()
    factory = open_records(settings)
    rule_set = ENGLAND_2014.with_settings(cycle_anchor=settings.cycle_anchor)
    with session_scope(factory) as session:
        today = business_date(session)  # nothing done can be dated after it (a meeting "held" in 2099)
    context = CaseloadContext(rule_set, england_and_wales_working_days(), settings.actor, today)
    try:
        rows = read_csv(file, CASELOAD_COLUMNS, CASELOAD_OPTIONAL_COLUMNS)
        with progress_for(len(rows.rows)) as on_row:
            summary = import_caseload_rows(factory, rows, context, on_row)
    except ImportRejected as exc:
        raise rejected(file, exc) from None
    typer.echo(f"{file}: plans {summary}")
