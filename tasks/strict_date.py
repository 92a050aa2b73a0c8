"""One date type for every door: exactly ``YYYY-MM-DD`` in ASCII digits, nothing else (README, "Dates").

pydantic's own ``date`` is lax: it takes a Unix timestamp (``1803427200`` became 24 February 2027 at
``ehcp submit``), ``20270201``, or a datetime at midnight. ``StrictDate`` refuses all of them with the
rules' own message (``rules.facts_input.parse_date``: shape, real day, 1990-2100), and takes a ``date``
value as it is (code passing dates, a form re-validated). Its JSON schema stays ``format: date``, so the
Prefect UI still shows a date picker.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated

from pydantic import BeforeValidator
from pydantic_core import PydanticCustomError

from rules.facts_input import parse_date

__all__ = ["StrictDate", "strict_date"]


def strict_date(value: object) -> date:
    """Return ``value`` as a date if it is a date or strict ``YYYY-MM-DD`` text; raise ValueError otherwise."""
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    return parse_date(value)


def _validated(value: object) -> date:
    try:
        return strict_date(value)
    except ValueError as exc:  # the rules' message as it is, without pydantic's "Value error, " prefix
        raise PydanticCustomError("strict_date", "{reason}", {"reason": str(exc)}) from None


StrictDate = Annotated[date, BeforeValidator(_validated)]
"""A calendar date given exactly as ``YYYY-MM-DD`` (or as a ``date``); a number, a datetime or any other shape is
refused."""
