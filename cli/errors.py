"""How the CLI reports a person's mistake: a list of problems, exit status 2, no traceback."""

from __future__ import annotations

from collections.abc import Iterable

import typer
from rich.console import Console

from rules.errors import Problem

USAGE_ERROR = 2


def fail(headline: str, problems: Iterable[Problem] = ()) -> typer.Exit:
    """Print the headline and every problem to stderr; return the Exit to raise."""
    console = Console(stderr=True, highlight=False, soft_wrap=True)
    console.print(f"[bold red]error:[/] {headline}", markup=True)
    for problem in problems:
        console.print(f"  - {problem.field}: {problem.message}", markup=False)
    return typer.Exit(code=USAGE_ERROR)
