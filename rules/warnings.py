"""What a person must be warned of BEFORE an input is sent, though the run will accept it.

Pure module. Late or unlawful history is recorded as history (``rules.transitions.recorded_notes`` says so after
it is applied); these are the same facts seen from the other side, while there is still time to
change the date. One place for every door: the front door shows them on the stage form and asks
for a confirmation, the JSON API returns them as ``warnings``, ``ehcp`` prints them.

- Stage 1: a meeting planned after the date it is due by (the council's 4 weeks to decide inside
  the 12 months), or after the review's legal deadline itself (CFA 2014 s44(1)).
- Stage 5: a final amended plan issued inside the family's 15 days for representations on the
  proposed amendments (Reg 22(2)(c)), with the earliest lawful date.
"""

from __future__ import annotations

from datetime import date

from rules.calendar import IsWorkingDay
from rules.consistency import earliest_lawful_issue_on
from rules.deadlines import deadlines_for
from rules.errors import Problem
from rules.facts import ReviewFacts
from rules.rule_set import RuleSet
from rules.transitions import PlanIssued, PreparationDone, StageInput

__all__ = ["input_warnings", "long_date"]


def long_date(day: date) -> str:
    """A date as a letter or a page says it: "Saturday 19 December 2026"."""
    return f"{day:%A} {day.day} {day:%B %Y}"


def _meeting_warnings(before: ReviewFacts, given: PreparationDone, rule_set: RuleSet,
                      is_working_day: IsWorkingDay) -> list[Problem]:  # fmt: skip
    planned = given.meeting_planned_on
    due = {d.key: d for d in deadlines_for(before, rule_set, is_working_day=is_working_day)}
    found = []
    meeting, review = due.get("meeting_due"), due.get("review_due")
    if meeting is not None and planned > meeting.due_on:
        found.append(Problem(
            "meeting_planned_on",
            f"The meeting is planned for {long_date(planned)}, after the date it is due by, "
            f"{long_date(meeting.due_on)}: the council needs 4 weeks after the meeting to decide, inside the "
            f"review's 12 months ({meeting.citation}; {rule_set.periods.review_cycle.citation}). "
            f"Plan it on or before {long_date(meeting.due_on)} if you can",
        ))  # fmt: skip
    if review is not None and planned > review.due_on:
        found.append(Problem(
            "meeting_planned_on",
            f"The meeting is planned after the review's legal deadline, {long_date(review.due_on)}: the plan must "
            f"be reviewed within 12 months ({review.citation}). A meeting after it is recorded as late",
        ))  # fmt: skip
    return found


def _plan_warnings(before: ReviewFacts, given: PlanIssued, rule_set: RuleSet) -> list[Problem]:
    if given.document != "final-plan":
        return []
    earliest = earliest_lawful_issue_on(before, rule_set)
    if earliest is None or given.issued_on >= earliest:
        return []
    cite = rule_set.periods.representations.citation
    return [Problem(
        "issued_on",
        f"{long_date(given.issued_on)} is inside the family's 15 days to comment on the proposed amendments "
        f"({cite}). The earliest lawful date to issue the final plan is {long_date(earliest)}. If you send it, the "
        "plan is recorded as issued on the date you give, as a breach of the law, and the family's letter will not "
        "say that everything they told us was considered",
    )]  # fmt: skip


def input_warnings(
    before: ReviewFacts, given: StageInput, rule_set: RuleSet, *, is_working_day: IsWorkingDay
) -> tuple[Problem, ...]:
    """Return the warnings for an input the run would accept (empty when it is on time and lawful)."""
    if isinstance(given, PreparationDone):
        return tuple(_meeting_warnings(before, given, rule_set, is_working_day))
    if isinstance(given, PlanIssued):
        return tuple(_plan_warnings(before, given, rule_set))
    return ()
