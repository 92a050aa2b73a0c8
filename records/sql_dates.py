"""Date arithmetic in SQL that reads the same on SQLite and PostgreSQL.

Reports aggregate in the database, so day counts and calendar months must be SQL expressions;
the two backends spell them differently, and these constructs hide that.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Integer, String
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.expression import FunctionElement

__all__ = ["days_between", "year_month"]


class days_between(FunctionElement[int]):
    """``days_between(later, earlier)``: whole days from ``earlier`` to ``later`` (negative if before)."""

    type = Integer()
    inherit_cache = True


class year_month(FunctionElement[str]):
    """``year_month(day)``: the calendar month of a date as ``YYYY-MM``."""

    type = String()
    inherit_cache = True


def _args(element: Any, compiler: Any, **kw: Any) -> list[str]:
    return [compiler.process(arg, **kw) for arg in element.clauses]


@compiles(days_between, "sqlite")
def _days_between_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    later, earlier = _args(element, compiler, **kw)
    return f"CAST(julianday({later}) - julianday({earlier}) AS INTEGER)"


@compiles(days_between, "postgresql")
def _days_between_postgresql(element: Any, compiler: Any, **kw: Any) -> str:
    later, earlier = _args(element, compiler, **kw)
    return f"(CAST({later} AS DATE) - CAST({earlier} AS DATE))"


@compiles(year_month, "sqlite")
def _year_month_sqlite(element: Any, compiler: Any, **kw: Any) -> str:
    (day,) = _args(element, compiler, **kw)
    return f"strftime('%Y-%m', {day})"


@compiles(year_month, "postgresql")
def _year_month_postgresql(element: Any, compiler: Any, **kw: Any) -> str:
    (day,) = _args(element, compiler, **kw)
    return f"to_char({day}, 'YYYY-MM')"
