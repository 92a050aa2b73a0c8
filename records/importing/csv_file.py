"""Reading an import CSV: UTF-8 only, comma-separated, with the expected header; every problem collected.

Spreadsheets often save as Windows-1252 or with semicolons or tabs; those are named as such, so a
person knows which "Save as" option to pick, rather than seeing a wall of "missing column" errors.
"""

from __future__ import annotations

import csv
import difflib
import io
from collections.abc import Collection, Iterator
from dataclasses import dataclass
from pathlib import Path

from records.importing.problems import ImportRejected, RowProblem

WHOLE_FILE = "(file)"
_OTHER_DELIMITERS = {";": "semicolons", "\t": "tabs", "|": "vertical bars"}


@dataclass(frozen=True, slots=True)
class CsvRows:
    """The data rows of a file, each with its row number (the header is row 1)."""

    rows: tuple[tuple[int, dict[str, str]], ...]


def _decode(data: bytes) -> str:
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        row = data.count(b"\n", 0, exc.start) + 1
        bad = data[exc.start : exc.start + 1]
        raise ImportRejected(
            [RowProblem(row, WHOLE_FILE, repr(bad), "the file is not UTF-8 text: save it as 'CSV UTF-8'")]
        ) from None


def _delimiter_problem(header_line: str) -> RowProblem | None:
    if "," in header_line:
        return None
    for delimiter, name in _OTHER_DELIMITERS.items():
        if delimiter in header_line:
            return RowProblem(1, WHOLE_FILE, header_line[:60], f"columns are separated by {name}: use commas")
    return None


def _header_problems(header: list[str], required: Collection[str], optional: Collection[str]) -> list[RowProblem]:
    known = [*required, *optional]
    problems = [RowProblem(1, name, "", "missing column") for name in required if name not in header]
    for name in header:
        if name not in known:
            near = difflib.get_close_matches(name, known, n=1)
            hint = f"did you mean '{near[0]}'?" if near else "not a column of this file"
            problems.append(RowProblem(1, name, name, f"unknown column; {hint}"))
    seen: set[str] = set()
    for name in header:
        if name in seen:
            problems.append(RowProblem(1, name, name, "column appears twice"))
        seen.add(name)
    return problems


def _records(reader: Iterator[list[str]], problems: list[RowProblem]) -> Iterator[tuple[int, list[str]]]:
    """Yield each data row with its number; a row with a cell past the csv module's size limit is a problem
    naming the row (the file is refused, and reading goes on so every other problem is named too)."""
    number = 1
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger than field limit" not in str(exc):
                raise ImportRejected([RowProblem(number, WHOLE_FILE, "", f"not readable as CSV ({exc})")]) from None
            limit = csv.field_size_limit()
            problems.append(
                RowProblem(number, WHOLE_FILE, "", f"a cell is longer than {limit:,} characters: no cell may be")
            )
            continue
        yield number, cells


def read_csv(path: Path, required: Collection[str], optional: Collection[str] = ()) -> CsvRows:
    """Return the file's rows keyed by column; raise ImportRejected naming every file-level problem."""
    text = _decode(path.read_bytes())
    first_line = text.split("\n", 1)[0]
    problem = _delimiter_problem(first_line)
    if problem is not None:
        raise ImportRejected([problem])
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [name.strip() for name in next(reader, [])]
    if not header:
        raise ImportRejected([RowProblem(1, WHOLE_FILE, "", "the file is empty: expected a header row")])
    problems = _header_problems(header, required, optional)
    rows = []
    for number, cells in _records(reader, problems):
        if not any(cell.strip() for cell in cells):
            continue
        if len(cells) != len(header):
            problems.append(
                RowProblem(number, WHOLE_FILE, f"{len(cells)} cells", f"expected {len(header)} cells like the header")
            )
            continue
        rows.append((number, {name: cell.strip() for name, cell in zip(header, cells, strict=True)}))
    if problems:
        raise ImportRejected(problems)
    return CsvRows(tuple(rows))
