"""Reading one row's cells into typed values, collecting a RowProblem for every bad cell."""

from __future__ import annotations

from datetime import date
from enum import StrEnum
from typing import TypeVar

from records.importing.problems import RowProblem
from rules.facts_input import EARLIEST_DATE, LATEST_DATE, parse_date

_E = TypeVar("_E", bound=StrEnum)


class RowReader:
    """Typed access to a row's cells; problems accumulate in ``problems``."""

    def __init__(self, number: int, cells: dict[str, str], problems: list[RowProblem]) -> None:
        self.number = number
        self.cells = cells
        self.problems = problems
        self._first = len(problems)  # this row's problems are the ones added after this point

    def problem(self, column: str, reason: str) -> None:
        self.problems.append(RowProblem(self.number, column, self.cells.get(column, ""), reason))

    def has_problems(self) -> bool:
        """Return whether any problem was found on this row."""
        return len(self.problems) > self._first

    def problems_for(self, *columns: str) -> bool:
        """Return whether one of these columns of this row already has a problem."""
        return any(p.column in columns for p in self.problems[self._first :])

    def text(self, column: str, *, required: bool = False, max_length: int = 200) -> str | None:
        value = self.cells.get(column, "")
        if not value:
            if required:
                self.problem(column, "required: this cell is empty")
            return None
        if len(value) > max_length:
            self.problem(column, f"longer than {max_length} characters")
            return None
        return value

    def date(self, column: str, *, required: bool = False) -> date | None:
        value = self.cells.get(column, "")
        if not value:
            if required:
                self.problem(column, "required: give the date as YYYY-MM-DD")
            return None
        try:
            return parse_date(value)
        except ValueError as exc:
            self.problem(column, str(exc))
            return None

    def year(self, column: str) -> int | None:
        value = self.cells.get(column, "")
        if not value:
            return None
        if not (value.isascii() and value.isdigit()) or not EARLIEST_DATE.year <= int(value) <= LATEST_DATE.year:
            self.problem(column, f"expected a year such as 2027 ({EARLIEST_DATE.year}-{LATEST_DATE.year})")
            return None
        return int(value)

    def choice(self, column: str, enum: type[_E], *, required: bool = False) -> _E | None:
        value = self.cells.get(column, "")
        allowed = ", ".join(member.value for member in enum)
        if not value:
            if required:
                self.problem(column, f"required: one of {allowed}")
            return None
        try:
            return enum(value.lower())
        except ValueError:
            self.problem(column, f"unknown value; expected one of {allowed}")
            return None
