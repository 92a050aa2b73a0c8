"""The one read of the wall clock for business time: today's date in London.

Kept apart from ``services.setup`` (which reads the records) so that ``ehcp deadlines``
needs no database library to know what day it is.
"""

from __future__ import annotations

from datetime import UTC, date, datetime

from rules.calendar import to_london_date


def today_in_london() -> date:
    """Return today's London calendar date."""
    return to_london_date(datetime.now(UTC))
