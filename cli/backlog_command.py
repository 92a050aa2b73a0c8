"""``ehcp report backlog``: the overdue reviews counted by months overdue, by setting and by stage.

The figures are ``reports.backlog``'s, the same the managers' backlog page shows; ``--format csv`` writes the
page's CSV download (one row per overdue review).
"""

from __future__ import annotations

import io
import sys

from rich.console import Console
from rich.table import Table

from cli.deadlines_command import TABLE_WIDTH, parse_as_of
from cli.records_access import current_settings, open_records
from cli.report_options import AsOfOption, FormatOption, OutOption, TableOrCsv, write_output
from records.session import session_scope
from reports.backlog import BANDS, Backlog, BacklogRow, backlog, backlog_csv, backlog_reviews


def _table(title: str, heading: str, rows: tuple[BacklogRow, ...]) -> Table:
    table = Table(title=title, title_justify="left")
    table.add_column(heading)
    for band in BANDS:
        table.add_column(band.label, justify="right")
    table.add_column("Total", justify="right")
    for row in rows:
        table.add_row(row.label, *(str(count) for count in row.counts), str(row.total))
    return table


def render_backlog(figures: Backlog, console: Console) -> None:
    """Print the backlog: the total by months overdue, then by setting and by stage."""
    console.print(f"Reviews past their 12-month date with no decision, as of {figures.as_of}: {figures.total}")
    months = Table(title="By months overdue", title_justify="left")
    months.add_column("Months overdue")
    months.add_column("Reviews", justify="right")
    for band, count in zip(BANDS, figures.by_band, strict=True):
        months.add_row(band.label, str(count))
    console.print(months)
    console.print(_table("By setting", "Setting", tuple(
        BacklogRow(row.key, f"{row.key} {row.label}", row.counts) for row in figures.by_setting)))
    console.print(_table("By stage", "Stage", figures.by_stage))
    console.print("List them with `ehcp report overdue`; the managers' page is /manage/backlog.")


def backlog_command(
    output_format: FormatOption = TableOrCsv.TABLE, out: OutOption = None, as_of: AsOfOption = None
) -> None:
    """Count the overdue reviews by months overdue (0-1, 1-2, 2-3, 3-6, 6+), by setting and by stage."""
    today = parse_as_of(as_of)
    with session_scope(open_records(current_settings())) as session:
        if output_format is TableOrCsv.CSV:
            write_output(backlog_csv(backlog_reviews(session, today)), out)
            return
        figures = backlog(session, today)
    if out is not None:
        buffer = io.StringIO()
        render_backlog(figures, Console(file=buffer, width=TABLE_WIDTH + 20, highlight=False))
        write_output(buffer.getvalue(), out)
        return
    width = TABLE_WIDTH + 20 if not sys.stdout.isatty() else None
    render_backlog(figures, Console(highlight=False, width=width))
