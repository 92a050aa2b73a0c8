"""The deadline set of one review, shaped for a caseworker (table) and for machines (JSON)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from rules.advisories import advisory_deadlines
from rules.calendar import IsWorkingDay
from rules.consistency import breaches
from rules.deadlines import DEADLINE_KEYS, Deadline, deadlines_for, due_dates
from rules.facts import ReviewFacts
from rules.labels import LABELS
from rules.rule_set import RuleSet
from rules.stages import completed_stages, current_stage
from rules.status import Status, met_on, status_of


@dataclass(frozen=True, slots=True)
class DeadlineRow:
    """One line of the table: a dated deadline and where it stands."""

    deadline: Deadline
    status: Status
    done_on: date | None
    breach: str | None = None

    @property
    def warning(self) -> str | None:
        """Why this deadline is a breach, or cannot be met lawfully (None when neither)."""
        return self.breach or self.deadline.warning

    @property
    def label(self) -> str:
        return LABELS.get(self.deadline.key, self.deadline.key)


@dataclass(frozen=True, slots=True)
class DeadlineView:
    """Everything ``ehcp deadlines`` shows about one review."""

    dates: dict[str, date | None]
    rows: tuple[DeadlineRow, ...]
    stage: str
    as_of: date
    rule_set: RuleSet


def deadline_view(facts: ReviewFacts, rule_set: RuleSet, as_of: date, is_working_day: IsWorkingDay) -> DeadlineView:
    """Return the review's deadlines with each one's status on ``as_of``."""
    completed = completed_stages(facts)
    broken = breaches(facts, rule_set)
    found = (*deadlines_for(facts, rule_set, is_working_day=is_working_day), *advisory_deadlines(facts, rule_set))
    rows = tuple(
        DeadlineRow(
            d, status_of(d, met_on(d.key, facts), completed, as_of, broken), met_on(d.key, facts), broken.get(d.key)
        )
        for d in found
    )
    stage = current_stage(facts)
    return DeadlineView(
        dates=due_dates(facts, rule_set, is_working_day=is_working_day),
        rows=rows,
        stage=f"{int(stage)} {stage.label}" if stage is not None else "complete",
        as_of=as_of,
        rule_set=rule_set,
    )


def as_json(view: DeadlineView) -> dict[str, Any]:
    """Return the JSON document: the contract's ``deadlines`` plus detail under other keys."""
    return {
        "deadlines": {key: _iso(view.dates[key]) for key in DEADLINE_KEYS},
        "as_of": view.as_of.isoformat(),
        "stage": view.stage,
        "rule_set": {
            "name": view.rule_set.name,
            "version": view.rule_set.version,
            "cycle_anchor": str(view.rule_set.cycle_anchor),
        },
        "detail": {
            row.deadline.key: {
                "due_on": row.deadline.due_on.isoformat(),
                "weekday": row.deadline.due_on.strftime("%A"),
                "owner": str(row.deadline.owner),
                "status": str(row.status),
                "done_on": _iso(row.done_on),
                "advisory": row.deadline.advisory,
                "citation": row.deadline.citation,
                "earliest_lawful_on": _iso(row.deadline.earliest_lawful_on),
                "warning": row.warning,
            }
            for row in view.rows
        },
    }


def _iso(day: date | None) -> str | None:
    return day.isoformat() if day is not None else None
