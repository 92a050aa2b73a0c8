"""Every message a review sends, rendered for three reviews the audit of 2026-12-04 read as a parent would.

- ``late-notice``: meeting Mon 14 Sep 2026, amend decided with its notice only on Fri 4 Dec 2026 (the 12-week
  final plan date, Mon 7 Dec, falls inside the family's 15 days, which end Fri 18 Dec); final plan Mon 21 Dec.
- ``phase-transfer``: a Year 6 transfer in 2027 (plan naming the school due Sun 14 Feb 2027); meeting Mon 14 Dec
  2026, amend decided with its notice Mon 8 Feb 2027 (window to Mon 22 Feb); final plan naming the secondary school
  Tue 23 Feb 2027; a mediation certificate on Mon 12 Apr 2027.
- ``cease-on-the-day``: meeting Tue 20 Oct 2026, cease decided and the cease notice sent the same day, Tue 10 Nov.

``scenario_messages`` returns each message with who it is for; ``python -m tests.notices.letter_scenarios`` prints
them all (``PYTHONPATH=tests/notices``), so a person can read them once as a parent or a SENCO would.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, replace
from datetime import date, timedelta

from notices.context import (
    AuthorityContext,
    LetterCopy,
    NoticeContext,
    ReviewContext,
    amendment_notice_context,
    appeal_after_mediation_context,
    cease_notice_letter_context,
    decision_letter_context,
    event_context,
    family_late_letter_context,
    final_plan_letter_context,
    not_amending_letter_context,
)
from notices.kinds import MessageKind
from notices.render import RenderedMessage, render
from notices.stage_letters import LetterReach, copy_roles
from rules.advisories import advisory_deadlines
from rules.bank_holidays import england_and_wales_working_days
from rules.calendar import IsWorkingDay
from rules.catch_up import FamilyLetter, select_for_sending
from rules.deadlines import Deadline, deadlines_for
from rules.escalations import escalations_due
from rules.facts import Decision, Outcome, PhaseTransfer, ReviewFacts, TransferKind
from rules.ladder import Role
from rules.rule_set import ENGLAND_2014
from rules.stages import completed_stages
from rules.status import is_open, met_on

RULES = ENGLAND_2014
AUTHORITY = AuthorityContext(
    name="Norfolk County Council (test)",
    team_name="SEN annual reviews team",
    team_email="annual-reviews@example.org",
    team_phone="01603 000 000",
    sendiass_name="Test SENDIASS",
    sendiass_contact="0300 000 0001",
    mediation_service_name="Test Mediation Service",
    mediation_contact="0300 000 0002",
    disagreement_resolution_contact="0300 000 0003",
    local_offer="the Test SEND Local Offer, https://local-offer.example.org",
)
PEOPLE = ReviewContext(
    "AR-2027-00012", "Holly & Ivy Primary School", AUTHORITY, "Zephyrine", "parent or carer of Zephyrine"
)
NAMED = "Synthetic Larch High"  # the secondary school the phase-transfer plan names


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    before: ReviewFacts
    """The facts up to the decision (the ladder runs on these)."""
    after: ReviewFacts
    """The facts once the plan stage is done."""
    clock_days: tuple[date, ...]
    """The business dates the clock ran on."""
    review: ReviewContext = PEOPLE


LATE_NOTICE = Scenario(
    "late-notice",
    ReviewFacts(
        date(2025, 11, 20),
        meeting_held_on=date(2026, 9, 14),
        report_sent_on=date(2026, 9, 28),
        decision=Decision(Outcome.AMEND, date(2026, 12, 4)),
        amendment_notice_sent_on=date(2026, 12, 4),
    ),
    ReviewFacts(
        date(2025, 11, 20),
        meeting_held_on=date(2026, 9, 14),
        report_sent_on=date(2026, 9, 28),
        decision=Decision(Outcome.AMEND, date(2026, 12, 4)),
        amendment_notice_sent_on=date(2026, 12, 4),
        final_plan_issued_on=date(2027, 1, 8),
    ),
    (date(2026, 10, 9), date(2026, 10, 13), date(2026, 12, 4), date(2026, 12, 8), date(2026, 12, 22)),
)
_TRANSFER = PhaseTransfer(TransferKind.SCHOOL, year=2027)
PHASE_TRANSFER = Scenario(
    "phase-transfer",
    ReviewFacts(
        date(2025, 12, 20),
        phase_transfer=_TRANSFER,
        meeting_planned_on=date(2026, 12, 14),
        invitations_sent_on=date(2026, 12, 4),
        advice_circulated_on=date(2026, 12, 4),
        meeting_held_on=date(2026, 12, 14),
        report_sent_on=date(2026, 12, 21),
        decision=Decision(Outcome.AMEND, date(2027, 2, 8)),
        amendment_notice_sent_on=date(2027, 2, 8),
    ),
    ReviewFacts(
        date(2025, 12, 20),
        phase_transfer=_TRANSFER,
        meeting_held_on=date(2026, 12, 14),
        report_sent_on=date(2026, 12, 21),
        decision=Decision(Outcome.AMEND, date(2027, 2, 8)),
        amendment_notice_sent_on=date(2027, 2, 8),
        final_plan_issued_on=date(2027, 2, 23),
        mediation_certificate_on=date(2027, 4, 12),
    ),
    (
        date(2026, 11, 7),
        date(2026, 11, 30),
        date(2026, 12, 1),
        date(2027, 1, 8),
        date(2027, 1, 27),
        date(2027, 1, 31),
        date(2027, 2, 11),
        date(2027, 2, 15),
        date(2027, 3, 1),
    ),
)
CEASE_ON_THE_DAY = Scenario(
    "cease-on-the-day",
    ReviewFacts(
        date(2025, 11, 15),
        meeting_held_on=date(2026, 10, 20),
        report_sent_on=date(2026, 10, 30),
        decision=Decision(Outcome.CEASE, date(2026, 11, 10)),
        cease_notice_sent_on=date(2026, 11, 10),
    ),
    ReviewFacts(
        date(2025, 11, 15),
        meeting_held_on=date(2026, 10, 20),
        report_sent_on=date(2026, 10, 30),
        decision=Decision(Outcome.CEASE, date(2026, 11, 10)),
        cease_notice_sent_on=date(2026, 11, 10),
        mediation_certificate_on=date(2026, 12, 21),
    ),
    (date(2026, 11, 4), date(2026, 11, 7), date(2026, 11, 10)),
)
SCENARIOS = (LATE_NOTICE, PHASE_TRANSFER, CEASE_ON_THE_DAY)


def _ladder_facts(scenario: Scenario, day: date) -> ReviewFacts:
    """The facts as they stood on a clock day: nothing recorded that had not happened yet."""
    facts = scenario.after
    later = {
        f: None
        for f in facts.__slots__
        if f != "meeting_planned_on" and isinstance(getattr(facts, f), date) and getattr(facts, f) > day
    }
    if facts.decision is not None and facts.decision.notified_on > day:
        later["decision"] = None
    return replace(facts, **later)


def _ladder(scenario: Scenario, is_working_day: IsWorkingDay) -> Iterator[tuple[str, NoticeContext]]:
    """What the clock would send on each of its days: staff messages and the family's late letters.

    As the records do: each ladder event is raised (or superseded) once, and a family letter names the date the
    last one sent about the same deadline gave.
    """
    seen: set[tuple[str, str]] = set()
    promised: dict[str, date] = {}
    for day in scenario.clock_days:
        facts = _ladder_facts(scenario, day)
        deadlines: list[Deadline] = [
            *deadlines_for(facts, RULES, is_working_day=is_working_day),
            *advisory_deadlines(facts, RULES),
        ]
        completed = completed_stages(facts)
        owed = [d for d in deadlines if is_open(d, met_on(d.key, facts), completed)]  # as the records' is_open
        due = escalations_due(owed, completed, day, RULES.ladder, is_working_day=is_working_day)
        due = [e for e in due if (e.deadline_key, e.step) not in seen]
        seen |= {(e.deadline_key, e.step) for e in due}
        found = {d.key: d for d in deadlines}
        for sending in select_for_sending(due, day, RULES.ladder).send:
            event, now = sending.event, found[sending.event.deadline_key]
            if sending.family_letter is not None and sending.expected_on is not None:
                overdue = sending.family_letter is FamilyLetter.OVERDUE
                context = family_late_letter_context(
                    event,
                    scenario.review,
                    expected_on=sending.expected_on,
                    kind=MessageKind.FAMILY_OVERDUE_LETTER if overdue else MessageKind.FAMILY_LATE_LETTER,
                    earliest_lawful_on=now.earliest_lawful_on,
                    promised_on=promised.get(event.deadline_key),
                    as_of=day,
                )
                promised[event.deadline_key] = context.expected_on
                yield "family", context
                continue
            yield (
                ", ".join(sending.roles),
                event_context(
                    event,
                    scenario.review,
                    as_of=day,
                    is_working_day=is_working_day,
                    earliest_lawful_on=now.earliest_lawful_on,
                    meeting_on=facts.meeting_held_on or facts.meeting_planned_on,
                ),
            )


def _copy(kind: MessageKind, role: Role, reach: LetterReach) -> LetterCopy:
    names = {
        Role.SENCO: PEOPLE.setting_name,
        Role.HEAD_TEACHER: PEOPLE.setting_name,
        Role.NAMED_INSTITUTION: NAMED,
        Role.COMMISSIONING_BODY: "the health commissioning body",
    }
    return LetterCopy(role, tuple(dict.fromkeys(names[r] for r in copy_roles(kind, reach))))


def _stage_letters(scenario: Scenario, is_working_day: IsWorkingDay) -> Iterator[tuple[str, NoticeContext]]:
    rules = {"rule_set": RULES, "is_working_day": is_working_day}
    before, after = scenario.before, scenario.after
    reach = LetterReach(named_institution=after.phase_transfer is not None)
    people = replace(scenario.review, named_institution_name=NAMED if reach.named_institution else "")
    decided = before.decision
    assert decided is not None
    kind = MessageKind.CEASE_NOTICE if decided.outcome is Outcome.CEASE else MessageKind.DECISION_AMEND
    decided_facts = replace(before, mediation_certificate_on=None)
    yield "family", decision_letter_context(decided_facts, people, copy=_copy(kind, Role.FAMILY, reach), **rules)
    if decided.outcome is Outcome.CEASE:
        for role in (Role.HEAD_TEACHER, Role.COMMISSIONING_BODY):
            build = decision_letter_context if role is Role.HEAD_TEACHER else cease_notice_letter_context
            copy = _copy(MessageKind.CEASE_NOTICE, role, reach)
            yield str(role), build(decided_facts, people, copy=copy, **rules)
    if after.final_plan_issued_on is not None:
        issued = replace(after, mediation_certificate_on=None)  # the letter goes before any certificate
        for role in (Role.FAMILY, *((Role.NAMED_INSTITUTION,) if reach.named_institution else ())):
            copy = _copy(MessageKind.FINAL_PLAN_ISSUED, role, reach)
            yield str(role), final_plan_letter_context(issued, people, copy=copy, **rules)
    if decided.outcome is Outcome.AMEND and before.meeting_held_on is not None:
        apart = replace(before, decision=Decision(Outcome.AMEND, before.meeting_held_on + timedelta(days=28)))
        copy = _copy(MessageKind.AMENDMENT_NOTICE, Role.FAMILY, reach)
        yield (
            "family (had the decision gone without its notice)",
            amendment_notice_context(apart, people, copy=copy, **rules),
        )
        notice = before.amendment_notice_sent_on or decided.notified_on
        withdrawn = replace(before, amendments_withdrawn_on=notice + timedelta(days=10))
        copy = _copy(MessageKind.NOT_AMENDING_NOTICE, Role.FAMILY, reach)
        yield (
            "family (had the council not amended after all)",
            not_amending_letter_context(
                withdrawn,
                people,
                reasons="Synthetic reasons: the plan as it stands meets Zephyrine's needs.",
                copy=copy,
                **rules,
            ),
        )
    if after.mediation_certificate_on is not None:
        yield (
            "family",
            appeal_after_mediation_context(
                after, people, letter_on=after.mediation_certificate_on + timedelta(days=2), **rules
            ),
        )


def scenario_messages(scenario: Scenario, is_working_day: IsWorkingDay) -> list[tuple[str, RenderedMessage]]:
    """Return every message the scenario's review sends, with whom each is for, in order."""
    found = [*_ladder(scenario, is_working_day), *_stage_letters(scenario, is_working_day)]
    return [(who, render(context)) for who, context in found]


if __name__ == "__main__":
    working = england_and_wales_working_days()
    for scenario in SCENARIOS:
        for who, message in scenario_messages(scenario, working):
            print(f"\n{'=' * 100}\n[{scenario.name}] {message.kind} to {who}\nSubject: {message.subject}\n")  # noqa: T201
            print(message.body_text)  # noqa: T201
