"""What the clock sends when several ladder steps fall due at once (STATUTORY.md section 5, "Catch-up").

Pure module. After an outage, or for a review imported late, one clock run finds
many steps of one deadline due together. The law's policy (s5, last paragraph):

- a reminder for a deadline already passed is never sent;
- per deadline and audience (each role) only the highest step now due is sent;
- every message states the lateness as of the business date (``working_days_late``);
- the family's letter is the "we will be late" letter only while the deadline is
  still ahead; once it has passed, it becomes the "your decision is late; we now
  expect it by ..." letter (``FamilyLetter.OVERDUE``);
- a family letter promises only what the product does: when the ladder has a
  later family step (``family-follow-up``), the letter's date is the day before
  that step and the letter says the family will be written to again if the act
  is not done by then; the last family step gives a date and asks the family to
  contact the council if they have not heard by then (it promises no letter).

``select_for_sending`` takes the pending events (``rules.escalations.LadderEvent``)
and the business date, and says which go out, to whom, and which are dropped.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Final

from rules.calendar import IsWorkingDay
from rules.escalations import LadderEvent
from rules.ladder import LadderStep, Role, StepTiming

__all__ = [
    "EXPECTED_WITHIN_DAYS",
    "CatchUp",
    "FamilyLetter",
    "Sending",
    "expected_by",
    "family_follow_up_on",
    "select_for_sending",
    "working_days_late",
]

EXPECTED_WITHIN_DAYS: Final = 14
"""Product default (STATUTORY.md s5): a late letter tells the family to expect the act within 14 days."""


class FamilyLetter(StrEnum):
    """Which letter the family's ladder step becomes on the business date."""

    AHEAD = "ahead"  # "we will not meet the deadline of ...": the deadline is still ahead
    OVERDUE = "overdue"  # "your decision is late; we now expect it by ...": the deadline has passed


@dataclass(frozen=True, slots=True)
class Sending:
    """One ladder event to send now, to the roles for whom it is the highest step due."""

    event: LadderEvent
    roles: tuple[Role, ...]
    family_letter: FamilyLetter | None = None
    expected_on: date | None = None
    follow_up_on: date | None = None
    """For a family letter: the day the product writes again if the act is still not done (None: it will not)."""


@dataclass(frozen=True, slots=True)
class CatchUp:
    """The outcome of a catch-up selection: what to send, and the events nobody hears of (superseded)."""

    send: tuple[Sending, ...]
    dropped: tuple[LadderEvent, ...]


def working_days_late(deadline_on: date, as_of: date, *, is_working_day: IsWorkingDay) -> int:
    """Return how many working days after the missed day (deadline + 1) ``as_of`` is; 0 if not yet late.

    Counts like ``rules.escalations.step_due_on`` for a "working days after missed" step, so on
    the day the 5-working-day escalation falls due this returns 5.
    """
    missed_on = deadline_on + timedelta(days=1)
    if as_of <= missed_on:
        return 0
    return sum(1 for n in range(1, (as_of - missed_on).days + 1) if is_working_day(missed_on + timedelta(days=n)))


def expected_by(deadline_on: date, as_of: date, within_days: int = EXPECTED_WITHIN_DAYS) -> date:
    """Return the date a late letter gives the family: ``within_days`` after the deadline, never in the past.

    When the deadline is further behind than that, the promise runs from the business date instead.
    """
    return max(deadline_on, as_of) + timedelta(days=within_days)


def family_follow_up_on(step_name: str, deadline_on: date, ladder: Iterable[LadderStep]) -> date | None:
    """Return the day of the next family letter after ``step_name`` for a deadline (calendar-day steps), if any."""
    steps = list(ladder)
    names = [step.name for step in steps]
    later = steps[names.index(step_name) + 1 :] if step_name in names else []
    for step in later:
        if step.family_letter and step.timing is StepTiming.DAYS_AFTER:
            return deadline_on + timedelta(days=step.amount)
        if step.family_letter and step.timing is StepTiming.DAYS_BEFORE:
            return deadline_on - timedelta(days=step.amount)
    return None


def _steps(ladder: Iterable[LadderStep]) -> dict[str, tuple[int, LadderStep]]:
    return {step.name: (rank, step) for rank, step in enumerate(ladder)}


def _is_stale_reminder(step: LadderStep, event: LadderEvent, as_of: date) -> bool:
    return step.timing is StepTiming.DAYS_BEFORE and not step.family_letter and event.deadline_due_on < as_of


def _highest_per_role(
    events: Sequence[LadderEvent], steps: dict[str, tuple[int, LadderStep]]
) -> dict[tuple[str, Role], LadderEvent]:
    best: dict[tuple[str, Role], LadderEvent] = {}
    for event in events:
        rank = steps[event.step][0]
        for role in event.audience:
            held = best.get((event.deadline_key, role))
            if held is None or steps[held.step][0] < rank:
                best[(event.deadline_key, role)] = event
    return best


def _sending(
    event: LadderEvent, roles: tuple[Role, ...], step: LadderStep, as_of: date, within: int, ladder: list[LadderStep]
) -> Sending:
    if not step.family_letter:
        return Sending(event, roles)
    letter = FamilyLetter.AHEAD if as_of <= event.deadline_due_on else FamilyLetter.OVERDUE
    follow_up = family_follow_up_on(step.name, event.deadline_due_on, ladder)
    if follow_up is not None and follow_up > as_of:  # promise the day before the product writes again
        return Sending(event, roles, letter, follow_up - timedelta(days=1), follow_up)
    return Sending(event, roles, letter, expected_by(event.deadline_due_on, as_of, within))


def select_for_sending(
    events: Iterable[LadderEvent],
    as_of: date,
    ladder: Iterable[LadderStep],
    *,
    expected_within_days: int = EXPECTED_WITHIN_DAYS,
) -> CatchUp:
    """Return which of the pending ladder events go out on ``as_of``, each to the roles it is highest for.

    A step's rank is its place in the ladder (later rungs rank higher). The family's letter is its
    own audience, so it is never superseded by a staff step; it only changes which letter it is.
    Events keep their order (oldest first); an event no role hears of is returned in ``dropped``.
    """
    ladder = list(ladder)
    steps = _steps(ladder)
    pending = list(events)
    live = [e for e in pending if not _is_stale_reminder(steps[e.step][1], e, as_of)]
    best = _highest_per_role(live, steps)
    send, dropped = [], []
    for event in pending:
        roles = tuple(r for r in event.audience if best.get((event.deadline_key, r)) is event)
        if roles:
            send.append(_sending(event, roles, steps[event.step][1], as_of, expected_within_days, ladder))
        else:
            dropped.append(event)
    return CatchUp(tuple(send), tuple(dropped))
