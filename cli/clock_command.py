"""``ehcp clock [--as-of DATE]``: run the statutory clock now, for today or any business date."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

import typer
from rich.console import Console

from cli.deadlines_command import parse_as_of
from cli.records_access import current_settings, open_records
from flows.statutory_clock import statutory_clock
from tasks.run_control import RunState, wait_for_run

console = Console(highlight=False)


def clock(
    as_of: Annotated[str | None, typer.Option("--as-of", help="Business date YYYY-MM-DD (default: today).")] = None,
    wait: Annotated[bool, typer.Option("--wait/--no-wait", help="Wait for woken reviews to act.")] = True,
) -> None:
    """Fire every deadline event due by the business date, once, and wake the reviews concerned."""
    open_records(current_settings())  # refuse an out-of-date schema before anything runs
    summary = statutory_clock(as_of=parse_as_of(as_of))
    console.print(
        f"Clock {summary['business_date']}: {summary['new_events']} new events, "
        f"{summary['new_escalations']} new escalations; woke {len(summary['woken'])} reviews, "
        f"started {len(summary['started'])} runs, {len(summary['busy'])} busy (retried next run)."
    )
    if wait:
        for flow_run_id, key in summary["waits_answered"].items():
            wait_for_run(flow_run_id, waits_again_after(key))


def waits_again_after(key: str) -> Callable[[RunState], bool]:
    """Return a test for a run that answered ``key`` and now waits at its next key."""

    def waits_again(state: RunState) -> bool:
        return state.state_type == "PAUSED" and state.pause_key != key

    return waits_again
