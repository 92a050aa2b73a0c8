"""``ehcp demo-data``: a synthetic Norfolk-sized caseload, into the records database or as two CSV files."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Annotated

import typer

from cli.deadlines_command import parse_as_of
from cli.import_command import progress_for
from cli.records_access import current_settings, open_records
from records.demo.caseload import CASELOAD_HEADER, SETTINGS_HEADER, demo_caseload
from records.importing.caseload_import import CaseloadContext, import_caseload_rows
from records.importing.csv_file import CsvRows
from records.importing.settings_import import import_setting_values
from records.importing.settings_rows import setting_values
from rules.bank_holidays import england_and_wales_working_days
from rules.rule_set import ENGLAND_2014


def write_csv(path: Path, header: tuple[str, ...], rows: CsvRows) -> None:
    """Write rows in an import file's layout."""
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=header)
        writer.writeheader()
        writer.writerows(cells for _, cells in rows.rows)


def demo_data(
    plans: Annotated[int, typer.Option("--plans", min=1, help="How many plans (children) to generate.")] = 10_000,
    seed: Annotated[int, typer.Option("--seed", help="Same seed and --as-of, same caseload.")] = 1,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="The date the caseload stands on (default: today in London).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Write settings.csv and caseload.csv here instead of the database.")
    ] = None,
) -> None:
    """Generate a synthetic caseload (invented names, URNs 9xxxxx): settings of every phase, reviews at every stage."""
    today = parse_as_of(as_of)
    demo = demo_caseload(plans, seed, today)
    if out is not None:
        out.mkdir(parents=True, exist_ok=True)
        write_csv(out / "settings.csv", SETTINGS_HEADER, demo.settings)
        write_csv(out / "caseload.csv", CASELOAD_HEADER, demo.caseload)
        typer.echo(f"{out}: settings.csv ({len(demo.settings.rows)} settings), caseload.csv ({plans} plans)")
        return
    settings = current_settings()
    factory = open_records(settings)
    values = setting_values(demo.settings)
    settings_summary = import_setting_values(factory, values, actor=settings.actor)
    rule_set = ENGLAND_2014.with_settings(cycle_anchor=settings.cycle_anchor)
    context = CaseloadContext(rule_set, england_and_wales_working_days(), settings.actor)
    with progress_for(plans) as on_row:
        summary = import_caseload_rows(factory, demo.caseload, context, on_row)
    typer.echo(f"demo data (seed {seed}, as of {today}): settings {settings_summary}; plans {summary}")
