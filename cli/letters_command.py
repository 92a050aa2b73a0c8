"""``ehcp letters``: the post room's print batch of a day, and its confirmation that the letters were posted."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.deadlines_command import parse_as_of
from cli.records_access import current_settings, open_records
from records.session import session_scope
from records.system_time import system_now
from services.print_batches import batch_of, mark_posted

letters_app = typer.Typer(help="Posted letters: a day's print batch and its posting.", no_args_is_help=True)

Day = Annotated[str | None, typer.Argument(help="The batch's date, YYYY-MM-DD (default: today in London).")]


@letters_app.command("batch")
def batch(day: Day = None) -> None:
    """List the letters in a day's print batch (outbox row, review, kind, file); nothing personal is printed."""
    on = parse_as_of(day)
    settings = current_settings()
    with session_scope(open_records(settings)) as session:
        lines = batch_of(session, on)
    for line in lines:
        posted = f"posted {line.posted_at:%Y-%m-%d %H:%M}" if line.posted_at else "not yet posted"
        typer.echo(f"{line.notification_id}\t{line.reference}\t{line.kind}\t{line.file_name}\t{posted}")
    typer.echo(f"{len(lines)} letter(s) in the print batch of {on}")


@letters_app.command("posted")
def posted(day: Day = None) -> None:
    """Record that every letter in a day's print batch was posted (the post room's confirmation)."""
    on = parse_as_of(day)
    settings = current_settings()
    with session_scope(open_records(settings)) as session:
        count = mark_posted(session, on, now=system_now(), actor=settings.actor)
    typer.echo(f"{count} letter(s) of the print batch of {on} recorded as posted")
