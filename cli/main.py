"""The ``ehcp`` command line (typer): one subcommand per module, wired here."""

from __future__ import annotations

import typer

from cli.clock_command import clock
from cli.db_command import db_app
from cli.deadlines_command import deadlines
from cli.demo_command import demo_data
from cli.doctor_command import doctor
from cli.escalations_command import escalations
from cli.import_command import import_app
from cli.input_commands import decide, issue, submit_app
from cli.letters_command import letters_app
from cli.record_commands import amendment_notice, interim_review, mediation_certificate, named_institution
from cli.report_command import report_app
from cli.reviews_command import reviews
from cli.run_commands import start, status
from cli.termly_command import termly_list_command
from cli.transfer_command import transfer_in
from cli.users_command import portal, users_app

app = typer.Typer(
    name="ehcp",
    help="EHCP annual reviews: statutory deadlines, reviews and escalations.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)
app.command("deadlines")(deadlines)
app.command("reviews")(reviews)
app.command("demo-data")(demo_data)
app.command("start")(start)
app.command("clock")(clock)
app.command("status")(status)
app.add_typer(submit_app, name="submit")
app.command("decide")(decide)
app.command("issue")(issue)
app.command("amendment-notice")(amendment_notice)
app.command("mediation-certificate")(mediation_certificate)
app.command("interim-review")(interim_review)
app.command("named-institution")(named_institution)
app.command("transfer-in")(transfer_in)
app.command("escalations")(escalations)
app.add_typer(db_app, name="db")
app.add_typer(import_app, name="import")
app.add_typer(report_app, name="report")
app.command("termly-list")(termly_list_command)
app.add_typer(users_app, name="users")
app.command("portal")(portal)
app.command("doctor")(doctor)
app.add_typer(letters_app, name="letters")


@app.callback()
def main() -> None:
    """EHCP annual reviews: every statutory deadline visible, escalated the day it is missed."""
