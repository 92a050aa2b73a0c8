"""Rendering a queued notification from the records at send time: dates, first name only, recipient."""

from __future__ import annotations

from sqlalchemy import select

from notices.recipients import load_la_directory
from records.models import Notification, Setting
from records.session import SessionFactory, session_scope
from rules.bank_holidays import england_and_wales_working_days
from rules.ladder import Role
from rules.rule_set import ENGLAND_2014
from services.rendering import prepare_notice
from tests.notifications.conftest import CHILD_FAMILY_NAME, CHILD_GIVEN_NAME, ROOT, SENCO_EMAIL
from tests.notifications.support import LATE_LETTER, MISSED_REPORT, queue

LA = load_la_directory(ROOT / "examples" / "la_roles.toml")
WORKING_DAYS = england_and_wales_working_days()


def _prepare(factory: SessionFactory, notification_id: int):  # type: ignore[no-untyped-def]
    with session_scope(factory) as session:
        row = session.get_one(Notification, notification_id)
        return prepare_notice(session, row, la=LA, rule_set=ENGLAND_2014, is_working_day=WORKING_DAYS)


def test_family_late_letter_is_rendered_from_the_records_with_its_dates(
    factory: SessionFactory, review: tuple[int, str]
) -> None:
    (letter,) = queue(factory, review, LATE_LETTER)
    prepared = _prepare(factory, letter)
    body = prepared.message.body_text
    assert "Monday 29 June 2026" in body  # the decision deadline
    assert "Monday 13 July 2026" in body  # expected: 14 days later (product default)
    assert f"parent or carer of {CHILD_GIVEN_NAME}" in body and CHILD_FAMILY_NAME not in body
    assert CHILD_GIVEN_NAME not in prepared.message.subject + prepared.message.summary + prepared.reference
    assert prepared.recipient.role is Role.FAMILY
    assert prepared.recipient.email == "post-room@example.org"  # no family address in the records: posted


def test_setting_contact_changes_reach_the_next_send(factory: SessionFactory, review: tuple[int, str]) -> None:
    senco, *_ = queue(factory, review, MISSED_REPORT)
    assert _prepare(factory, senco).recipient.email == SENCO_EMAIL
    with session_scope(factory) as session:
        session.scalars(select(Setting)).one().senco_email = "new.senco@example.invalid"
    prepared = _prepare(factory, senco)
    assert prepared.recipient.email == "new.senco@example.invalid"
    assert "Monday 15 June 2026" in prepared.message.body_text
