"""Synthetic review histories: a plan issue date, the previous review, and the current review's facts so far.

Every date is on or before ``today`` and in an order ``rules.consistency`` accepts. A share of
reviews run late at each stage, so the caseload shows every status.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Final

YEAR: Final = timedelta(days=365)
LATE_SHARE: Final = 0.2
TRANSFER_LEAD: Final = timedelta(days=70)  # meeting, 4 weeks to decide, 15 days' representations, some slack
OUTCOME_WEIGHTS: Final = {"amend": 55, "maintain": 40, "cease": 5}


def _days(rng: random.Random, low: int, high: int) -> timedelta:
    return timedelta(days=rng.randint(low, high))


def _iso(day: date | None) -> str:
    return day.isoformat() if day is not None else ""


def plan_history(born: date, today: date, rng: random.Random) -> dict[str, date | None]:
    """Return when the plan was first issued and the previous review's dates (None for a first review)."""
    earliest = max(born + timedelta(days=2 * 365), today - 8 * YEAR)
    span = max(1, (today - timedelta(days=30) - earliest).days)
    first_issued = earliest + timedelta(days=rng.randrange(span))
    previous_decision = today - _days(rng, 0, 380)
    previous_meeting = previous_decision - _days(rng, 7, 40)
    if previous_meeting <= first_issued:
        return {"first_issued": first_issued, "previous_meeting": None, "previous_decision": None}
    return {"first_issued": first_issued, "previous_meeting": previous_meeting, "previous_decision": previous_decision}


def _before_meeting(planned: date, today: date, rng: random.Random) -> tuple[date | None, date | None]:
    late = rng.random() < LATE_SHARE
    invitations = planned - (_days(rng, 5, 13) if late else _days(rng, 14, 28))
    advice = planned - (_days(rng, 2, 13) if rng.random() < LATE_SHARE else _days(rng, 14, 21))
    return (invitations if invitations <= today else None, advice if advice <= today else None)


def _after_meeting(held: date, today: date, rng: random.Random) -> dict[str, str]:
    columns: dict[str, str] = {}
    report = held + _days(rng, 3, 25)
    if report <= today and rng.random() > 0.1:
        columns["report_received_on"] = _iso(report)
    decided = held + (_days(rng, 29, 60) if rng.random() < LATE_SHARE * 2 else _days(rng, 10, 28))
    if decided > today:
        return columns
    outcome = rng.choices(list(OUTCOME_WEIGHTS), weights=list(OUTCOME_WEIGHTS.values()))[0]
    columns |= {"decision_outcome": outcome, "decision_notified_on": _iso(decided)}
    if outcome == "cease":
        columns["cease_notice_sent_on"] = _iso(decided)
    if outcome == "amend":
        columns["amendment_notice_sent_on"] = _iso(decided)
        final = decided + _days(rng, 16, 75)
        if final <= today:
            columns["final_plan_issued_on"] = _iso(final)
    return columns


def _planned_meeting(history: dict[str, date | None], transfer_cap: date | None, rng: random.Random) -> date:
    """Most meetings fall due 12 months on; a transferring child's is brought forward to meet the Reg 18 cap."""
    anchor = history["previous_decision"] or history["first_issued"]
    assert anchor is not None
    meeting_due = anchor + YEAR - timedelta(days=29)
    planned = meeting_due + (_days(rng, 1, 30) if rng.random() < LATE_SHARE / 2 else -_days(rng, 0, 35))
    if transfer_cap is not None and rng.random() > LATE_SHARE / 2:
        pulled = transfer_cap - TRANSFER_LEAD - _days(rng, 0, 60)
        if pulled > anchor + TRANSFER_LEAD:  # else the previous review already dealt with the transfer
            planned = min(planned, pulled)
    return planned


def current_review(
    history: dict[str, date | None], today: date, rng: random.Random, transfer_cap: date | None = None
) -> dict[str, str]:
    """Return the current review's columns: as far as it has got by ``today``."""
    planned = _planned_meeting(history, transfer_cap, rng)
    if planned > today + timedelta(days=70) and rng.random() < 0.5:
        return {}
    columns = {"meeting_planned_on": _iso(planned)}
    invitations, advice = _before_meeting(planned, today, rng)
    columns |= {"invitations_sent_on": _iso(invitations), "advice_circulated_on": _iso(advice)}
    if planned > today or rng.random() < 0.08:
        return columns
    held = min(planned + (_days(rng, 1, 20) if rng.random() < LATE_SHARE else timedelta()), today)
    columns["meeting_held_on"] = _iso(held)
    return columns | _after_meeting(held, today, rng)


def review_columns(born: date, today: date, rng: random.Random, transfer_cap: date | None) -> dict[str, str]:
    """Return the plan and review columns of one synthetic case."""
    history = plan_history(born, today, rng)
    return {
        "plan_first_issued_on": _iso(history["first_issued"]),
        "previous_meeting_on": _iso(history["previous_meeting"]),
        "previous_decision_on": _iso(history["previous_decision"]),
        **current_review(history, today, rng, transfer_cap),
    }
