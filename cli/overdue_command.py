"""``ehcp report overdue``: the backlog of reviews past their 12-month date with no decision, oldest first."""

from __future__ import annotations

import io
import sys
from dataclasses import astuple, fields

from rich.console import Console
from rich.table import Table

from cli.deadlines_command import TABLE_WIDTH, parse_as_of
from cli.records_access import current_settings, open_records
from cli.report_options import AsOfOption, FormatOption, OutOption, TableOrCsv, write_output
from records.session import session_scope
from reports.csv_safety import csv_text
from reports.overdue import OverdueReview, overdue_reviews
from rules.labels import LABELS, OWNER_LABELS

COLUMNS = tuple(field.name for field in fields(OverdueReview))


def overdue_csv(lines: list[OverdueReview]) -> str:
    """Return the backlog as CSV, one row per review (``COLUMNS``; cells escaped, ``reports.csv_safety``)."""
    return csv_text(COLUMNS, (astuple(line) for line in lines))


def _table(lines: list[OverdueReview], as_of: str) -> Table:
    table = Table(title=f"Reviews past their 12-month date with no decision, as of {as_of} ({len(lines)})",
                  title_justify="left")
    for heading in ("Review", "Setting", "12-month date", "Months over", "Stage", "Next step (owed by)",
                    "Family told"):
        table.add_column(heading)
    for line in lines:
        step = LABELS.get(line.next_step or "", line.next_step or "-")
        owner = OWNER_LABELS.get(line.owed_by or "", line.owed_by or "-")
        table.add_row(line.reference, line.setting_urn, line.review_due_on.isoformat(), str(line.months_overdue),
                      str(line.stage or "-"), f"{step} ({owner})", line.family_told)
    return table


def overdue(
    output_format: FormatOption = TableOrCsv.TABLE, out: OutOption = None, as_of: AsOfOption = None
) -> None:
    """List every review past its 12-month date with no decision: months overdue, who owes what, family told."""
    today = parse_as_of(as_of)
    with session_scope(open_records(current_settings())) as session:
        lines = overdue_reviews(session, today)
    if output_format is TableOrCsv.CSV:
        write_output(overdue_csv(lines), out)
        return
    if out is not None:
        buffer = io.StringIO()
        Console(file=buffer, width=TABLE_WIDTH, highlight=False).print(_table(lines, today.isoformat()))
        write_output(buffer.getvalue(), out)
        return
    width = TABLE_WIDTH if not sys.stdout.isatty() else None
    Console(highlight=False, width=width).print(_table(lines, today.isoformat()))
