"""The caseload file's plan columns beyond the plan itself: when a ceased plan stopped, and a transfer in.

``plan_ceased_on`` is the first day a ceased plan was no longer maintained (CFA s45): after the appeal period of its
cease notice, or the day a Tribunal's decision took effect. Left empty for a ceased plan, the import works it out
from the cease notice (``records.ceased_plans``). It may lie after the business date (an appeal period running).

``transferred_in_on`` and ``transferred_from_la`` (given together) record a plan transferred to this council from
another (SEND Regs 2014 reg 15): the day of the transfer and the old council's three-digit LA number. The plan keeps
its first-issue date (reg 15: it counts as made on the old council's date).
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Final

from records.importing.cells import RowReader
from records.models import PlanStatus

PLAN_COLUMNS: Final = ("plan_ceased_on", "transferred_in_on", "transferred_from_la")
LA_NUMBER: Final = re.compile(r"^[0-9]{3}$")


def _ceased_on(reader: RowReader, plan: dict[str, Any]) -> date | None:
    ceased_on = reader.date("plan_ceased_on")
    first_issued = plan["first_issued_on"]
    if ceased_on is not None and plan["status"] != PlanStatus.CEASED.value:
        reader.problem("plan_ceased_on", "give it only with plan_status 'ceased'")
    elif ceased_on is not None and first_issued is not None and ceased_on <= first_issued:
        reader.problem("plan_ceased_on", f"a plan ceases after it was first issued ({first_issued})")
    return ceased_on


def _transfer_in(reader: RowReader, plan: dict[str, Any], today: date | None) -> tuple[date | None, str | None]:
    moved = reader.date("transferred_in_on")
    from_la = reader.text("transferred_from_la", max_length=50)
    first_issued = plan["first_issued_on"]
    if from_la is not None and not LA_NUMBER.match(from_la):
        reader.problem("transferred_from_la", "the old council's three-digit LA number, e.g. 873")
    if (moved is None) != (reader.cells.get("transferred_from_la", "") == ""):
        reader.problem("transferred_in_on" if moved is None else "transferred_from_la",
                       "give transferred_in_on and transferred_from_la together")
    if moved is not None and first_issued is not None and moved < first_issued:
        reader.problem("transferred_in_on", f"a plan is transferred after it was first issued ({first_issued})")
    if moved is not None and today is not None and moved > today:
        reader.problem("transferred_in_on", f"{moved} is after the import's business date ({today})")
    return moved, from_la


def read_plan_columns(reader: RowReader, plan: dict[str, Any], today: date | None = None) -> None:
    """Add the row's plan columns to its plan values, noting every bad cell."""
    plan["ceased_on"] = _ceased_on(reader, plan)
    plan["transferred_in_on"], plan["transferred_from_la"] = _transfer_in(reader, plan, today)
