"""``ehcp clock [--as-of DATE]``: run the statutory clock now, for today or any business date.

It runs in this process (no runner needed): it records, escalates and delivers by itself.
Prefect is imported only when the command runs.
"""

from __future__ import annotations

from typing import Annotated

import typer
from rich.console import Console

from cli.deadlines_command import parse_as_of
from cli.prefect_access import prefect_calls
from cli.records_access import current_settings, open_records

console = Console(highlight=False)


def clock(
    as_of: Annotated[str | None, typer.Option("--as-of", help="Business date YYYY-MM-DD (default: today).")] = None,
) -> None:
    """Fire every deadline event due by the business date, once: escalate, send, and start due review runs."""
    open_records(current_settings())  # refuse an out-of-date schema before anything runs
    business_date = parse_as_of(as_of)
    from flows.statutory_clock import statutory_clock

    with prefect_calls():
        summary = statutory_clock(as_of=business_date)
    console.print(
        f"Clock {summary['business_date']}: {summary['new_events']} new events, "
        f"{summary['new_escalations']} new escalations."
    )
