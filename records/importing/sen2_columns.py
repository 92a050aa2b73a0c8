"""The caseload file's SEN2 columns: the council's identifiers and the previous review's outcome and dates.

The identifiers let the council join ``ehcp report sen2`` rows to its Person and Requests records;
the previous review's outcome and dates make the SEN2 items and measures count imported history
from the first day (README "Caseload file"). They live in the records database only.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Any, Final

from records.importing.cells import RowReader
from rules.facts import Outcome

IDENTIFIER_COLUMNS: Final = ("la_person_id", "la_request_id")
PREVIOUS_REVIEW_COLUMNS: Final = (
    "previous_outcome",
    "previous_amendment_notice_sent_on",
    "previous_final_plan_issued_on",
    "previous_transfer_due_on",
)
SEN2_COLUMNS: Final = (*IDENTIFIER_COLUMNS, *PREVIOUS_REVIEW_COLUMNS)
IDENTIFIER_MAX_LENGTH: Final = 50
_IDENTIFIER = re.compile(r"^[A-Za-z0-9][A-Za-z0-9/_.:-]*$")


def _identifier(reader: RowReader, column: str) -> str | None:
    value = reader.text(column, max_length=IDENTIFIER_MAX_LENGTH)
    if value is not None and not _IDENTIFIER.match(value):
        reader.problem(column, "letters, digits and / _ . : - only, as the council's case-management system gives it")
        return None
    return value


def _before(later: date | None, earlier: date | None) -> bool:
    return later is not None and earlier is not None and later < earlier


def _previous_problems(reader: RowReader, review: dict[str, Any]) -> None:
    outcome, decided = review["previous_outcome"], review["previous_decision_on"]
    notice, final = review["previous_amendment_notice_sent_on"], review["previous_final_plan_issued_on"]
    if outcome is not None and decided is None:
        reader.problem("previous_outcome", "give previous_meeting_on and previous_decision_on with it")
    if notice is not None and outcome != Outcome.AMEND.value:
        reader.problem("previous_amendment_notice_sent_on", "needs previous_outcome 'amend'")
    elif _before(notice, decided):
        reader.problem("previous_amendment_notice_sent_on", f"cannot precede the previous decision ({decided})")
    if final is not None and notice is None:
        reader.problem("previous_final_plan_issued_on", "needs previous_amendment_notice_sent_on")
    elif _before(final, notice):
        reader.problem("previous_final_plan_issued_on", f"cannot precede the previous amendment notice ({notice})")
    if review["previous_transfer_due_on"] is not None and review["previous_meeting_on"] is None:
        reader.problem("previous_transfer_due_on", "give previous_meeting_on and previous_decision_on with it")
    current = review["meeting_held_on"]
    if _before(current, final):
        reader.problem("previous_final_plan_issued_on", f"cannot be after the current meeting ({current})")


def read_sen2_columns(reader: RowReader, child: dict[str, Any], plan: dict[str, Any], review: dict[str, Any]) -> None:
    """Add the row's SEN2 values to its child, plan and review values, noting every bad cell."""
    child["la_person_id"] = _identifier(reader, "la_person_id")
    plan["la_request_id"] = _identifier(reader, "la_request_id")
    outcome = reader.choice("previous_outcome", Outcome)
    review["previous_outcome"] = str(outcome) if outcome else None
    for name in PREVIOUS_REVIEW_COLUMNS[1:]:
        review[name] = reader.date(name)
    _previous_problems(reader, review)
