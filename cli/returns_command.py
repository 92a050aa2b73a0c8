"""The returns beside SEN2, from the same records (issue 23 item 6), each written as CSV (cells escaped):

- ``ehcp report annex-a``: the area SEND inspection's annex A list 1 columns the engine holds, per plan in force;
- ``ehcp report chronology REF``: the plan's whole chronology for an Ombudsman enquiry;
- ``ehcp report foi``: median days from meeting to decision, decisions within 4 weeks, reviews incomplete 6, 12
  and 24 months after the meeting;
- ``ehcp report sen2-breakdowns``: DfE's measures by age, years in place and setting phase.

The annex A list and the chronology hold personal data (a date of birth; the addresses messages went to): the
front door gives them only to the manager roles.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from cli.deadlines_command import parse_as_of
from cli.errors import fail
from cli.records_access import current_settings, open_records
from cli.report_options import date_option, write_output
from cli.sen2_command import _year_option
from records.review_progress import UnknownReview
from records.session import session_scope
from reports.annex_a import annex_a_csv, annex_a_rows, people_of
from reports.chronology import chronology, chronology_csv
from reports.foi import foi_csv, foi_from_records
from reports.sen2 import sen2_census
from reports.sen2_breakdowns import TOPICS, breakdown_csv, breakdowns
from reports.sen2_census import measures_census_day
from rules.errors import Problem

__all__ = ["annex_a", "chronology_command", "foi", "sen2_breakdowns"]

Out = Annotated[Path | None, typer.Option("--out", help="Write the CSV to this file instead of printing.")]
AsOf = Annotated[str | None, typer.Option("--as-of", help="Business date, YYYY-MM-DD (default: today in London).")]


def annex_a(out: Out = None, as_of: AsOf = None) -> None:
    """Write annex A list 1 (area SEND inspection): the columns the engine holds, per plan in force (CSV)."""
    today = parse_as_of(as_of)
    with session_scope(open_records(current_settings())) as session:
        rows = annex_a_rows(session, today)
    write_output(annex_a_csv(rows), out)


def chronology_command(
    reference: Annotated[str, typer.Argument(help="A review reference of the plan, e.g. AR-2026-00123.")],
    out: Out = None,
    as_of: AsOf = None,
) -> None:
    """Write the plan's whole chronology for an Ombudsman enquiry: dates, deadlines, messages, who did what (CSV)."""
    today = parse_as_of(as_of)
    try:
        with session_scope(open_records(current_settings())) as session:
            entries = chronology(session, reference, today)
    except UnknownReview as exc:
        raise fail(str(exc)) from None
    write_output(chronology_csv(entries), out)


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return date(day.year - 1, 2, 28)


def foi(
    from_date: Annotated[
        str | None, typer.Option("--from", help="First day, YYYY-MM-DD (default: a year before --to).")
    ] = None,
    to_date: Annotated[
        str | None, typer.Option("--to", help="Last day, YYYY-MM-DD (default: the as-of date).")
    ] = None,
    out: Out = None,
    as_of: AsOf = None,
) -> None:
    """Write FOI-ready figures: median days meeting to decision, within 4 weeks, incomplete 6/12/24 months on (CSV)."""
    today = parse_as_of(as_of)
    to_on = date_option("--to", to_date) or today
    from_on = date_option("--from", from_date) or _year_before(to_on)
    if from_on > to_on:
        raise fail("bad option", [Problem("--from", f"{from_on} is after --to {to_on}")])
    with session_scope(open_records(current_settings())) as session:
        figures = foi_from_records(session, from_on, to_on, today)
    write_output(foi_csv(figures), out)


def sen2_breakdowns(
    year: Annotated[int | None, typer.Option("--year", help="Calendar year of the measures, e.g. 2025.")] = None,
    by: Annotated[str, typer.Option("--by", help=f"One of {', '.join(TOPICS)}, or all.")] = "all",
    out: Out = None,
    as_of: AsOf = None,
) -> None:
    """Write DfE's annual-review measures by age at 31 August, years in place and setting phase (CSV)."""
    measures_year = _year_option(year)
    if by not in (*TOPICS, "all"):
        raise fail("bad option", [Problem("--by", f"expected one of {', '.join(TOPICS)}, all")])
    census_on = measures_census_day(measures_year)
    with session_scope(open_records(current_settings())) as session:
        census = sen2_census(session, census_on, parse_as_of(as_of))
        people = people_of(session)
    for warning in census.completeness.warnings():
        typer.echo(f"warning: {warning}", err=True)
    topics = TOPICS if by == "all" else (by,)
    rows = [row for topic in topics for row in breakdowns(census.items, people, measures_year, census_on, topic)]
    write_output(breakdown_csv(rows), out)
