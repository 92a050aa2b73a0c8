"""The one reading of the wall clock: today's London date, for callers given no business date.

Everything below the composition roots (the CLI and the flows) takes the
business date as an argument; tests pass it explicitly and never freeze time.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from rules.calendar import to_london_date


def today_in_london() -> date:
    """Return today's London calendar date."""
    return to_london_date(datetime.now(UTC))
