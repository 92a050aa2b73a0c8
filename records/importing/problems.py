"""What is wrong with an import file, row by row, and the error that refuses the whole file."""

from __future__ import annotations

from dataclasses import dataclass

# Columns whose values are personal data: a problem report names the column but never echoes the value.
PERSONAL_COLUMNS = frozenset({"given_name", "family_name"})
PERSONAL_SUFFIXES = ("_given_name", "_family_name", "_address", "_postcode", "_email", "_phone")
"""The family columns' personal fields (``records.importing.family_columns``): withheld the same way."""


@dataclass(frozen=True, slots=True)
class RowProblem:
    """One problem: the file's row number (the header is row 1), the column, the value and why it is wrong."""

    row: int
    column: str
    value: str
    reason: str

    def detail(self) -> str:
        """Return the problem without its row number: column, value (unless personal) and reason."""
        personal = self.column in PERSONAL_COLUMNS or self.column.endswith(PERSONAL_SUFFIXES)
        shown = "(withheld)" if personal else repr(self.value)
        return f"column {self.column}, value {shown}: {self.reason}"

    def __str__(self) -> str:
        return f"row {self.row}, {self.detail()}"


class ImportRejected(Exception):
    """The file has problems; nothing was imported. Carries every problem found."""

    def __init__(self, problems: list[RowProblem]) -> None:
        self.problems = tuple(problems)
        super().__init__(f"{len(problems)} problem(s); nothing imported")


@dataclass(frozen=True, slots=True)
class ImportSummary:
    """How many rows created, updated or left unchanged by one import."""

    created: int
    updated: int
    unchanged: int

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
