"""Guardrail: rules/ stays pure (STYLE.md section 12). Parses every module with ast."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

RULES = Path(__file__).parents[1] / "rules"
FORBIDDEN_IMPORTS = {"prefect", "sqlalchemy", "jinja2", "httpx", "os", "requests", "time"}
FORBIDDEN_CALLS = {"now", "today", "utcnow"}
MODULES = sorted(RULES.rglob("*.py"))


def imported_roots(tree: ast.AST) -> set[str]:
    roots = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            roots.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            roots.add(node.module.split(".")[0])
    return roots


def clock_calls(tree: ast.AST) -> list[str]:
    return [
        node.func.attr if isinstance(node.func, ast.Attribute) else node.func.id
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and (
            (isinstance(node.func, ast.Attribute) and node.func.attr in FORBIDDEN_CALLS)
            or (isinstance(node.func, ast.Name) and node.func.id in FORBIDDEN_CALLS)
        )
    ]


def test_rules_has_modules() -> None:
    assert len(MODULES) >= 10


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_rules_module_imports_nothing_impure(module: Path) -> None:
    tree = ast.parse(module.read_text(), filename=str(module))
    assert imported_roots(tree) & FORBIDDEN_IMPORTS == set()


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_rules_module_never_reads_the_clock(module: Path) -> None:
    tree = ast.parse(module.read_text(), filename=str(module))
    assert clock_calls(tree) == []


@pytest.mark.parametrize("module", MODULES, ids=lambda p: p.name)
def test_rules_module_opens_with_a_docstring_saying_pure(module: Path) -> None:
    if module.name == "__init__.py" or module.name == "errors.py":
        return
    docstring = ast.get_docstring(ast.parse(module.read_text())) or ""
    assert "Pure module" in docstring


def test_guard_catches_an_impure_module() -> None:
    """The guard itself can fail: a module that imports os and calls now() is caught."""
    tree = ast.parse("import os\nfrom datetime import datetime\nx = datetime.now()\n")
    assert "os" in imported_roots(tree) and clock_calls(tree) == ["now"]


# ---- layering (ARCHITECTURE.md "Dependency direction"; issue 9, house) ----

ROOT = Path(__file__).parents[1]


def _sources(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _imports_of(path: Path) -> set[str]:
    """Every module a file imports, top-level or inside a function (lazy imports count too)."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
    return found


def _roots(path: Path) -> set[str]:
    return {name.split(".")[0] for name in _imports_of(path)}


LAYER_RULES = {
    "records": {"notices", "tasks", "flows", "cli", "prefect", "deployments"},
    "tasks": {"flows", "cli", "deployments"},
    "notices": {"records", "tasks", "flows", "cli", "prefect", "sqlalchemy"},
}


@pytest.mark.parametrize(
    ("package", "path"),
    [(package, path) for package in LAYER_RULES for path in _sources(package)],
    ids=lambda value: value if isinstance(value, str) else str(value.relative_to(ROOT)),
)
def test_each_layer_imports_only_what_sits_below_it(package: str, path: Path) -> None:
    assert _roots(path) & LAYER_RULES[package] == set()


def test_flows_holds_flows_only() -> None:
    """Every module of flows/ defines a flow, or is the flows' own forms or business date (no service code)."""
    helpers = {"__init__.py", "inputs.py", "forms.py", "clock.py", "business_date.py"}
    for path in _sources("flows"):
        if path.name in helpers:
            continue
        assert "@flow(" in path.read_text(encoding="utf-8"), f"{path.name} in flows/ defines no flow"


def test_only_the_entry_points_import_flows() -> None:
    allowed = {"flows", "cli", "deployments", "bench", "tests", "portal"}
    for path in ROOT.rglob("*.py"):
        relative = path.relative_to(ROOT)
        if relative.parts[0] in allowed or relative.parts[0].startswith("."):
            continue
        assert "flows" not in _roots(path), f"{relative} imports flows/"


def test_the_layer_guard_can_fail() -> None:
    """A records module that imports notices would be caught."""
    tree = ast.parse("from notices.planning import PlannedNotification\n")
    assert imported_roots(tree) & LAYER_RULES["records"] == {"notices"}
