"""Synthetic ceased plans and plans transferred in, so the demo shows both (issue 23).

Drawn from a generator of their own (seeded by the caseload's seed and the case number), so adding them leaves
every other synthetic value as it was. About 1.5 % of the plans whose previous review is known were ceased by it
(the plan imported as ``ceased``, with no current review; its cease takes effect after the decision letter's
appeal period, ``records.ceased_plans``). About 2 % were transferred in from a neighbouring council on a day
between their first issue and the demo's date (SEND Regs 2014 reg 15).
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Final

CEASED_SHARE: Final = 0.015
TRANSFERRED_IN_SHARE: Final = 0.02
NEIGHBOURS: Final = ("935", "873", "874", "925")  # synthetic use of real three-digit LA numbers near Norfolk
CURRENT_REVIEW: Final = (
    "meeting_planned_on", "invitations_sent_on", "advice_circulated_on", "meeting_held_on", "report_received_on",
    "decision_outcome", "decision_notified_on", "amendment_notice_sent_on", "final_plan_issued_on",
    "cease_notice_sent_on", "previous_amendment_notice_sent_on", "previous_final_plan_issued_on",
    "previous_transfer_due_on", "transfer_kind", "transfer_year", "transfer_on",
)


def _ceased() -> dict[str, str]:
    return {"plan_status": "ceased", "previous_outcome": "cease", **dict.fromkeys(CURRENT_REVIEW, "")}


def _transferred(case: dict[str, str], today: date, rng: random.Random) -> dict[str, str]:
    first = date.fromisoformat(case["plan_first_issued_on"])
    earliest = max(first + timedelta(days=30), today - timedelta(days=540))
    if earliest >= today:
        return {}
    moved = earliest + timedelta(days=rng.randrange((today - earliest).days))
    return {"transferred_in_on": moved.isoformat(), "transferred_from_la": rng.choice(NEIGHBOURS)}


def moves_columns(case: dict[str, str], number: int, seed: int, today: date) -> dict[str, str]:
    """Return the columns that make one synthetic case a ceased plan or a transfer in (most get none)."""
    rng = random.Random(f"moves-{seed}-{number}")
    roll = rng.random()
    if roll < CEASED_SHARE and case.get("previous_decision_on"):
        return _ceased()
    if roll < CEASED_SHARE + TRANSFERRED_IN_SHARE:
        return _transferred(case, today, rng)
    return {}
