"""The caseload file: one row per child's plan and its current review (README "Caseload file").

Each row is read into the column values of a child, a plan and a review, plus the review's facts;
facts in an impossible order are refused with ``rules.consistency.order_problems`` (the one
place that decides order for every path). History is never refused for being unlawful: a final plan
issued inside the representation window is imported, and its deadline rows are marked ``breach``
by ``records.derived`` from ``rules.consistency.breaches``, never ``met``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from records.importing.cells import RowReader
from records.importing.csv_file import CsvRows
from records.importing.family_columns import FAMILY_COLUMNS, read_family_columns
from records.importing.plan_columns import PLAN_COLUMNS, read_plan_columns
from records.importing.problems import ImportRejected, RowProblem
from records.importing.sen2_columns import SEN2_COLUMNS, read_sen2_columns
from records.models import PlanStatus
from records.models.caseload import NO_SETTING_URN
from records.models.reviews import DATES_BEFORE_DECISION, DATES_FROM_DECISION
from records.review_facts import facts_from_columns
from rules.consistency import order_problems
from rules.facts import LedBy, Outcome, ReviewFacts, TransferKind

CASELOAD_COLUMNS: Final = (
    "child_ref",
    "given_name",
    "family_name",
    "date_of_birth",
    "setting_urn",
    "plan_first_issued_on",
)
_BEFORE_DECISION: Final = ("previous_meeting_on", "previous_decision_on", *DATES_BEFORE_DECISION)
_FROM_DECISION: Final = DATES_FROM_DECISION
REVIEW_DATE_COLUMNS: Final = (*_BEFORE_DECISION, *_FROM_DECISION)
CASELOAD_OPTIONAL_COLUMNS: Final = (
    "year_group",
    "named_setting_urn",
    "interim_review_held_on",
    "plan_status",
    *PLAN_COLUMNS,
    "transfer_kind",
    "transfer_year",
    "transfer_on",
    *_BEFORE_DECISION,
    "decision_outcome",
    *_FROM_DECISION,
    "led_by",
    *SEN2_COLUMNS,
    *FAMILY_COLUMNS,
)
YEAR_GROUPS: Final = ("N1", "N2", "R", *(str(n) for n in range(1, 15)))
_CHILD_REF = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,31}$")
# rules.consistency names fields by their path in ReviewFacts; the file names them by column.
_FACT_COLUMN: Final = {
    "previous_review.meeting_on": "previous_meeting_on",
    "previous_review.decision_on": "previous_decision_on",
    "decision": "decision_notified_on",
    "decision.notified_on": "decision_notified_on",
    "phase_transfer.year": "transfer_year",
    "phase_transfer.transfer_on": "transfer_on",
}

_GIVEN_TOGETHER: Final = (("previous_meeting_on", "previous_decision_on"), ("decision_outcome", "decision_notified_on"))


@dataclass(frozen=True, slots=True)
class CaseloadRow:
    """One valid row: the values of its child, plan and review, and the review's facts."""

    number: int
    child: dict[str, Any]
    plan: dict[str, Any]
    review: dict[str, Any]
    facts: ReviewFacts
    family: Any = None
    """The row's family (``records.family.FamilyValues``), or None when the file has no family column."""


def _pairs(reader: RowReader, values: dict[str, Any]) -> None:
    """Dates that only make sense together must be given together."""
    for first, second in _GIVEN_TOGETHER:
        if (values[first] is None) != (values[second] is None) and not reader.problems_for(first, second):
            missing = second if values[second] is None else first
            reader.problem(missing, f"give {first} and {second} together")


_MAY_BE_AHEAD: Final = frozenset({"meeting_planned_on"})
"""The one review date that may lie after the import's business date; every other records something done."""


def _setting_urn(reader: RowReader, setting_ids: Mapping[str, int], led_by: LedBy | None) -> str:
    """The setting's URN; none for a review the LA leads because the child attends no school (Reg 21)."""
    if not reader.cells.get("setting_urn") and led_by is LedBy.LA:
        return NO_SETTING_URN
    urn = (reader.text("setting_urn", required=True, max_length=12) or "").upper()
    if urn == NO_SETTING_URN:
        reader.problem("setting_urn", "leave it empty for a child who attends no school or college (led_by la)")
    elif urn and urn not in setting_ids:
        reader.problem("setting_urn", "unknown setting URN: import it with `ehcp import settings` first")
    return urn


def _named_setting(reader: RowReader, setting_ids: Mapping[str, int]) -> int | None:
    """The school or college the amended plan names, when not the current setting (a phase transfer)."""
    urn = (reader.text("named_setting_urn", max_length=12) or "").upper()
    if urn and (urn not in setting_ids or urn == NO_SETTING_URN):
        reader.problem("named_setting_urn", "unknown setting URN: import it with `ehcp import settings` first")
        return None
    return setting_ids.get(urn) if urn else None


def _not_after(reader: RowReader, review: Mapping[str, Any], today: date | None) -> None:
    """Refuse a date of something done that lies after the business date (a meeting "held" in 2099)."""
    if today is None:
        return
    for name, value in review.items():
        if name not in _MAY_BE_AHEAD and isinstance(value, date) and value > today:
            reader.problem(name, f"{value} is after the import's business date ({today}): record what has happened")


def _read_row(reader: RowReader, setting_ids: Mapping[str, int], today: date | None) -> CaseloadRow | None:
    child_ref = reader.text("child_ref", required=True, max_length=32)
    if child_ref is not None and not _CHILD_REF.match(child_ref):
        reader.problem("child_ref", "letters, digits and hyphens only (a pseudonymous reference, not a name)")
    led_by = reader.choice("led_by", LedBy)
    urn = _setting_urn(reader, setting_ids, led_by)
    year_group = reader.text("year_group", max_length=4)
    if year_group is not None and year_group.upper() not in YEAR_GROUPS:
        reader.problem("year_group", f"expected one of {', '.join(YEAR_GROUPS)}")
    child: dict[str, Any] = {
        "child_ref": child_ref,
        "given_name": reader.text("given_name", required=True, max_length=100),
        "family_name": reader.text("family_name", required=True, max_length=100),
        "date_of_birth": reader.date("date_of_birth", required=True),
        "year_group": year_group.upper() if year_group else None,
    }
    kind = reader.choice("transfer_kind", TransferKind)
    status = reader.choice("plan_status", PlanStatus) or PlanStatus.ACTIVE
    plan = {
        "setting_id": setting_ids.get(urn),
        "first_issued_on": reader.date("plan_first_issued_on", required=True),
        "status": str(status),
        "transfer_kind": str(kind) if kind else None,
        "transfer_year": reader.year("transfer_year"),
        "transfer_on": reader.date("transfer_on"),
    }
    outcome = reader.choice("decision_outcome", Outcome)
    review: dict[str, Any] = {name: reader.date(name) for name in (*REVIEW_DATE_COLUMNS, "interim_review_held_on")}
    review["decision_outcome"] = str(outcome) if outcome else None
    review["led_by"] = str(led_by or LedBy.SETTING)
    review["named_setting_id"] = _named_setting(reader, setting_ids)
    _pairs(reader, review)
    _not_after(reader, review, today)
    read_sen2_columns(reader, child, plan, review)
    read_plan_columns(reader, plan, today)
    family = read_family_columns(reader)
    if reader.has_problems() or plan["first_issued_on"] is None:
        return None
    facts = facts_from_columns(plan, review, child["date_of_birth"])
    for problem in order_problems(facts):
        reader.problem(_FACT_COLUMN.get(problem.field, problem.field), problem.message)
    if reader.has_problems():
        return None
    return CaseloadRow(reader.number, child, plan, review, facts, family)


def caseload_rows(rows: CsvRows, setting_ids: Mapping[str, int], today: date | None = None) -> list[CaseloadRow]:
    """Return every row read and checked; raise ImportRejected naming every bad row.

    ``today`` is the import's business date: no date of something done may lie after it.
    """
    problems: list[RowProblem] = []
    found: list[CaseloadRow] = []
    first_row_of: dict[str, int] = {}
    for number, cells in rows.rows:
        reader = RowReader(number, cells, problems)
        row = _read_row(reader, setting_ids, today)
        ref = cells.get("child_ref", "")
        if ref and ref in first_row_of:
            reader.problem("child_ref", f"duplicate child reference: already on row {first_row_of[ref]}")
        elif ref:
            first_row_of[ref] = number
        if row is not None and not reader.has_problems():
            found.append(row)
    if problems:
        raise ImportRejected(problems)
    return found
