"""Synthetic SEN2 columns: the council's person and request identifiers and the previous review's outcome.

Drawn from a generator of their own (seeded by the caseload's seed and the case number), so adding
them leaves every other synthetic value as it was. A previous review is maintained or amended (a
ceased one would have ended the plan); an amended one has its notice and, usually, its final plan.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Final

PREVIOUS_OUTCOME_WEIGHTS: Final = {"amend": 55, "maintain": 45}


def _final_plan_on(notice: date, case: dict[str, str], today: date, rng: random.Random) -> date | None:
    final = notice + timedelta(days=rng.randint(16, 75))
    held = case.get("meeting_held_on") or ""
    latest = min(today, date.fromisoformat(held)) if held else today
    return final if final <= latest else None


def sen2_columns(case: dict[str, str], number: int, seed: int, today: date) -> dict[str, str]:
    """Return the SEN2 columns of one synthetic case (``case`` holds its review columns as strings)."""
    rng = random.Random(f"sen2-{seed}-{number}")
    columns = {"la_person_id": f"PER{number:06d}", "la_request_id": f"REQ{number:06d}"}
    decided = case.get("previous_decision_on") or ""
    if not decided:
        return columns
    outcome = rng.choices(list(PREVIOUS_OUTCOME_WEIGHTS), weights=list(PREVIOUS_OUTCOME_WEIGHTS.values()))[0]
    columns["previous_outcome"] = outcome
    if outcome == "amend":
        notice = date.fromisoformat(decided)
        columns["previous_amendment_notice_sent_on"] = notice.isoformat()
        final = _final_plan_on(notice, case, today, rng)
        if final is not None:
            columns["previous_final_plan_issued_on"] = final.isoformat()
    return columns
