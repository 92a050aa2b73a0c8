"""``ehcp report sen2`` (the items per plan, CSV or XML) and ``ehcp report sen2-measures`` (DfE's figures).

Neither gives a silent figure for a census the records cannot answer (``reports.sen2_completeness``): the items
say on stderr what is missing; the measures are refused (exit 3) when plans lack history, unless
``--incomplete`` asks for them with the warning; a census after the business date is labelled a forecast.
"""

from __future__ import annotations

import json
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from cli.deadlines_command import parse_as_of
from cli.errors import fail
from cli.records_access import current_settings, open_records
from cli.report_options import date_option, write_output
from records.session import session_scope
from reports.sen2 import Sen2Census, sen2_census
from reports.sen2_census import measures_census_day
from reports.sen2_measures import MEASURE_NAMES, Sen2Measures, identities, measures_for, plans_counted
from reports.sen2_output import items_csv, items_xml
from rules.errors import Problem

FIRST_YEAR = 2014  # the Children and Families Act 2014: no EHC plans before it
IDENTITY_FAILED = 1
INCOMPLETE_HISTORY = 3
LACKING = "lacking_history"
AsOf = Annotated[
    str | None, typer.Option("--as-of", help="Business date, YYYY-MM-DD (default: today in London); a later census "
                                             "is a forecast.")
]


class Sen2Format(StrEnum):
    CSV = "csv"
    XML = "xml"


def _census(census_on: date, as_of: str | None) -> Sen2Census:
    today = parse_as_of(as_of)
    with session_scope(open_records(current_settings())) as session:
        return sen2_census(session, census_on, today)


def _warn(census: Sen2Census) -> None:
    for warning in census.completeness.warnings():
        typer.echo(f"warning: {warning}", err=True)


def sen2(
    census_date: Annotated[str | None, typer.Option("--census-date", help="SEN2 census date, YYYY-MM-DD.")] = None,
    output_format: Annotated[Sen2Format, typer.Option("--format", help="csv or xml (the fragment).")] = Sen2Format.CSV,
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file instead of printing.")] = None,
    as_of: AsOf = None,
) -> None:
    """Write the Active plans annual-review items per plan in force in the collection year, with the council's ids."""
    census_on = date_option("--census-date", census_date)
    if census_on is None:
        raise fail("missing option", [Problem("--census-date", "give the census date, YYYY-MM-DD")])
    census = _census(census_on, as_of)
    _warn(census)
    items = census.items
    write_output(items_xml(items, census_on) if output_format is Sen2Format.XML else items_csv(items), out)


def _year_option(year: int | None) -> int:
    if year is None:
        raise fail("missing option", [Problem("--year", "give the calendar year of the measures, e.g. 2025")])
    if not FIRST_YEAR <= year <= 2200:
        raise fail("bad option", [Problem("--year", f"expected a calendar year from {FIRST_YEAR}, e.g. 2025")])
    return year


def _explain_option(measure: str | None) -> str | None:
    if measure is not None and measure not in (*MEASURE_NAMES, LACKING):
        expected = ", ".join((*MEASURE_NAMES, LACKING))
        raise fail("bad option", [Problem("--explain", f"unknown measure; expected one of {expected}")])
    return measure


def _text(value: float | int | None) -> str:
    return "-" if value is None else str(value)


def _print_measures(measures: Sen2Measures, census: Sen2Census) -> bool:
    """Print the measures, percentages and identities; return whether every identity holds."""
    forecast = " (FORECAST)" if census.completeness.forecast else ""
    typer.echo(f"SEN2 annual-review measures for {measures.year}, from the items at census {measures.census_on}"
               f"{forecast}")
    for warning in census.completeness.warnings():
        typer.echo(f"WARNING: {warning}")
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


def _print_plans(census: Sen2Census, measure: str, measures: Sen2Measures) -> None:
    counted = census.lacking if measure == LACKING else plans_counted(census.items, measure, measures.year)
    typer.echo(f"{measure} for {measures.year} (census {measures.census_on}): {len(counted)} plans", err=True)
    typer.echo(items_csv(counted), nl=False)


def _refuse_incomplete(census: Sen2Census, incomplete: bool) -> None:
    """Exit 3 saying what is missing when plans lack history, unless the figures were asked for anyway."""
    verdict = census.completeness
    if verdict.complete or incomplete:
        return
    typer.echo(f"error: refused: {verdict.warnings()[0]}", err=True)
    typer.echo(f"  --explain {LACKING} lists them; --incomplete prints the figures with this warning.", err=True)
    raise typer.Exit(code=INCOMPLETE_HISTORY)


def sen2_measures(
    year: Annotated[int | None, typer.Option("--year", help="Calendar year of the measures, e.g. 2025.")] = None,
    census_date: Annotated[
        str | None, typer.Option("--census-date", help="Census the items are taken at (default: January of year+1).")
    ] = None,
    explain: Annotated[
        str | None, typer.Option("--explain", help=f"List the plans this measure counts ({LACKING}: those the "
                                                   "records lack history for).")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the measures as JSON.")] = False,
    incomplete: Annotated[
        bool, typer.Option("--incomplete", help="Print the figures, with a warning, even when plans lack history.")
    ] = False,
    as_of: AsOf = None,
) -> None:
    """Reproduce DfE's annual-review measures for a calendar year from the SEN2 items, and check the identities."""
    measures_year = _year_option(year)
    measure = _explain_option(explain)
    census_on = date_option("--census-date", census_date) or measures_census_day(measures_year)
    if census_on.year <= measures_year:
        raise fail("bad option", [Problem("--census-date", f"the census for {measures_year} falls after that year")])
    census = _census(census_on, as_of)
    measures = measures_for(census.items, measures_year, census_on)
    if measure is not None:
        _print_plans(census, measure, measures)
        return
    _refuse_incomplete(census, incomplete)
    if as_json:
        typer.echo(json.dumps({**measures.as_json(), "records": census.completeness.as_json()}, indent=2))
        holds = all(ok for _, ok in identities(measures))
    else:
        holds = _print_measures(measures, census)
    if not holds:
        raise typer.Exit(code=IDENTITY_FAILED)
