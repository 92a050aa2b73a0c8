"""``ehcp clock [--as-of DATE]``: run the statutory clock now, for today or any business date."""

from __future__ import annotations

from typing import Annotated, Any

import typer
from rich.console import Console

from cli.deadlines_command import parse_as_of
from cli.prefect_access import prefect_calls
from cli.records_access import current_settings, open_records

console = Console(highlight=False)


def clock(
    as_of: Annotated[str | None, typer.Option("--as-of", help="Business date YYYY-MM-DD (default: today).")] = None,
    wait: Annotated[
        bool, typer.Option("--wait/--no-wait", hidden=True, help="Ignored: the clock no longer wakes review runs.")
    ] = True,
) -> None:
    """Record every deadline event due by the business date once, escalate it, deliver, and keep review runs live."""
    open_records(current_settings())  # refuse an out-of-date schema before anything runs
    business_date = parse_as_of(as_of)
    from flows.statutory_clock import statutory_clock  # Prefect loads only when the clock really runs

    with prefect_calls():
        summary = statutory_clock(as_of=business_date)
    for line in summary_lines(summary):
        console.print(line)


def summary_lines(summary: dict[str, Any]) -> list[str]:
    """Return what the clock run did, in the operator's words (references, counts and reasons only)."""
    outbox, runs = summary["outbox"], summary["runs"]
    lines = [
        f"Clock {summary['business_date']}: {summary['new_events']} new events, "
        f"{summary['new_escalations']} new escalations; {summary['raised']} raised "
        f"({summary['notifications_queued']} notifications queued), {summary['superseded']} superseded by a later "
        f"step, {summary['cancelled']} cancelled (stage done).",
        f"Outbox: {outbox['sent']} sent, {outbox['retrying']} to retry later, {outbox['failed']} failed for good "
        "(operators told).",
        f"Review runs: {runs['live']} live, {len(runs['started'])} started, {len(runs['replaced'])} replaced, "
        f"{len(runs['could_not_start'])} could not start.",
    ]
    lines += [f"  {ref}: replaced ({why})" for ref, why in runs["replaced"].items()]
    lines += [f"  {ref}: the input its old run took is kept for the new run" for ref in runs.get("carried_over", [])]
    lines += [f"  {ref}: could not start: {why}" for ref, why in runs["could_not_start"].items()]
    if runs.get("problem"):
        lines.append(f"  {runs['problem']}")
    inbox = summary.get("inbox") or {}
    if inbox.get("handed_over"):
        counts = ", ".join(f"{count} {what}" for what, count in sorted(inbox["handed_over"].items()))
        lines.append(f"Inputs waiting in the inbox handed over: {counts}.")
    late = inbox.get("reported", [])
    lines += [f"  {ref}: an input not recorded within 30 minutes; the operators were told" for ref in late]
    return lines
