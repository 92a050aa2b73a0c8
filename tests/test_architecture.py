"""Guardrail: rules/ stays pure (STYLE.md section 12). Parses every module with ast; the house's layering is
``tests/test_layering.py``."""

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
