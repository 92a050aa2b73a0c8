"""The caseload file's plan columns beyond the plan itself: when a ceased plan stopped (CFA s45).

``plan_ceased_on`` is the first day a ceased plan was no longer maintained: after the appeal period of its cease
notice, or the day a Tribunal's decision took effect. Left empty for a ceased plan, the import works it out from
the cease notice (``records.ceased_plans``). It may lie after the business date (an appeal period still running).
"""

from __future__ import annotations

from typing import Any, Final

from records.importing.cells import RowReader
from records.models import PlanStatus

PLAN_COLUMNS: Final = ("plan_ceased_on",)


def read_plan_columns(reader: RowReader, plan: dict[str, Any]) -> None:
    """Add the row's plan columns to its plan values, noting every bad cell."""
    ceased_on = reader.date("plan_ceased_on")
    first_issued = plan["first_issued_on"]
    if ceased_on is not None and plan["status"] != PlanStatus.CEASED.value:
        reader.problem("plan_ceased_on", "give it only with plan_status 'ceased'")
    elif ceased_on is not None and first_issued is not None and ceased_on <= first_issued:
        reader.problem("plan_ceased_on", f"a plan ceases after it was first issued ({first_issued})")
    plan["ceased_on"] = ceased_on
