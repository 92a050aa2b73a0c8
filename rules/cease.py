"""Consultation before ceasing a plan (Reg 31(1); STATUTORY.md section 3, "Cease").

Pure module. Where the LA is considering ceasing to maintain a plan it must inform and consult
the parent or young person, and consult the head teacher or principal of the institution the
plan names (Reg 31(1)(a)-(c)), before it determines to cease. The law sets no period for the
replies: the product gives the rule set's ``cease_consultation_days`` (15 days starting with the
proposal letter, as Reg 22(2)(c) gives for proposed amendments), moved on to the next working
day so nobody is asked to reply by a weekend or a bank holiday.
"""

from __future__ import annotations

from datetime import date

from rules.calendar import IsWorkingDay, next_working_day
from rules.rule_set import RuleSet

__all__ = ["cease_views_by"]


def cease_views_by(proposal_on: date, rule_set: RuleSet, *, is_working_day: IsWorkingDay) -> date:
    """Return the last day for views on a proposal to cease sent on ``proposal_on`` (policy; Reg 31(1))."""
    return next_working_day(rule_set.cease_consultation.apply(proposal_on), is_working_day=is_working_day)
