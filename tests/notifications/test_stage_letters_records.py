"""Stage letters queued and rendered from the records (issue 18): one formal cease notice on the decision's day (N6),
the amendment notice as its own letter (N4), the named school and the commissioning body (N9), no setting for a
review the council leads (N21) and the follow-up letter naming the date given before (N12)."""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import select

from notices.planning import notifications_for_sending
from notices.recipients import load_la_directory
from records.models import Notification, NotificationStatus, Review, Setting
from records.models.caseload import NO_SETTING_NAME, NO_SETTING_URN
from records.review_progress import apply_input
from records.session import SessionFactory, session_scope
from rules.bank_holidays import england_and_wales_working_days
from rules.catch_up import FamilyLetter, Sending
from rules.deadlines import Owner
from rules.escalations import LadderEvent
from rules.facts import Outcome
from rules.ladder import Role
from rules.rule_set import ENGLAND_2014
from rules.transitions import DecisionTaken, MeetingHeld, PlanIssued, PreparationDone, ReportReceived, StageInput
from services.outbox import enqueue_planned
from services.rendering import prepare_notice
from services.stages import queue_letters
from tests.notifications.conftest import ROOT

LA = load_la_directory(ROOT / "examples" / "la_roles.toml")
WORKING_DAYS = england_and_wales_working_days()
TODAY = date(2027, 2, 1)
TO_DECISION = (
    PreparationDone(date(2026, 10, 20), date(2026, 10, 1), date(2026, 10, 2)),
    MeetingHeld(date(2026, 10, 20)),
    ReportReceived(date(2026, 10, 27), Outcome.AMEND),
)


def record(factory: SessionFactory, reference: str, *inputs: StageInput) -> None:
    """Apply each input and queue its letters, one transaction each, as the stage task does."""
    for given in inputs:
        with session_scope(factory) as session:
            wait = session.scalars(select(Review.wait_number).where(Review.reference == reference)).one()
            outcome = apply_input(
                session,
                reference,
                given,
                idempotency_key=f"{reference}/test-{wait}",
                actor="test",
                today=TODAY,
                rule_set=ENGLAND_2014,
                is_working_day=WORKING_DAYS,
            )
            assert outcome.accepted, outcome.problems
            queue_letters(session, reference, given)


def letters(factory: SessionFactory) -> list[tuple[str, str]]:
    with session_scope(factory) as session:
        rows = session.execute(select(Notification.template, Notification.recipient_role).order_by(Notification.id))
        return [(str(kind), str(role)) for kind, role in rows]


def rendered(factory: SessionFactory, kind: str, role: Role):  # type: ignore[no-untyped-def]
    with session_scope(factory) as session:
        row = session.scalars(
            select(Notification).where(Notification.template == kind, Notification.recipient_role == role)
        ).one()
        return prepare_notice(session, row, la=LA, rule_set=ENGLAND_2014, is_working_day=WORKING_DAYS)


def mark_sent(factory: SessionFactory, kind: str, role: Role) -> None:
    with session_scope(factory) as session:
        row = session.scalars(
            select(Notification).where(Notification.template == kind, Notification.recipient_role == role)
        ).one()
        row.status = NotificationStatus.SENT.value


def test_n6_a_cease_notice_on_the_decisions_day_is_one_formal_notice(
    factory: SessionFactory, review: tuple[int, str]
) -> None:
    _, reference = review
    record(factory, reference, *TO_DECISION, DecisionTaken(Outcome.CEASE, date(2026, 11, 10)))
    assert letters(factory) == [
        ("decision-cease", "family"),
        ("decision-cease", "senco"),
        ("decision-cease", "head_teacher"),
    ]
    record(factory, reference, PlanIssued("cease-notice", date(2026, 11, 10)))
    assert letters(factory)[3:] == [("cease-notice", "commissioning_body")]  # the others ride on the unsent ones
    family = rendered(factory, "decision-cease", Role.FAMILY).message
    assert "This letter is our formal notice of that decision" in family.body_text
    assert "appeal by" in family.subject and "propose" not in family.subject
    for claim in ("consulted", "we were considering", "your views"):
        assert claim not in family.body_text
    head = rendered(factory, "decision-cease", Role.HEAD_TEACHER).message.body_text
    assert "Reg 31(2)" in head and "Please send us your views" not in head


def test_n6_a_proposal_already_sent_is_followed_by_the_notice(factory: SessionFactory, review: tuple[int, str]) -> None:
    _, reference = review
    record(factory, reference, *TO_DECISION, DecisionTaken(Outcome.CEASE, date(2026, 11, 10)))
    mark_sent(factory, "decision-cease", Role.FAMILY)
    record(factory, reference, PlanIssued("cease-notice", date(2026, 11, 10)))
    assert ("cease-notice", "family") in letters(factory) and ("cease-notice", "senco") not in letters(factory)
    body = rendered(factory, "cease-notice", Role.FAMILY).message.body_text
    assert "This notice follows our letter of Tuesday 10 November 2026" in body and "consulted" not in body


def test_n4_the_amendment_notice_sent_after_the_decision_is_its_own_letter(
    factory: SessionFactory, review: tuple[int, str]
) -> None:
    _, reference = review
    record(factory, reference, *TO_DECISION, DecisionTaken(Outcome.AMEND, date(2026, 11, 10)))
    with session_scope(factory) as session:
        assert session.scalars(select(Review.amendment_notice_sent_on)).one() is None  # never invented
    record(factory, reference, PlanIssued("amendment-notice", date(2026, 11, 24)))
    assert letters(factory)[2:] == [("amendment-notice", "family"), ("amendment-notice", "senco")]
    decision = rendered(factory, "decision-amend", Role.FAMILY).message.body_text
    assert "separate notice" in decision and "With this notice you will find" not in decision
    notice = rendered(factory, "amendment-notice", Role.FAMILY).message
    assert "your views by Tuesday 8 December 2026" in notice.subject
    assert "On Tuesday 10 November 2026 we told you that we had decided to amend" in notice.body_text


def test_n9_the_final_plan_reaches_the_school_it_names_and_the_commissioning_body(
    factory: SessionFactory, review: tuple[int, str]
) -> None:
    review_id, reference = review
    with session_scope(factory) as session:
        school = Setting(
            urn="900902",
            name="Synthetic Larch High",
            phase="secondary",
            head_teacher_email="head.900902@example.invalid",
        )
        session.add(school)
        session.flush()
        session.get_one(Review, review_id).named_setting_id = school.id
    notice = date(2026, 11, 10)
    record(
        factory,
        reference,
        *TO_DECISION,
        DecisionTaken(Outcome.AMEND, notice, notice),
        PlanIssued("final-plan", date(2026, 12, 1)),
    )
    assert letters(factory)[2:] == [
        ("final-plan-issued", "family"),
        ("final-plan-issued", "senco"),
        ("final-plan-issued", "named_institution"),
        ("final-plan-issued", "commissioning_body"),
    ]
    named = rendered(factory, "final-plan-issued", Role.NAMED_INSTITUTION)
    assert named.recipient.email == "head.900902@example.invalid"
    assert "Reg 22(3)(b)" in named.message.body_text
    assert rendered(factory, "final-plan-issued", Role.COMMISSIONING_BODY).recipient.email == "icb-send@example.org"
    family = rendered(factory, "final-plan-issued", Role.FAMILY).message.body_text
    assert "A copy of this letter has been sent to Synthetic Rowan Primary, Synthetic Larch High and " in family
    assert "The plan names Synthetic Larch High." in family


def test_n21_a_review_the_council_leads_copies_and_names_no_setting(
    factory: SessionFactory, review: tuple[int, str]
) -> None:
    review_id, reference = review
    with session_scope(factory) as session:
        placeholder = Setting(urn=NO_SETTING_URN, name=NO_SETTING_NAME, phase="none")
        session.add(placeholder)
        session.flush()
        stored = session.get_one(Review, review_id)
        stored.plan.setting_id, stored.led_by = placeholder.id, "la"
    record(factory, reference, *TO_DECISION, DecisionTaken(Outcome.MAINTAIN, date(2026, 11, 10)))
    assert letters(factory) == [("decision-maintain", "family")]
    body = rendered(factory, "decision-maintain", Role.FAMILY).message.body_text
    assert "A copy of this letter has been sent to" not in body and "No school" not in body


def test_n12_a_follow_up_names_the_date_the_first_letter_gave(factory: SessionFactory, review: tuple[int, str]) -> None:
    review_id, reference = review
    record(factory, reference, *TO_DECISION)  # decision due Tue 17 Nov 2026 (4 weeks after the meeting)
    due = date(2026, 11, 17)
    first = LadderEvent(
        "decision_due", due, "family-late-letter", due - timedelta(days=3), Owner.LA, (Role.FAMILY,), False
    )
    later = LadderEvent(
        "decision_due", due, "family-follow-up", due + timedelta(days=15), Owner.LA, (Role.FAMILY,), False
    )
    sendings = [
        Sending(first, (Role.FAMILY,), FamilyLetter.AHEAD, due + timedelta(days=14), due + timedelta(days=15)),
        Sending(later, (Role.FAMILY,), FamilyLetter.OVERDUE, due + timedelta(days=29)),
    ]
    with session_scope(factory) as session:
        ids = [
            row.id
            for sending in sendings
            for planned in notifications_for_sending(
                sending, review_id=review_id, review_ref=reference, as_of=sending.event.due_on
            )
            for row in enqueue_planned(session, planned)
        ]
    with session_scope(factory) as session:
        session.get_one(Notification, ids[0]).status = NotificationStatus.SENT.value
    with session_scope(factory) as session:
        one = prepare_notice(
            session, session.get_one(Notification, ids[0]), la=LA, rule_set=ENGLAND_2014, is_working_day=WORKING_DAYS
        ).message
        two = prepare_notice(
            session, session.get_one(Notification, ids[1]), la=LA, rule_set=ENGLAND_2014, is_working_day=WORKING_DAYS
        ).message
    assert "by Tuesday 1 December 2026. If we have not done it by then, we will write to you again." in one.body_text
    assert "we expected to do it by Tuesday 1 December 2026. That date has passed" in two.body_text
    assert "We now expect to do it by Wednesday 16 December 2026." in two.body_text
    assert "our decision is late" in two.subject
