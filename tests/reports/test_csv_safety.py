"""CSV cells a spreadsheet would run as formulas are escaped; everything else is written as it is."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest

from reports.csv_safety import csv_text, safe_cell


@pytest.mark.parametrize(
    ("value", "cell"),
    [
        ("=HYPERLINK(\"x\")", "'=HYPERLINK(\"x\")"),
        ("+44 1603", "'+44 1603"),
        ("-1", "'-1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ("\tcmd", "'\tcmd"),
        ("\rcmd", "'\rcmd"),
        ("AR-2026-00001", "AR-2026-00001"),  # a dash inside is harmless
        ("", ""),
        (None, ""),
        (12, "12"),
        (-3, "'-3"),  # a negative number is text to the reader: escaped like any other leading minus
        (date(2026, 1, 15), "2026-01-15"),
    ],
)
def test_safe_cell_escapes_only_formula_starts(value: object, cell: str) -> None:
    assert safe_cell(value) == cell


def test_csv_text_escapes_header_and_cells_and_round_trips() -> None:
    text = csv_text(["ref", "=note"], [["R1", "=1+1"], ["R2", 'a "quoted", value']])
    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [["ref", "'=note"], ["R1", "'=1+1"], ["R2", 'a "quoted", value']]
    assert text.endswith("\n") and "\r\n" not in text
