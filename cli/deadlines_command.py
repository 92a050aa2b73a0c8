"""``ehcp deadlines FILE``: the deadline table (or JSON) of one review's facts."""

from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.console import Console
from rich.table import Table

from cli.deadline_view import DeadlineView, as_json, deadline_view
from cli.errors import fail
from rules.bank_holidays import england_and_wales_working_days
from rules.errors import FactsError, Problem
from rules.facts import ReviewFacts
from rules.facts_input import parse_date, review_facts_from
from rules.labels import OWNER_LABELS
from rules.rule_set import ENGLAND_2014, CycleAnchor
from rules.status import Status
from services.wall_clock import today_in_london

TABLE_WIDTH = 150  # piped output is not squeezed to 80 columns

STATUS_STYLES = {
    Status.MET: "green",
    Status.MET_LATE: "yellow",
    Status.BREACH: "bold red",
    Status.DONE: "green",
    Status.OPEN: "",
    Status.DUE_SOON: "bold yellow",
    Status.MISSED: "bold red",
    Status.UPCOMING: "dim",
    Status.PASSED: "dim",
}


MAX_INT_DIGITS = 12
"""No fact is a longer number: a year has 4 digits. Longer ones are refused before Python converts them."""


def _unique_keys(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    """Return an object's fields; refuse one that gives a field twice (JSON would silently keep the last)."""
    found: dict[str, Any] = {}
    for key, value in pairs:
        if key in found:
            raise ValueError(f"the field {key!r} is given twice: give each field once")
        found[key] = value
    return found


def _bounded_int(digits: str) -> int:
    if len(digits.lstrip("-")) > MAX_INT_DIGITS:
        raise ValueError(f"a number of {len(digits):,} digits where a year of 4 is expected")
    return int(digits)


def read_facts(path: Path) -> ReviewFacts:
    """Return the facts in a JSON file, or raise the CLI's exit with every problem named."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise fail(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise fail(f"{path}: cannot read it as UTF-8 text ({exc})") from None
    try:
        data = json.loads(text, object_pairs_hook=_unique_keys, parse_int=_bounded_int)
    except json.JSONDecodeError as exc:
        raise fail(f"{path}: not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    except RecursionError:
        raise fail(f"{path}: not review facts: nested too deeply (objects or lists inside thousands of others)") \
            from None
    except ValueError as exc:  # a duplicate key or an overlong number, from the hooks below
        raise fail(f"{path}: not review facts: {exc}") from None
    try:
        return review_facts_from(data)
    except FactsError as exc:
        count = len(exc.problems)
        headline = f"{path}: {count} problem{'s' if count != 1 else ''} with the review's facts"
        raise fail(headline, exc.problems) from None


def parse_as_of(value: str | None) -> date:
    """Return the business date given by ``--as-of``, or today in London."""
    if value is None:
        return today_in_london()
    try:
        return parse_date(value)
    except ValueError as exc:
        raise fail("bad option", [Problem("--as-of", str(exc))]) from None


def render_table(view: DeadlineView, console: Console) -> None:
    """Print the caseworker's table: date, weekday, who owes it, status and legal source."""
    table = Table(title=f"Deadlines as of {view.as_of:%a %d %b %Y} (stage: {view.stage})", title_justify="left")
    for column in ("Deadline", "Date", "Day", "Owed by", "Status", "Source"):
        table.add_column(column, no_wrap=column in ("Date", "Day", "Status"))
    for row in view.rows:
        due = row.deadline.due_on
        status = str(row.status) + (f" ({row.done_on:%d %b})" if row.done_on else "")
        style = STATUS_STYLES[row.status]
        table.add_row(
            row.label,
            due.isoformat(),
            f"{due:%a}",
            OWNER_LABELS[str(row.deadline.owner)],
            f"[{style}]{status}[/]" if style else status,
            row.deadline.citation,
        )
    console.print(table)
    for row in view.rows:
        if row.warning:
            console.print(f"[bold red]warning:[/] {row.label}: {row.warning}")
    rule_set = view.rule_set
    console.print(f"Rule set {rule_set.name} v{rule_set.version}; cycle anchor: previous {rule_set.cycle_anchor}.")


def deadlines(
    file: Annotated[Path, typer.Argument(help="JSON file with the facts of one review (see README).")],
    as_json_flag: Annotated[bool, typer.Option("--json", help="Print the JSON contract instead of a table.")] = False,
    cycle_anchor: Annotated[
        CycleAnchor, typer.Option("--cycle-anchor", help="Count the cycle from the previous decision or meeting.")
    ] = CycleAnchor.DECISION,
    as_of: Annotated[
        str | None, typer.Option("--as-of", help="Business date YYYY-MM-DD for statuses (default: today in London).")
    ] = None,
) -> None:
    """Show every statutory deadline of one review, who owes it and where it stands."""
    facts = read_facts(file)
    today = parse_as_of(as_of)
    rule_set = ENGLAND_2014.with_settings(cycle_anchor=cycle_anchor)
    view = deadline_view(facts, rule_set, today, england_and_wales_working_days())
    if as_json_flag:
        typer.echo(json.dumps(as_json(view), indent=2))
    else:
        render_table(view, Console(highlight=False, width=TABLE_WIDTH if not sys.stdout.isatty() else None))
