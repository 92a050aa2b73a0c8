"""Appeal and mediation dates a decision letter must state (STATUTORY.md section 6).

Pure module. The appeal must reach the First-tier Tribunal (SEND) within 2
months of the decision letter (or 1 month from a mediation certificate, if
later). The last day is then adjusted once, by the first rule that applies (Tribunal
Procedure (First-tier Tribunal) (HESC) Rules 2008, rules 12 and 20; CFA 2014
s51): a day from 25 December to 1 January moves to the first working day after
1 January; else a day in August to the first working day after 31 August; else
a non-working day to the next working day.
"""

from __future__ import annotations

from datetime import date

from rules.calendar import IsWorkingDay, next_working_day
from rules.rule_set import RuleSet

__all__ = ["adjusted_appeal_day", "appeal_due", "mediation_contact_due"]

AUGUST = 8
CHRISTMAS_CLOSURE_FROM = 25  # 25 December to 1 January


def _in_christmas_closure(day: date) -> bool:
    return (day.month == 12 and day.day >= CHRISTMAS_CLOSURE_FROM) or (day.month == 1 and day.day == 1)


def adjusted_appeal_day(day: date, *, is_working_day: IsWorkingDay) -> date:
    """Return the appeal's last day after ONE adjustment, the first of HESC rule 12 that applies.

    The moves do not chain: a raw Saturday 23 December lies outside the closure, so it only moves
    to the next working day (Wednesday 27 December 2028); a raw Saturday 31 July to Monday 2 August.
    """
    if _in_christmas_closure(day):
        year = day.year + 1 if day.month == 12 else day.year
        return next_working_day(date(year, 1, 2), is_working_day=is_working_day)
    if day.month == AUGUST:
        return next_working_day(date(day.year, 9, 1), is_working_day=is_working_day)
    return next_working_day(day, is_working_day=is_working_day)


def appeal_due(
    letter_on: date,
    rule_set: RuleSet,
    *,
    is_working_day: IsWorkingDay,
    mediation_certificate_on: date | None = None,
) -> date:
    """Return the last day an appeal may reach the Tribunal: the later raw end, adjusted once (rules 12, 20)."""
    last = rule_set.periods.appeal.apply(letter_on)
    if mediation_certificate_on is not None:
        last = max(last, rule_set.periods.mediation_certificate.apply(mediation_certificate_on))
    return adjusted_appeal_day(last, is_working_day=is_working_day)


def mediation_contact_due(letter_on: date, rule_set: RuleSet) -> date:
    """Return the last day to contact a mediation adviser (Reg 33; not adjusted)."""
    return rule_set.periods.mediation_contact.apply(letter_on)
