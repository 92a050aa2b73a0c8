"""SEN2 census days: the January day on which the return's "active at the census" is judged.

DfE publishes each year's day in its SEN2 guide. The published days are data here; for a year not
listed the product assumes DfE's recent pattern, the third Thursday of January (all four listed days
follow it). ``--census-date`` overrides either.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Final

PUBLISHED_CENSUS_DAYS: Final = {
    2024: date(2024, 1, 18),  # SEN2 2024 guide (as cited by MastodonC/witan.sen2)
    2025: date(2025, 1, 16),  # SEN2 2025 guide (as cited by MastodonC/witan.sen2)
    2026: date(2026, 1, 15),  # gov.uk "Special educational needs survey", 26 Sep 2025
    2027: date(2027, 1, 21),  # gov.uk "Special educational needs survey", 26 Sep 2025
}
THURSDAY: Final = 3


def census_day(year: int) -> date:
    """Return the SEN2 census day in January of ``year``."""
    if year in PUBLISHED_CENSUS_DAYS:
        return PUBLISHED_CENSUS_DAYS[year]
    first = date(year, 1, 1)
    first_thursday = first + timedelta(days=(THURSDAY - first.weekday()) % 7)
    return first_thursday + timedelta(days=14)


def measures_census_day(year: int) -> date:
    """Return the census at which the measures for calendar year ``year`` are taken: January of year + 1."""
    return census_day(year + 1)


def latest_measures_year(on: date) -> int:
    """Return the latest calendar year whose measures' census is on or before ``on``."""
    year = on.year - 1
    return year if measures_census_day(year) <= on else year - 1
