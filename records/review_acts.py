"""Acts recorded straight in the records, not through a review's run: they move no stage and no person waits on them.

- A **mediation certificate** (Children and Families Act 2014 s55; HESC Rules 2008 rule 20(1)(c)(ii)): the appeal may
  then reach the Tribunal up to 1 month from the certificate, if that is later than 2 months from the letter. It follows
  the letter the appeal runs from (``rules.deadlines.appeal_letter_on``) and cannot lie after the business date.
- An **interim review** of a child under 5 (CoP 9.178, guidance): it meets the advisory ``interim_review_due``.
- The **institution the amended plan names** when it is not the current setting (a phase transfer's next school): the
  final plan and the cease notice go to it too (Regs 22(3)(b), 31(2)). Naming the current setting clears it.

- A **transfer in** from another council (SEND Regs 2014 reg 15): the day the plan was transferred and the old
  council's three-digit LA number, on the plan. The plan keeps its first-issue date; its first review after the
  transfer falls due by the later of the 12 months and 3 months from the transfer (``rules.cycle``).

Each writes the fact, recomputes the deadlines with ``rules/`` (``records.review_progress.write_facts``) and writes an
audit row, in the caller's transaction. Recording the same fact again changes nothing. A refusal raises ``ActRefused``
with every problem and writes nothing. The letter a certificate calls for is queued by the caller (``records/`` knows
no message kinds).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from records import audit
from records.ceased_plans import CEASED, effective_from_appeal
from records.models import Review, Setting
from records.models.caseload import NO_SETTING_URN
from records.review_facts import review_facts
from records.review_progress import review_by_reference, write_facts
from rules.calendar import IsWorkingDay
from rules.consistency import order_problems
from rules.deadlines import appeal_letter_on, due_dates
from rules.errors import Problem
from rules.facts import Outcome, ReviewFacts
from rules.rule_set import RuleSet

__all__ = [
    "ActOutcome",
    "ActRefused",
    "record_interim_review",
    "record_mediation_certificate",
    "record_named_institution",
    "record_transfer_in",
]


class ActRefused(ValueError):
    """The act cannot be recorded; ``problems`` says why (nothing was written)."""

    def __init__(self, reference: str, problems: list[Problem]) -> None:
        self.reference = reference
        self.problems = problems
        super().__init__(f"review {reference}: " + "; ".join(f"{p.field}: {p.message}" for p in problems))


@dataclass(frozen=True, slots=True)
class ActOutcome:
    """What recording an act did: whether the record changed, and the appeal date it now gives (if any)."""

    reference: str
    review_id: int
    changed: bool
    appeal_due_on: date | None = None


def _after_today(field: str, value: date, today: date) -> list[Problem]:
    if value <= today:
        return []
    return [Problem(field, f"{value} is after today ({today}); record it once it has happened")]


def _rewrite(
    session: Session, review: Review, facts: ReviewFacts, rule_set: RuleSet, is_working_day: IsWorkingDay
) -> None:
    review.mediation_certificate_on = facts.mediation_certificate_on
    review.interim_review_held_on = facts.interim_review_held_on
    write_facts(session, review, facts, rule_set, is_working_day)


def record_mediation_certificate(
    session: Session,
    reference: str,
    issued_on: date,
    *,
    today: date,
    actor: str,
    rule_set: RuleSet,
    is_working_day: IsWorkingDay,
) -> ActOutcome:
    """Record the date a mediation certificate was issued and return the appeal date it gives; raise ActRefused."""
    review = review_by_reference(session, reference)
    before = review_facts(review)
    letter_on = appeal_letter_on(before)
    problems = _after_today("issued_on", issued_on, today)
    if letter_on is None:
        problems.append(
            Problem("issued_on", "no letter with appeal rights has been sent yet (a maintain decision, the final "
                    "plan, a not-amending notice or a cease notice): a certificate follows one")
        )
    elif issued_on < letter_on:
        problems.append(Problem("issued_on", f"a certificate follows the letter it is about, sent on {letter_on}"))
    after = replace(before, mediation_certificate_on=issued_on)
    problems += [p for p in order_problems(after, rule_set) if p not in order_problems(before, rule_set)]
    if problems:
        raise ActRefused(reference, problems)
    appeal = due_dates(after, rule_set, is_working_day=is_working_day)["appeal_due"]
    if before.mediation_certificate_on == issued_on:
        return ActOutcome(reference, review.id, False, appeal)
    _rewrite(session, review, after, rule_set, is_working_day)
    if review.plan.status == CEASED and review.decision_outcome == Outcome.CEASE.value:
        review.plan.ceased_on = effective_from_appeal(appeal)  # a later appeal date keeps the plan in force longer
    detail = {"reference": reference, "issued_on": issued_on.isoformat(), "appeal_due": str(appeal)}
    audit.record(session, actor=actor, action="review.mediation_certificate", review_id=review.id, detail=detail)
    return ActOutcome(reference, review.id, True, appeal)


def record_interim_review(
    session: Session,
    reference: str,
    held_on: date,
    *,
    today: date,
    actor: str,
    rule_set: RuleSet,
    is_working_day: IsWorkingDay,
) -> ActOutcome:
    """Record the interim review of a child under 5 (CoP 9.178); raise ActRefused."""
    review = review_by_reference(session, reference)
    before = review_facts(review)
    after = replace(before, interim_review_held_on=held_on)
    problems = _after_today("held_on", held_on, today)
    if review.stage is None:
        problems.append(Problem("reference", "this review is complete: record the interim review on the next one"))
    problems += [p for p in order_problems(after, rule_set) if p not in order_problems(before, rule_set)]
    if problems:
        raise ActRefused(reference, problems)
    if before.interim_review_held_on == held_on:
        return ActOutcome(reference, review.id, False)
    _rewrite(session, review, after, rule_set, is_working_day)
    detail = {"reference": reference, "held_on": held_on.isoformat()}
    audit.record(session, actor=actor, action="review.interim_review", review_id=review.id, detail=detail)
    return ActOutcome(reference, review.id, True)


def record_named_institution(session: Session, reference: str, urn: str, *, actor: str) -> ActOutcome:
    """Record the school or college the amended plan names (by URN; the current setting's clears it)."""
    review = review_by_reference(session, reference)
    wanted = urn.strip().upper()
    setting = session.scalar(select(Setting).where(Setting.urn == wanted)) if wanted != NO_SETTING_URN else None
    if setting is None:
        raise ActRefused(reference, [Problem("urn", "unknown setting URN: import it with `ehcp import settings`")])
    named = None if setting.id == review.plan.setting_id else setting.id
    if review.named_setting_id == named:
        return ActOutcome(reference, review.id, False)
    review.named_setting_id = named
    detail = {"reference": reference, "urn": wanted if named is not None else None}
    audit.record(session, actor=actor, action="review.named_institution", review_id=review.id, detail=detail)
    return ActOutcome(reference, review.id, True)


LA_NUMBER_LENGTH = 3


def _transfer_problems(review: Review, transferred_on: date, from_la: str, today: date) -> list[Problem]:
    problems = _after_today("transferred_on", transferred_on, today)
    if transferred_on < review.plan.first_issued_on:
        problems.append(Problem("transferred_on", f"a plan is transferred after it was first issued "
                                                  f"({review.plan.first_issued_on})"))
    if len(from_la) != LA_NUMBER_LENGTH or not from_la.isascii() or not from_la.isdigit():
        problems.append(Problem("from_la", "the old council's three-digit LA number, e.g. 873"))
    return problems


def record_transfer_in(
    session: Session,
    reference: str,
    transferred_on: date,
    from_la: str,
    *,
    today: date,
    actor: str,
    rule_set: RuleSet,
    is_working_day: IsWorkingDay,
) -> ActOutcome:
    """Record that the review's plan was transferred in from another council (Reg 15); raise ActRefused."""
    review = review_by_reference(session, reference)
    wanted = from_la.strip()
    problems = _transfer_problems(review, transferred_on, wanted, today)
    if problems:
        raise ActRefused(reference, problems)
    plan = review.plan
    if (plan.transferred_in_on, plan.transferred_from_la) == (transferred_on, wanted):
        return ActOutcome(reference, review.id, False)
    plan.transferred_in_on, plan.transferred_from_la = transferred_on, wanted
    current = max(plan.reviews, key=lambda each: each.cycle_number)  # the open cycle's dates move (Reg 15)
    if current.stage is not None:
        write_facts(session, current, review_facts(current), rule_set, is_working_day)
    detail = {"reference": reference, "transferred_on": transferred_on.isoformat(), "from_la": wanted}
    audit.record(session, actor=actor, action="plan.transferred_in", review_id=review.id, detail=detail)
    return ActOutcome(reference, review.id, True)
