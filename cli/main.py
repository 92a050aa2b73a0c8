"""The ``ehcp`` command line (typer): one subcommand per module, wired here."""

from __future__ import annotations

import typer

from cli.deadlines_command import deadlines

app = typer.Typer(
    name="ehcp",
    help="EHCP annual reviews: statutory deadlines, reviews and escalations.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("deadlines")(deadlines)


@app.callback()
def main() -> None:
    """EHCP annual reviews: every statutory deadline visible, escalated the day it is missed."""
