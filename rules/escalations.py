"""Which escalation-ladder events are due (STATUTORY.md section 5).

Pure module. Given a review's deadlines, the stages that are over and a
business date, return every ladder event due on or before that date, oldest
first, so a clock that was down catches up in order. A missed deadline is data,
never an exception. Events are identified by (deadline key, step): the caller
records each once.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import date, timedelta

from rules.calendar import IsWorkingDay, add_working_days
from rules.deadlines import Deadline, Owner
from rules.ladder import LadderStep, Role, StepTiming
from rules.stages import Stage
from rules.status import is_open

__all__ = ["LadderEvent", "escalations_due", "step_due_on"]


@dataclass(frozen=True, slots=True)
class LadderEvent:
    """One rung of the ladder, due for one deadline."""

    deadline_key: str
    deadline_due_on: date
    step: str
    due_on: date
    owner: Owner
    audience: tuple[Role, ...]
    advisory: bool


def step_due_on(step: LadderStep, deadline_on: date, *, is_working_day: IsWorkingDay) -> date:
    """Return the date a ladder step fires for a deadline."""
    if step.timing is StepTiming.DAYS_BEFORE:
        return deadline_on - timedelta(days=step.amount)
    if step.timing is StepTiming.DAYS_AFTER:
        return deadline_on + timedelta(days=step.amount)
    missed_on = deadline_on + timedelta(days=1)
    return add_working_days(missed_on, step.amount, is_working_day=is_working_day)


def _applies(step: LadderStep, deadline: Deadline) -> tuple[Role, ...]:
    if deadline.advisory and step.beyond_first_level:
        return ()
    if deadline.earliest_lawful_on is not None and step.timing is StepTiming.DAYS_BEFORE and not step.family_letter:
        return ()  # never ask for a document inside the representation window: the warning says why
    if step.family_letter and not deadline.family_letter:
        return ()
    return step.setting_audience if deadline.owner is Owner.SETTING else step.la_audience


def escalations_due(
    deadlines: Iterable[Deadline],
    completed: Collection[Stage],
    today: date,
    ladder: Iterable[LadderStep],
    *,
    is_working_day: IsWorkingDay,
) -> list[LadderEvent]:
    """Return every ladder event due on or before ``today`` for deadlines whose stage is not over."""
    steps = tuple(ladder)
    events = []
    for deadline in deadlines:
        if not is_open(deadline, None, completed):
            continue
        for step in steps:
            audience = _applies(step, deadline)
            if not audience:
                continue
            due = step_due_on(step, deadline.due_on, is_working_day=is_working_day)
            if due <= today:
                events.append(
                    LadderEvent(
                        deadline.key, deadline.due_on, step.name, due, deadline.owner, audience, deadline.advisory
                    )
                )
    events.sort(key=lambda event: (event.due_on, event.deadline_key, event.step))
    return events
