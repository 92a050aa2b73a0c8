"""System time: the instant a write happened (``sent_at``), as distinct from business time.

The one place in ``records`` that reads the wall clock. Business dates (deadlines, the date
a ladder step fell due) never come from here: callers pass them in (``tasks/business_date.py``).
"""

from __future__ import annotations

from datetime import UTC, datetime


def system_now() -> datetime:
    """Return the current instant in UTC, for audit-style columns such as ``sent_at``."""
    return datetime.now(UTC)
