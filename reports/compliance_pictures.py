"""What the compliance page shows beside the deadline counts: DfE's SEN2 measures against last year, and the backlog.

The measures are those of the latest calendar year whose January census has passed on the as-of
date, set against the year before, each reproduced from the SEN2 items at its own census
(``reports.sen2_measures``). The backlog is ``ehcp report overdue`` on the as-of date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from reports.overdue import overdue_reviews
from reports.sen2 import sen2_census
from reports.sen2_census import latest_measures_year, measures_census_day
from reports.sen2_measures import Sen2Measures, measures_for
from reports.sen2_reconcile import Reconciliation, reconcile

__all__ = ["CompliancePictures", "compliance_pictures"]


@dataclass(frozen=True, slots=True)
class CompliancePictures:
    """The year's SEN2 measures, last year's, and how many whole months each overdue review is late."""

    this_year: Sen2Measures
    last_year: Sen2Measures
    months_overdue: tuple[int, ...]
    warnings: tuple[str, ...] = ()
    """What the records lack for either census (``reports.sen2_completeness``): shown above the measures."""
    reconciliation: Reconciliation | None = None
    """This year's decisions in the records, reconciled to SEN2's completed reviews (``reports.sen2_reconcile``)."""


def _measures(session: Session, year: int, as_of: date) -> tuple[Sen2Measures, list[str], Reconciliation]:
    census_on = measures_census_day(year)
    census = sen2_census(session, census_on, as_of)
    measures = measures_for(census.items, year, census_on)
    return measures, census.completeness.warnings(), reconcile(census.plans, census_on, year)


def compliance_pictures(session: Session, as_of: date) -> CompliancePictures:
    """Return the SEN2 comparison and the backlog as they stand on ``as_of``."""
    year = latest_measures_year(as_of)
    backlog = overdue_reviews(session, as_of)
    this_year, now_warnings, reconciled = _measures(session, year, as_of)
    last_year, then_warnings, _ = _measures(session, year - 1, as_of)
    months = tuple(line.months_overdue for line in backlog)
    return CompliancePictures(this_year, last_year, months, (*now_warnings, *then_warnings), reconciled)
