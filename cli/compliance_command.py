"""``ehcp report compliance``: how late are we, where, and whose deadline was it (table, CSV or HTML)."""

from __future__ import annotations

import io
import sys
from datetime import date, timedelta
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cli.deadlines_command import TABLE_WIDTH, parse_as_of
from cli.errors import fail
from cli.records_access import current_settings, open_records
from cli.report_options import date_option, setting_id_option, write_output
from records.session import session_scope
from reports.compliance import ComplianceLine, ComplianceReport, Period, compliance_report
from reports.compliance_pictures import compliance_pictures
from reports.rendering import compliance_csv, compliance_html, line_values
from rules.errors import Problem

COUNT_COLUMNS = ("due", "met", "met_late", "missed", "breach", "open", "unrecorded", "on_time_percent",
                 "median_late_days", "worst_late_days")
REPORT_WIDTH = TABLE_WIDTH + 20  # the breach column (issue 10) needs room beside the setting names
HEADINGS = ("Due", "Met", "Late", "Missed", "Breach", "Open", "Unrec.", "On time", "Median late", "Worst late")


class Format(StrEnum):
    TABLE = "table"
    CSV = "csv"
    HTML = "html"


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return date(day.year - 1, 2, 28)


def _period(from_text: str | None, to_text: str | None, as_of: date) -> tuple[date, date]:
    """Return the period: ``--to`` defaults to the as-of date, ``--from`` to the day after it a year earlier."""
    to_on = date_option("--to", to_text) or as_of
    from_on = date_option("--from", from_text) or _year_before(to_on) + timedelta(days=1)
    if from_on > to_on:
        raise fail("bad option", [Problem("--from", f"{from_on} is after --to {to_on}")])
    return from_on, to_on


def _table(title: str, lines: list[ComplianceLine], with_setting: bool) -> Table:
    table = Table(title=title, title_justify="left")
    if with_setting:
        table.add_column("Setting")
    table.add_column("Deadline (owed by)")
    for heading in HEADINGS:
        table.add_column(heading, justify="right")
    for line in lines:
        values = line_values(line)
        setting = [f"{values['setting_urn']} {values['setting_name']}"] if with_setting else []
        table.add_row(*setting, values["label"], *(str(values[name]) for name in COUNT_COLUMNS))
    return table


def render_tables(report: ComplianceReport, console: Console) -> None:
    """Print the authority table and the per-setting table."""
    period = report.period
    console.print(_table(f"Deadlines due {period.from_on} to {period.to_on}, as of {period.as_of}",
                         report.by_stage, False))
    console.print(_table("By setting", report.by_setting, True))
    console.print("On time = met / (met + late + missed + breach); days late over late and missed deadlines (README).")


def compliance(
    from_text: Annotated[str | None, typer.Option("--from", help="First due date counted, YYYY-MM-DD.")] = None,
    to_text: Annotated[str | None, typer.Option("--to", help="Last due date counted (default: --as-of).")] = None,
    setting: Annotated[str | None, typer.Option("--setting", help="Only this setting's URN.")] = None,
    output_format: Annotated[Format, typer.Option("--format", help="table, csv or html.")] = Format.TABLE,
    out: Annotated[Path | None, typer.Option("--out", help="Write to this file instead of printing.")] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Date the counts stand on, YYYY-MM-DD (default: today in London).")
    ] = None,
) -> None:
    """Count, per stage, setting and owner, the deadlines met, met late, missed and open, and how late."""
    today = parse_as_of(as_of)
    from_on, to_on = _period(from_text, to_text, today)
    with session_scope(open_records(current_settings())) as session:
        period = Period(from_on, to_on, today, setting_id_option(session, setting))
        report = compliance_report(session, period)
        pictures = compliance_pictures(session, today) if output_format is Format.HTML else None
    if output_format is Format.CSV:
        write_output(compliance_csv(report), out)
    elif output_format is Format.HTML:
        write_output(compliance_html(report, pictures), out)
    elif out is not None:
        buffer = io.StringIO()
        render_tables(report, Console(file=buffer, width=REPORT_WIDTH, highlight=False))
        write_output(buffer.getvalue(), out)
    else:
        render_tables(report, Console(highlight=False, width=REPORT_WIDTH if not sys.stdout.isatty() else None))
