"""``ehcp report sen2``: the DfE SEN2 annual-review items per plan and the calendar-year measures, as CSV."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from cli.errors import fail
from cli.records_access import current_settings, open_records
from cli.report_options import date_option, write_output
from records.session import session_scope
from reports.sen2 import sen2_items, sen2_measures
from reports.sen2_csv import items_csv, measures_csv
from rules.errors import Problem


def measures_path(out: Path) -> Path:
    """Return where the measures go beside the items file: ``sen2.csv`` -> ``sen2.measures.csv``."""
    return out.with_name(f"{out.stem}.measures{out.suffix or '.csv'}")


def sen2(
    census_date: Annotated[str | None, typer.Option("--census-date", help="SEN2 census date, YYYY-MM-DD.")] = None,
    year: Annotated[
        int | None, typer.Option("--year", help="Calendar year of the measures (default: the year before the census).")
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Items CSV file; the measures go to <name>.measures.csv beside it.")
    ] = None,
) -> None:
    """Write the SEN2 items (ReviewMeeting, ReviewOutcome, LastReview per plan) and the year's measures."""
    census_on = date_option("--census-date", census_date)
    if census_on is None:
        raise fail("missing option", [Problem("--census-date", "give the census date, YYYY-MM-DD")])
    measures_year = census_on.year - 1 if year is None else year
    if not 2014 <= measures_year <= census_on.year:
        raise fail("bad option", [Problem("--year", f"expected a year from 2014 to {census_on.year}")])
    with session_scope(open_records(current_settings())) as session:
        items = sen2_items(session, census_on)
        measures = sen2_measures(session, measures_year, census_on)
    if out is None:
        write_output(items_csv(items, census_on) + "\n" + measures_csv(measures), None)
        return
    write_output(items_csv(items, census_on), out)
    write_output(measures_csv(measures), measures_path(out))
