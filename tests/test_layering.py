"""Guardrails for the house's layering (ARCHITECTURE.md): who may import whom, and a Prefect-free CLI."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.test_architecture import imported_roots

ROOT = Path(__file__).parents[1]
BELOW_FLOWS = sorted(
    path for package in ("tasks", "records", "notices", "reports", "rules") for path in (ROOT / package).rglob("*.py")
)


@pytest.mark.parametrize("module", BELOW_FLOWS, ids=lambda p: str(p.relative_to(ROOT)))
def test_nothing_below_the_flows_imports_them(module: Path) -> None:
    assert "flows" not in imported_roots(ast.parse(module.read_text()))


def test_records_never_import_prefect() -> None:
    for module in (ROOT / "records").rglob("*.py"):
        assert "prefect" not in imported_roots(ast.parse(module.read_text())), module


PREFECT_FREE = """
import sys
import cli.main
from typer.testing import CliRunner
CliRunner().invoke(cli.main.app, ["deadlines", "--help"])
loaded = sorted(name for name in sys.modules if name == "prefect" or name.startswith("prefect."))
print(len(loaded))
"""


def test_the_cli_starts_without_importing_prefect() -> None:
    """`ehcp deadlines`, `reviews`, `report` and `import` start in well under a second: no Prefect import."""
    out = subprocess.run([sys.executable, "-c", PREFECT_FREE], capture_output=True, text=True, cwd=ROOT, check=True)
    assert out.stdout.strip() == "0", out.stderr
