"""The CLI's one reading of the wall clock: today's date in London, when no ``--as-of`` is given."""

from __future__ import annotations

from datetime import UTC, date, datetime

from rules.calendar import to_london_date


def today_in_london() -> date:
    """Return today's London calendar date."""
    return to_london_date(datetime.now(UTC))
