"""The settings file: one row per school, college or early-years provider (README "Settings file")."""

from __future__ import annotations

import re
from typing import Any, Final

from records.importing.cells import RowReader
from records.importing.csv_file import CsvRows
from records.importing.problems import ImportRejected, RowProblem
from records.models import Phase

SETTINGS_COLUMNS: Final = ("urn", "name", "phase")
SETTINGS_OPTIONAL_COLUMNS: Final = ("senco_name", "senco_email", "head_teacher_name", "head_teacher_email")
_URN = re.compile(r"^[A-Za-z]{0,2}\d{5,8}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


def _email(reader: RowReader, column: str) -> str | None:
    value = reader.text(column, max_length=254)
    if value is not None and not _EMAIL.match(value):
        reader.problem(column, "not an email address")
        return None
    return value


def _urn(reader: RowReader) -> str | None:
    value = reader.text("urn", required=True, max_length=12)
    if value is not None and not _URN.match(value):
        reader.problem("urn", "a URN is 5-8 digits, optionally after a letter prefix such as EY")
        return None
    return value.upper() if value else None


def setting_values(rows: CsvRows) -> list[dict[str, Any]]:
    """Return the column values of every setting row; raise ImportRejected naming every bad row."""
    problems: list[RowProblem] = []
    found: list[dict[str, Any]] = []
    first_row_of: dict[str, int] = {}
    for number, cells in rows.rows:
        reader = RowReader(number, cells, problems)
        urn = _urn(reader)
        values = {
            "urn": urn,
            "name": reader.text("name", required=True),
            "phase": reader.choice("phase", Phase, required=True),
            "senco_name": reader.text("senco_name"),
            "senco_email": _email(reader, "senco_email"),
            "head_teacher_name": reader.text("head_teacher_name"),
            "head_teacher_email": _email(reader, "head_teacher_email"),
        }
        if urn is not None and urn in first_row_of:
            reader.problem("urn", f"duplicate URN: already on row {first_row_of[urn]}")
        elif urn is not None:
            first_row_of[urn] = number
        found.append({**values, "phase": str(values["phase"]) if values["phase"] else None})
    if problems:
        raise ImportRejected(problems)
    return found
