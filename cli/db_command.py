"""``ehcp db``: create or update the records database's schema (the only command that may run on an old one)."""

from __future__ import annotations

from typing import Annotated

import typer

from cli.records_access import current_settings
from records.schema import current_revision, downgrade, head_revision, upgrade
from records.session import engine_for

db_app = typer.Typer(help="The records database: create or update its schema.", no_args_is_help=True)


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every pending migration to the records database (creating it if needed)."""
    engine = engine_for(current_settings())
    before = current_revision(engine)
    upgrade(engine)
    where = engine.url.render_as_string(hide_password=True)
    typer.echo(f"{where}: schema at revision {head_revision(engine)} (was {before or 'empty'})")


@db_app.command("current")
def db_current() -> None:
    """Show the schema revision of the records database and the one this version needs."""
    engine = engine_for(current_settings())
    typer.echo(f"database: {current_revision(engine) or 'empty'}; needed: {head_revision(engine)}")


@db_app.command("downgrade")
def db_downgrade(
    revision: Annotated[str, typer.Argument(help="Target revision; 'base' removes every table.")],
) -> None:
    """Revert the schema to an earlier revision (for rolling back a release)."""
    engine = engine_for(current_settings())
    downgrade(engine, revision)
    typer.echo(f"schema now at revision {current_revision(engine) or 'empty'}")
