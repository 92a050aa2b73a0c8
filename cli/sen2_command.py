"""``ehcp report sen2`` (the items per plan, CSV or XML) and ``ehcp report sen2-measures`` (DfE's figures)."""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cli.errors import fail
from cli.records_access import current_settings, open_records
from cli.report_options import date_option, write_output
from records.session import session_scope
from reports.sen2 import sen2_items
from reports.sen2_census import measures_census_day
from reports.sen2_items import Sen2Item
from reports.sen2_measures import MEASURE_NAMES, Sen2Measures, identities, measures_for, plans_counted
from reports.sen2_output import items_csv, items_xml
from rules.errors import Problem

FIRST_YEAR = 2014  # the Children and Families Act 2014: no EHC plans before it
IDENTITY_FAILED = 1


class Sen2Format(StrEnum):
    CSV = "csv"
    XML = "xml"


def _items(census_on: date) -> list[Sen2Item]:
    with session_scope(open_records(current_settings())) as session:
        return sen2_items(session, census_on)


def sen2(
    census_date: Annotated[str | None, typer.Option("--census-date", help="SEN2 census date, YYYY-MM-DD.")] = None,
    output_format: Annotated[Sen2Format, typer.Option("--format", help="csv or xml (the fragment).")] = Sen2Format.CSV,
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file instead of printing.")] = None,
) -> None:
    """Write the Active plans annual-review items per plan in force in the collection year, with the council's ids."""
    census_on = date_option("--census-date", census_date)
    if census_on is None:
        raise fail("missing option", [Problem("--census-date", "give the census date, YYYY-MM-DD")])
    items = _items(census_on)
    write_output(items_xml(items, census_on) if output_format is Sen2Format.XML else items_csv(items), out)


def _year_option(year: int | None) -> int:
    if year is None:
        raise fail("missing option", [Problem("--year", "give the calendar year of the measures, e.g. 2025")])
    if not FIRST_YEAR <= year <= 2200:
        raise fail("bad option", [Problem("--year", f"expected a calendar year from {FIRST_YEAR}, e.g. 2025")])
    return year


def _explain_option(measure: str | None) -> str | None:
    if measure is not None and measure not in MEASURE_NAMES:
        raise fail("bad option", [Problem("--explain", f"unknown measure; expected one of {', '.join(MEASURE_NAMES)}")])
    return measure


def _text(value: float | int | None) -> str:
    return "-" if value is None else str(value)


def _print_measures(measures: Sen2Measures) -> bool:
    """Print the measures, percentages and identities; return whether every identity holds."""
    typer.echo(f"SEN2 annual-review measures for {measures.year}, from the items at census {measures.census_on}")
    percentages = measures.percentages
    for name, value in measures.counts.items():
        percent = percentages.get(f"pc_{name}")
        typer.echo(f"  {name:<32}{value:>8}" + (f"  {_text(percent):>6}%" if f"pc_{name}" in percentages else ""))
    typer.echo("Identities:")
    all_hold = True
    for identity, holds in identities(measures):
        typer.echo(f"  {'ok    ' if holds else 'FAILED'} {identity.text(measures.counts)}")
        all_hold = all_hold and holds
    return all_hold


def _print_plans(items: list[Sen2Item], measure: str, measures: Sen2Measures) -> None:
    counted = plans_counted(items, measure, measures.year)
    typer.echo(f"{measure} for {measures.year} (census {measures.census_on}): {len(counted)} plans", err=True)
    typer.echo(items_csv(counted), nl=False)


def sen2_measures(
    year: Annotated[int | None, typer.Option("--year", help="Calendar year of the measures, e.g. 2025.")] = None,
    census_date: Annotated[
        str | None, typer.Option("--census-date", help="Census the items are taken at (default: January of year+1).")
    ] = None,
    explain: Annotated[str | None, typer.Option("--explain", help="List the plans this measure counts.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the measures as JSON.")] = False,
) -> None:
    """Reproduce DfE's annual-review measures for a calendar year from the SEN2 items, and check the identities."""
    measures_year = _year_option(year)
    measure = _explain_option(explain)
    census_on = date_option("--census-date", census_date) or measures_census_day(measures_year)
    if census_on.year <= measures_year:
        raise fail("bad option", [Problem("--census-date", f"the census for {measures_year} falls after that year")])
    items = _items(census_on)
    measures = measures_for(items, measures_year, census_on)
    if measure is not None:
        _print_plans(items, measure, measures)
        return
    if as_json:
        typer.echo(json.dumps(measures.as_json(), indent=2))
        holds = all(ok for _, ok in identities(measures))
    else:
        holds = _print_measures(measures)
    if not holds:
        raise typer.Exit(code=IDENTITY_FAILED)
