"""``ehcp users`` (staff accounts of the front door) and ``ehcp portal`` (serve it)."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from cli.deadlines_command import TABLE_WIDTH
from cli.errors import fail
from cli.records_access import current_settings, open_records
from portal.accounts import AccountError, Role, add_user, create_api_token, disable_user, find_user, list_users
from records.session import session_scope
from rules.errors import Problem

users_app = typer.Typer(help="Staff accounts of the front door (web service).", no_args_is_help=True)
console = Console(highlight=False)
Email = Annotated[str, typer.Argument(help="The person's work email address.")]


def _account_error(exc: AccountError) -> typer.Exit:
    field, _, message = str(exc).partition(": ")
    return fail("nothing was changed", [Problem(field, message or str(exc))])


@users_app.command("add")
def add(
    email: Email,
    role: Annotated[Role, typer.Option("--role", help="setting, caseworker, manager or admin.")],
    setting: Annotated[list[str] | None, typer.Option("--setting", help="A setting URN (repeat for more).")] = None,
    password_stdin: Annotated[bool, typer.Option("--password-stdin", help="Read the password from stdin.")] = False,
) -> None:
    """Add a staff account; without --password-stdin it can sign in only through OpenID Connect."""
    password = sys.stdin.readline().rstrip("\r\n") if password_stdin else None
    try:
        with session_scope(open_records(current_settings())) as session:
            user = add_user(session, email, role, setting_urns=setting or (), password=password)
            staff_id = user.staff_id
    except AccountError as exc:
        raise _account_error(exc) from None
    console.print(f"Added {email.strip().lower()} ({role.value}); staff ID {staff_id}.")


@users_app.command("list")
def list_command() -> None:
    """List the staff accounts."""
    with session_scope(open_records(current_settings())) as session:
        rows = [(u.email, u.staff_id, u.role, ", ".join(u.setting_urns), "disabled" if u.disabled else "active",
                 "password" if u.password_hash else "OIDC only") for u in list_users(session)]
    table = Table(title=f"Staff accounts ({len(rows)})", title_justify="left")
    for column in ("Email", "Staff ID", "Role", "Settings", "Status", "Sign-in"):
        table.add_column(column)
    for row in rows:
        table.add_row(*row)
    Console(highlight=False, width=None if sys.stdout.isatty() else TABLE_WIDTH).print(table)


@users_app.command("disable")
def disable(email: Email) -> None:
    """Disable an account: its sessions and API tokens stop working at once."""
    try:
        with session_scope(open_records(current_settings())) as session:
            disable_user(session, email)
    except AccountError as exc:
        raise _account_error(exc) from None
    console.print(f"Disabled {email.strip().lower()}.")


@users_app.command("token")
def token(email: Email, label: Annotated[str, typer.Option("--label", help="What the token is for.")] = "api") -> None:
    """Make an API token for the account (printed once; only its digest is stored)."""
    with session_scope(open_records(current_settings())) as session:
        user = find_user(session, email)
        if user is None or user.disabled:
            raise fail("nothing was changed", [Problem("email", f"no enabled account for {email.strip().lower()}")])
        value = create_api_token(session, user, label)
    typer.echo(value)


DEMO_PASSWORD = "demo-password-change-me"


@users_app.command("demo")
def demo() -> None:
    """Add demo accounts (a SENCO, a caseworker, a manager) while there are no accounts; say which reviews to try.

    The SENCO looks after the demo setting with open reviews at stages 1, 2 and 3 (records.demo.walkthrough)."""
    import os

    from records.demo.walkthrough import walkthrough, walkthrough_for

    password = os.environ.get("EHCP_DEMO_PASSWORD", DEMO_PASSWORD)
    with session_scope(open_records(current_settings())) as session:
        users = list_users(session)
        if users:
            senco = next((u for u in users if u.role == Role.SETTING.value and u.email.endswith("@demo.invalid")
                          and not u.disabled), None)  # fmt: skip
            if senco is not None:
                _say_what_to_try(senco.email, walkthrough_for(session, senco.setting_urns))
            return
        plan = walkthrough(session)
        made: list[tuple[str, Role, tuple[str, ...]]] = [
            ("caseworker@demo.invalid", Role.CASEWORKER, ()),
            ("manager@demo.invalid", Role.MANAGER, ()),
        ]
        if plan is not None:
            made.insert(0, (f"senco.{plan.setting_urns[0].lower()}@demo.invalid", Role.SETTING, plan.setting_urns))
        for email, role, urns in made:
            add_user(session, email, role, setting_urns=urns, password=password)
    for email, role, _ in made:
        typer.echo(f"[ehcp] front door demo account: {email} ({role.value}), password {password}")
    if plan is not None:
        _say_what_to_try(made[0][0], plan.to_try)


STAGE_NAMES = {1: "preparation", 2: "the meeting", 3: "the meeting record"}


def _say_what_to_try(email: str, to_try: dict[int, str]) -> None:
    """Print the references the demo SENCO can take through each setting stage (references only: no names)."""
    if to_try:
        tries = ", ".join(f"{reference} (stage {stage}: {STAGE_NAMES[stage]})" for stage, reference in to_try.items())
        typer.echo(f"[ehcp] as {email}, try: {tries}")


def portal(
    host: Annotated[str | None, typer.Option("--host", help="Address to listen on (default 127.0.0.1).")] = None,
    port: Annotated[int | None, typer.Option("--port", help="Port (default 8000).")] = None,
) -> None:
    """Serve the front door (sign-in, reviews, meeting records, decisions) at http://127.0.0.1:8000."""
    import uvicorn

    from portal.settings import get_portal_settings

    settings = get_portal_settings()
    open_records(current_settings())  # refuses an old schema with the command to run
    uvicorn.run("portal.app:production_app", factory=True, host=host or settings.host, port=port or settings.port,
                log_level="info")
