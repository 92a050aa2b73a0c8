"""The ``ehcp`` command line (typer): one subcommand per module, wired here and imported only when used.

Each subcommand's module is imported when that subcommand runs (or ``--help`` lists it), so that
``ehcp deadlines`` loads the date rules and not the records database, Alembic or Prefect: it answers
in a fraction of the time ``import prefect`` takes (issue 22, "fast developer loops").
"""

from __future__ import annotations

from collections.abc import Iterator, MutableMapping
from importlib import import_module
from typing import Any

import typer
from typer._click import Command  # typer's own click (it vendors one)
from typer.core import TyperGroup

# name -> (module, attribute): a function becomes a command, a typer.Typer a group. Listed in help order.
SUBCOMMANDS: dict[str, tuple[str, str]] = {
    "deadlines": ("cli.deadlines_command", "deadlines"),
    "reviews": ("cli.reviews_command", "reviews"),
    "demo-data": ("cli.demo_command", "demo_data"),
    "start": ("cli.run_commands", "start"),
    "clock": ("cli.clock_command", "clock"),
    "status": ("cli.run_commands", "status"),
    "submit": ("cli.input_commands", "submit_app"),
    "decide": ("cli.input_commands", "decide"),
    "issue": ("cli.input_commands", "issue"),
    "amendment-notice": ("cli.record_commands", "amendment_notice"),
    "mediation-certificate": ("cli.record_commands", "mediation_certificate"),
    "interim-review": ("cli.record_commands", "interim_review"),
    "named-institution": ("cli.record_commands", "named_institution"),
    "transfer-in": ("cli.transfer_command", "transfer_in"),
    "escalations": ("cli.escalations_command", "escalations"),
    "db": ("cli.db_command", "db_app"),
    "import": ("cli.import_command", "import_app"),
    "report": ("cli.report_command", "report_app"),
    "termly-list": ("cli.termly_command", "termly_list_command"),
    "users": ("cli.users_command", "users_app"),
    "portal": ("cli.users_command", "portal"),
    "doctor": ("cli.doctor_command", "doctor"),
    "letters": ("cli.letters_command", "letters_app"),
}


def load_subcommand(name: str) -> Command:
    """Import one subcommand's module and return its click command (a group for a typer.Typer)."""
    module, attribute = SUBCOMMANDS[name]
    target: Any = getattr(import_module(module), attribute)
    if isinstance(target, typer.Typer):
        target.info.name = name
        return typer.main.get_group(target)  # as add_typer did: no completion options of its own
    single = typer.Typer(add_completion=False, pretty_exceptions_enable=False)
    single.command(name)(target)
    return typer.main.get_command(single)


class _Subcommands(MutableMapping[str, Command]):
    """The group's commands by name, each loaded on first use."""

    def __init__(self) -> None:
        self._loaded: dict[str, Command] = {}

    def __getitem__(self, name: str) -> Command:
        if name not in self._loaded:
            if name not in SUBCOMMANDS:
                raise KeyError(name)
            self._loaded[name] = load_subcommand(name)
        return self._loaded[name]

    def __setitem__(self, name: str, command: Command) -> None:
        self._loaded[name] = command

    def __delitem__(self, name: str) -> None:
        del self._loaded[name]

    def __iter__(self) -> Iterator[str]:
        yield from SUBCOMMANDS
        yield from (name for name in self._loaded if name not in SUBCOMMANDS)

    def __len__(self) -> int:
        return len(set(SUBCOMMANDS) | set(self._loaded))


class LazyGroup(TyperGroup):
    """The top-level group: subcommands come from ``SUBCOMMANDS`` as they are asked for."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.commands = _Subcommands()


app = typer.Typer(
    name="ehcp",
    cls=LazyGroup,
    help="EHCP annual reviews: statutory deadlines, reviews and escalations.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)


@app.callback()
def main() -> None:
    """EHCP annual reviews: every statutory deadline visible, escalated the day it is missed."""
