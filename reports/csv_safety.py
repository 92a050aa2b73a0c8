"""CSV files a spreadsheet opens safely: every cell that a spreadsheet would read as a formula is escaped.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is prefixed with a single quote
(OWASP's "CSV injection" advice), so a value typed into the records (a URN, an identifier, a name) can never
run as a formula in the manager's spreadsheet. Dates are written ``YYYY-MM-DD`` unless the caller formats
them; ``None`` is an empty cell. Use ``csv_text`` for every CSV the engine writes.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Final

__all__ = ["FORMULA_STARTS", "csv_text", "safe_cell"]

FORMULA_STARTS: Final = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """Return the cell's text, with a leading single quote when a spreadsheet would read it as a formula."""
    if value is None:
        return ""
    text = value.isoformat() if isinstance(value, date) else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


def csv_text(header: Sequence[str], rows: Iterable[Sequence[object]]) -> str:
    """Return a header row and the rows as CSV (``\\n`` line ends), every cell passed through ``safe_cell``."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow([safe_cell(name) for name in header])
    writer.writerows([safe_cell(value) for value in row] for row in rows)
    return out.getvalue()
