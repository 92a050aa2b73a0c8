"""Appeal and mediation dates a decision letter must state (STATUTORY.md section 6).

Pure module. The appeal must reach the First-tier Tribunal (SEND) within 2
months of the decision letter (or 1 month from a mediation certificate, if
later). The last day is then adjusted (Tribunal Procedure (First-tier Tribunal)
(HESC) Rules 2008, rules 12 and 20): a day from 25 December to 1 January moves
to the first working day after 1 January; a day in August to the first working
day of September; any other non-working day to the next working day.
"""

from __future__ import annotations

from datetime import date

from rules.calendar import IsWorkingDay, next_working_day, shift_months
from rules.rule_set import RuleSet

__all__ = ["adjusted_appeal_day", "appeal_due", "mediation_contact_due"]

AUGUST = 8
CHRISTMAS_CLOSURE_FROM = 25  # 25 December to 1 January
MEDIATION_CERTIFICATE_MONTHS = 1


def _in_christmas_closure(day: date) -> bool:
    return (day.month == 12 and day.day >= CHRISTMAS_CLOSURE_FROM) or (day.month == 1 and day.day == 1)


def adjusted_appeal_day(day: date, *, is_working_day: IsWorkingDay) -> date:
    """Return the appeal's last day after the Christmas, August and non-working-day moves.

    The moves repeat until none applies: a Saturday 23 December moves to the next working day,
    which is inside the closure (27 December), so it moves again to the first working day after
    1 January; a Saturday 31 July moves to Monday 2 August, then to the first working day of September.
    """
    while True:
        if _in_christmas_closure(day):
            year = day.year + 1 if day.month == 12 else day.year
            day = next_working_day(date(year, 1, 2), is_working_day=is_working_day)
        elif day.month == AUGUST:
            day = next_working_day(date(day.year, 9, 1), is_working_day=is_working_day)
        elif not is_working_day(day):
            day = next_working_day(day, is_working_day=is_working_day)
        else:
            return day


def appeal_due(
    letter_on: date,
    rule_set: RuleSet,
    *,
    is_working_day: IsWorkingDay,
    mediation_certificate_on: date | None = None,
) -> date:
    """Return the last day an appeal may reach the Tribunal."""
    last = rule_set.periods.appeal.apply(letter_on)
    if mediation_certificate_on is not None:
        last = max(last, shift_months(mediation_certificate_on, MEDIATION_CERTIFICATE_MONTHS))
    return adjusted_appeal_day(last, is_working_day=is_working_day)


def mediation_contact_due(letter_on: date, rule_set: RuleSet) -> date:
    """Return the last day to contact a mediation adviser (Reg 33; not adjusted)."""
    return rule_set.periods.mediation_contact.apply(letter_on)
