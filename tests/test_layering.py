"""Guardrails for the house's layering (ARCHITECTURE.md "Dependency direction"): who may import whom, the service
layer free of Prefect at import, the doors on the services only, and a Prefect-free front door and CLI start."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_architecture import imported_roots

ROOT = Path(__file__).parents[1]
PACKAGES = ("rules", "records", "notices", "reports", "services", "tasks", "flows", "portal", "cli", "deployments")

FORBIDDEN = {
    "records": {"notices", "services", "tasks", "flows", "portal", "cli", "deployments", "prefect"},
    "notices": {"records", "services", "tasks", "flows", "portal", "cli", "deployments", "prefect", "sqlalchemy"},
    "reports": {"services", "tasks", "flows", "portal", "cli", "deployments", "prefect"},
    "services": {"tasks", "flows", "portal", "cli", "deployments"},
    "tasks": {"flows", "portal", "cli", "deployments"},
    "flows": {"portal", "cli", "deployments"},
    "portal": {"tasks", "flows", "cli", "deployments", "prefect"},
    "cli": {"tasks", "deployments"},
}
"""What each package may not import, at the top of a module or inside a function (lazy imports count too)."""


def _sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _all_roots(path: Path) -> set[str]:
    """Every package a file imports, anywhere in it."""
    return imported_roots(ast.parse(path.read_text(encoding="utf-8")))


def _run_at_import(body: list[ast.stmt]) -> list[ast.stmt]:
    """The statements that run when a module is imported: not function or class bodies, not TYPE_CHECKING."""
    found: list[ast.stmt] = []
    for node in body:
        if isinstance(node, ast.If) and "TYPE_CHECKING" not in ast.unparse(node.test):
            found += _run_at_import(node.body) + _run_at_import(node.orelse)
        elif isinstance(node, ast.Try):
            found += _run_at_import(node.body) + _run_at_import(node.finalbody)
        elif isinstance(node, ast.Import | ast.ImportFrom):
            found.append(node)
    return found


def _module_level_roots(path: Path) -> set[str]:
    """The packages a file imports when it is imported."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return imported_roots(ast.Module(body=_run_at_import(tree.body), type_ignores=[]))


@pytest.mark.parametrize(
    ("package", "path"),
    [(package, path) for package in FORBIDDEN for path in _sources(package)],
    ids=lambda value: value if isinstance(value, str) else str(value.relative_to(ROOT)),
)
def test_each_layer_imports_only_what_sits_below_it(package: str, path: Path) -> None:
    assert _all_roots(path) & FORBIDDEN[package] == set()


@pytest.mark.parametrize("path", _sources("services"), ids=lambda p: p.name)
def test_the_service_layer_imports_no_prefect_at_import_time(path: Path) -> None:
    """Prefect is reached through ``services.runs``, which imports it inside the calls that need it."""
    assert "prefect" not in _module_level_roots(path)


@pytest.mark.parametrize("path", [p for p in _sources("tasks") if p.name not in ("__init__.py", "policies.py")],
                         ids=lambda p: p.name)  # fmt: skip
def test_every_module_of_tasks_defines_a_task(path: Path) -> None:
    """tasks/ holds Prefect's wrappers only; the work is in services/."""
    assert "@task(" in path.read_text(encoding="utf-8") or "task(" in path.read_text(encoding="utf-8")


def test_flows_holds_flows_only() -> None:
    for path in _sources("flows"):
        if path.name != "__init__.py":
            assert "@flow(" in path.read_text(encoding="utf-8"), f"{path.name} in flows/ defines no flow"


def test_only_the_entry_points_import_flows() -> None:
    allowed = {"flows", "cli", "deployments", "bench", "tests"}
    for package in PACKAGES:
        if package in allowed:
            continue
        for path in _sources(package):
            assert "flows" not in _all_roots(path), f"{path.relative_to(ROOT)} imports flows/"


def test_the_layer_guard_can_fail() -> None:
    """A records module that imports notices, or a service that imports Prefect at the top, would be caught."""
    assert imported_roots(ast.parse("from notices.planning import PlannedNotification\n")) & FORBIDDEN["records"]
    lazy = ast.parse("import json\ndef f():\n    from prefect import flow\n")
    assert imported_roots(ast.Module(body=_run_at_import(lazy.body), type_ignores=[])) == {"json"}
    eager = ast.parse("from prefect import task\n")
    assert imported_roots(ast.Module(body=_run_at_import(eager.body), type_ignores=[])) == {"prefect"}


def _prefect_modules_after(code: str) -> str:
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return out.stdout.strip()


COUNT_PREFECT = "\nprint(len([n for n in sys.modules if n == 'prefect' or n.startswith('prefect.')]))"


def test_the_cli_starts_without_importing_prefect() -> None:
    """`ehcp deadlines`, `reviews`, `report` and `import` start in well under a second: no Prefect import."""
    code = (
        "import sys\nimport cli.main\nfrom typer.testing import CliRunner\n"
        "CliRunner().invoke(cli.main.app, ['deadlines', '--help'])" + COUNT_PREFECT
    )
    assert _prefect_modules_after(code) == "0"


def test_ehcp_deadlines_loads_only_the_date_rules() -> None:
    """`ehcp deadlines` imports its own command, not the records database, Alembic or the other commands."""
    code = (
        "import sys\nimport cli.main\nfrom typer.testing import CliRunner\n"
        "CliRunner().invoke(cli.main.app, ['deadlines', 'examples/review.json'])\n"
        "heavy = ('sqlalchemy', 'alembic', 'prefect', 'records', 'cli.clock_command', 'cli.import_command')\n"
        "print(sorted({n if n.startswith('cli.') else n.split('.')[0]\n"
        "              for n in sys.modules if n.startswith(heavy)}))"
    )
    assert _prefect_modules_after(code) == "[]"


def test_every_subcommand_is_listed_and_loads() -> None:
    """The lazily wired command line still lists and loads every subcommand (a wrong module path fails here)."""
    from cli.main import SUBCOMMANDS, load_subcommand

    for name in SUBCOMMANDS:
        assert load_subcommand(name).name == name


def test_the_front_door_and_every_service_import_without_prefect() -> None:
    """`ehcp portal` starts without Prefect: it is loaded only when a page first talks to a review's run."""
    services = " ".join(f"services.{p.stem}" for p in _sources("services") if p.stem != "__init__")
    code = "import sys, importlib\nimport portal.app\n" + f"for name in '{services}'.split():\n"
    code += "    importlib.import_module(name)"
    assert _prefect_modules_after(code + COUNT_PREFECT) == "0"
