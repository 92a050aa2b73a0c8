"""``ehcp reviews``: the caseload, each review's stage, next deadline, who owes it and how long is left."""

from __future__ import annotations

import json
import sys
from dataclasses import dataclass
from datetime import date
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from cli.deadlines_command import TABLE_WIDTH, parse_as_of
from cli.errors import fail
from cli.records_access import current_settings, open_records
from records.queries import ReviewFilter, ReviewLine, review_lines
from records.session import session_scope
from rules.errors import Problem
from rules.facts_input import parse_date
from rules.labels import LABELS, OWNER_LABELS
from rules.stages import Stage


@dataclass(frozen=True, slots=True)
class ListedReview:
    """A review line with its days left (negative when overdue) on the business date."""

    line: ReviewLine
    days_left: int | None


def _stage_label(stage: int | None) -> str:
    return f"{stage} {Stage(stage).label}" if stage is not None else "complete"


def _days_text(days: int | None) -> str:
    if days is None:
        return "-"
    if days < 0:
        return f"[bold red]{-days} overdue[/]"
    return f"{days} left" if days != 0 else "[bold yellow]due today[/]"


def _date_option(name: str, value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return parse_date(value)
    except ValueError as exc:
        raise fail("bad option", [Problem(name, str(exc))]) from None


def render(listed: list[ListedReview], today: date, console: Console) -> None:
    """Print the caseload table."""
    table = Table(title=f"Reviews as of {today:%a %d %b %Y} ({len(listed)})", title_justify="left")
    for column in ("Reference", "Setting", "Stage", "Next deadline", "Due", "Owed by", "Days"):
        table.add_column(column, no_wrap=column in ("Reference", "Due", "Days"))
    for item in listed:
        line = item.line
        key = line.next_deadline_key
        table.add_row(
            line.reference,
            f"{line.setting_urn} {line.setting_name}",
            _stage_label(line.stage),
            LABELS.get(key, key) if key else "-",
            line.next_due_on.isoformat() if line.next_due_on else "-",
            OWNER_LABELS.get(line.next_owner, line.next_owner) if line.next_owner else "-",
            _days_text(item.days_left),
        )
    console.print(table)


def as_json(listed: list[ListedReview], today: date) -> dict[str, Any]:
    """Return the machine-readable caseload list."""
    return {
        "as_of": today.isoformat(),
        "reviews": [
            {
                "reference": item.line.reference,
                "setting_urn": item.line.setting_urn,
                "stage": item.line.stage,
                "next_deadline": item.line.next_deadline_key,
                "due_on": item.line.next_due_on.isoformat() if item.line.next_due_on else None,
                "owner": item.line.next_owner,
                "days_left": item.days_left,
            }
            for item in listed
        ],
    }


def reviews(
    setting: Annotated[str | None, typer.Option("--setting", help="Only this setting's URN.")] = None,
    stage: Annotated[int | None, typer.Option("--stage", min=1, max=5, help="Only reviews in stage 1-5.")] = None,
    overdue: Annotated[bool, typer.Option("--overdue", help="Only reviews whose next deadline has passed.")] = False,
    due_before: Annotated[
        str | None, typer.Option("--due-before", help="Only reviews whose next deadline is before YYYY-MM-DD.")
    ] = None,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Business date YYYY-MM-DD (default: today in London).")
    ] = None,
    limit: Annotated[int | None, typer.Option("--limit", min=1, help="Show at most this many reviews.")] = None,
    as_json_flag: Annotated[bool, typer.Option("--json", help="Print JSON instead of a table.")] = False,
) -> None:
    """List reviews with their stage, next deadline, who owes it and the days left or overdue."""
    today = parse_as_of(as_of)
    before = _date_option("--due-before", due_before)
    wanted = ReviewFilter(setting, stage, today if overdue else None, before, limit)
    with session_scope(open_records(current_settings())) as session:
        lines = review_lines(session, wanted)
    listed = [ListedReview(ln, (ln.next_due_on - today).days if ln.next_due_on else None) for ln in lines]
    if as_json_flag:
        typer.echo(json.dumps(as_json(listed, today), indent=2))
    else:
        render(listed, today, Console(highlight=False, width=TABLE_WIDTH if not sys.stdout.isatty() else None))
