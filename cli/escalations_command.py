"""``ehcp escalations``: what the statutory clock recorded and what was sent to whom, when, and how it went."""

from __future__ import annotations

import json
import sys
from datetime import datetime
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from cli.deadlines_command import TABLE_WIDTH
from cli.errors import fail
from cli.records_access import current_settings, open_records
from records.escalation_log import EventLine, SentLine, escalation_log
from records.session import session_scope
from rules.errors import Problem
from rules.facts_input import parse_date


def _instant(value: datetime | None) -> str | None:
    return value.isoformat(timespec="seconds") if value is not None else None


def _sent_json(sent: SentLine) -> dict[str, Any]:
    return {
        "notification_id": sent.notification_id,
        "kind": sent.kind,
        "role": sent.role,
        "channel": sent.channel,
        "address": sent.address,
        "status": sent.status,
        "attempts": sent.attempts,
        "sent_at": _instant(sent.sent_at),
        "last_error": sent.last_error,
    }


def as_json(lines: list[EventLine]) -> dict[str, Any]:
    """Return the machine-readable list of events and their notifications."""
    return {
        "events": [
            {
                "reference": line.reference,
                "deadline_key": line.deadline_key,
                "ladder_step": line.ladder_step,
                "due_on": line.due_on.isoformat() if line.due_on else None,
                "event_status": line.event_status,
                "fired_at": _instant(line.fired_at),
                "escalated_to": line.escalated_to,
                "notifications": [_sent_json(sent) for sent in line.notifications],
            }
            for line in lines
        ]
    }


def _delivery(sent: SentLine) -> str:
    when = f" {sent.sent_at:%Y-%m-%d %H:%M}" if sent.sent_at else ""
    error = f" ({sent.last_error})" if sent.last_error and sent.status != "sent" else ""
    return f"{sent.status}{when}, {sent.attempts} attempt(s){error}"


def render(lines: list[EventLine], console: Console) -> None:
    """Print one row per notification, grouped under its event."""
    table = Table(title=f"Clock events and escalations ({len(lines)})", title_justify="left")
    for column in ("Reference", "Deadline", "Step", "Due", "Event", "To (role)", "Channel", "Address", "Delivery"):
        table.add_column(column, no_wrap=column in ("Reference", "Due", "Address", "To (role)"))
    for line in lines:
        event = (
            line.reference,
            line.deadline_key,
            line.ladder_step,
            line.due_on.isoformat() if line.due_on else "-",
            line.event_status or "-",
        )
        if not line.notifications:
            table.add_row(*event, "-", "-", "-", "nothing queued")
        for number, sent in enumerate(line.notifications):
            shown = event if number == 0 else ("", "", "", "", "")
            table.add_row(*shown, sent.role, sent.channel, sent.address or "-", _delivery(sent))
    console.print(table)


def escalations(
    review: Annotated[str | None, typer.Option("--review", help="Only this review's reference.")] = None,
    since: Annotated[str | None, typer.Option("--since", help="Only events due on or after YYYY-MM-DD.")] = None,
    as_json_flag: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List recorded clock events and escalations with what was sent to whom, when, and its delivery status."""
    try:
        since_on = parse_date(since) if since is not None else None
    except ValueError as exc:
        raise fail("bad option", [Problem("--since", str(exc))]) from None
    with session_scope(open_records(current_settings())) as session:
        lines = escalation_log(session, reference=review, since=since_on)
    if as_json_flag:
        typer.echo(json.dumps(as_json(lines), indent=2))
    else:
        render(lines, Console(highlight=False, width=TABLE_WIDTH if not sys.stdout.isatty() else None))
