"""What the records derive from a review's facts with ``rules/``: its stage, deadlines and next deadline.

Stored so the clock and the caseload list are indexed queries; recomputed whenever the facts change.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from rules.advisories import advisory_deadlines
from rules.calendar import IsWorkingDay
from rules.consistency import breaches
from rules.deadlines import deadlines_for
from rules.facts import ReviewFacts
from rules.ladder import ladder_lead_days
from rules.rule_set import RuleSet
from rules.stages import completed_stages, current_stage
from rules.status import is_open, met_on


@dataclass(frozen=True, slots=True)
class Derived:
    """A review's derived columns and its deadline rows (without ``review_id``)."""

    review_columns: dict[str, Any]
    deadline_rows: tuple[dict[str, Any], ...]


def derived_from(facts: ReviewFacts, rule_set: RuleSet, *, is_working_day: IsWorkingDay) -> Derived:
    """Return the stage, the next open deadline and every deadline row the rules give for these facts."""
    completed = completed_stages(facts)
    lead_days = ladder_lead_days(rule_set.ladder)
    stage = current_stage(facts)
    found = (*deadlines_for(facts, rule_set, is_working_day=is_working_day), *advisory_deadlines(facts, rule_set))
    broken = breaches(facts, rule_set)
    rows = []
    for deadline in found:
        done_on = met_on(deadline.key, facts)
        still_open = is_open(deadline, done_on, completed)
        rows.append(
            {
                "key": deadline.key,
                "due_on": deadline.due_on,
                "owner": str(deadline.owner),
                "stage": int(deadline.stage) if deadline.stage is not None else None,
                "advisory": deadline.advisory,
                "met_on": done_on,
                "is_open": still_open,
                "breach": deadline.key in broken,
                "earliest_lawful_on": deadline.earliest_lawful_on,
                # the clock's work list: the first ladder step of an open deadline (it advances as steps fire)
                "next_step_on": deadline.due_on - timedelta(days=lead_days) if still_open else None,
            }
        )
    open_rows = sorted((r for r in rows if r["is_open"] and not r["advisory"]), key=lambda r: (r["due_on"], r["key"]))
    first = open_rows[0] if open_rows else None
    columns = {
        "stage": int(stage) if stage is not None else None,
        "rule_set_name": rule_set.name,
        "rule_set_version": rule_set.version,
        "cycle_anchor": str(rule_set.cycle_anchor),
        "next_deadline_key": first["key"] if first else None,
        "next_due_on": first["due_on"] if first else None,
        "next_owner": first["owner"] if first else None,
    }
    return Derived(columns, tuple(rows))
