"""Two people send the same stage at the same moment (two tabs, a slow double click): one entry per wait, the
other told at once who sent first and when, nothing of theirs kept, never a server error. On SQLite (a file,
as in production) and PostgreSQL, through the service every door calls (``portal.review_service.submit_stage``).

The threads meet at a barrier after both have checked that the wait is open and before either saves, so the
race is the real one: the database's unique keys (one meeting record per review, one inbox row per wait) decide.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import date
from typing import Any

import pytest
from sqlalchemy import select

import portal.review_service as review_service
from portal.accounts import Role, add_user
from portal.review_service import StageResult, submit_stage
from portal.scope import Principal, principal_of
from records.models import AuditEntry, InboxEntry, MeetingRecord
from records.session import SessionFactory, session_scope

TODAY = date(2026, 12, 1)
URN = "900901"  # the synthetic setting of tests.notifications.conftest


def _form(day: int) -> dict[str, str]:
    return {
        "meeting_planned_on-day": str(day), "meeting_planned_on-month": "12", "meeting_planned_on-year": "2026",
        "invited_family-day": "20", "invited_family-month": "11", "invited_family-year": "2026",
        "advice_circulated_on-day": "21", "advice_circulated_on-month": "11", "advice_circulated_on-year": "2026",
        "advice_from": f"Pretend-advice-{day}", "action": "send", "confirm_warnings": "yes",
    }  # fmt: skip


def _people(factory: SessionFactory) -> tuple[Principal, Principal]:
    with session_scope(factory) as session:
        first = add_user(session, "senco@rowan.example", Role.SETTING, setting_urns=(URN,), password="x" * 12)
        second = add_user(session, "deputy@rowan.example", Role.SETTING, setting_urns=(URN,), password="x" * 12)
        return principal_of(first), principal_of(second)


def _race(
    factory: SessionFactory, monkeypatch: pytest.MonkeyPatch, reference: str, people: tuple[Principal, Principal]
) -> list[StageResult]:
    """Both people send stage 1 at once; each thread waits for the other before saving anything."""
    meet = threading.Barrier(2, timeout=20)
    save: Callable[..., Any] = review_service._save_personal

    def save_together(*args: Any, **kwargs: Any) -> Any:
        meet.wait()
        return save(*args, **kwargs)

    monkeypatch.setattr(review_service, "_save_personal", save_together)
    results: dict[int, StageResult] = {}
    errors: list[BaseException] = []

    def send(i: int) -> None:
        try:
            results[i] = submit_stage(factory, people[i], reference, 1, _form(10 + i), today=TODAY)
        except BaseException as exc:  # a 500 in the door
            errors.append(exc)

    threads = [threading.Thread(target=send, args=(i,)) for i in (0, 1)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert errors == []
    return [results[0], results[1]]


def _check_one_entry(factory: SessionFactory, results: list[StageResult]) -> None:
    [won] = [r for r in results if r.received is not None]
    [lost] = [r for r in results if r.received is None]
    assert lost.conflict and not won.conflict
    [problem] = lost.problems
    winner = "senco@rowan.example" if results[0] is won else "deputy@rowan.example"
    assert f"already being recorded: sent by {winner} (setting staff) on " in problem.message
    assert "Nothing you entered was saved" in problem.message
    with session_scope(factory) as session:
        rows = session.scalars(select(InboxEntry)).all()
        assert len(rows) == 1 and rows[0].id == won.received.entry_id  # type: ignore[union-attr]
        [record] = session.scalars(select(MeetingRecord)).all()
        planned = rows[0].form["meeting_planned_on"]
        day = int(planned[-2:])
        assert record.content["preparation"]["advice_from"] == f"Pretend-advice-{day}"  # the winner's, not a mix
        received = session.scalars(select(AuditEntry).where(AuditEntry.action == "review.input_received")).all()
        assert len(received) == 1


def test_two_people_sending_stage_1_at_once_with_no_meeting_record_yet(
    factory: SessionFactory, review: tuple[int, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    results = _race(factory, monkeypatch, review[1], _people(factory))
    _check_one_entry(factory, results)


def test_two_people_sending_stage_1_at_once_with_a_record_already_there(
    factory: SessionFactory, review: tuple[int, str], monkeypatch: pytest.MonkeyPatch
) -> None:
    people = _people(factory)
    draft = {**_form(9), "action": "send", "confirm_warnings": ""}
    draft.pop("advice_circulated_on-day")  # refused: but the preparation section is saved, so the record exists
    first = submit_stage(factory, people[0], review[1], 1, draft, today=TODAY)
    assert first.problems and not first.conflict
    with session_scope(factory) as session:
        assert len(session.scalars(select(MeetingRecord)).all()) == 1
    results = _race(factory, monkeypatch, review[1], people)
    _check_one_entry(factory, results)


def test_the_same_person_twice_in_a_row_is_told_the_first_is_being_recorded(
    factory: SessionFactory, review: tuple[int, str]
) -> None:
    senco, _ = _people(factory)
    first = submit_stage(factory, senco, review[1], 1, _form(10), today=TODAY)
    again = submit_stage(factory, senco, review[1], 1, _form(11), today=TODAY)
    assert first.received is not None and again.conflict
    assert "already being recorded: sent by senco@rowan.example (setting staff)" in again.problems[0].message
    with session_scope(factory) as session:
        [record] = session.scalars(select(MeetingRecord)).all()
        assert record.content["preparation"]["advice_from"] == "Pretend-advice-10"  # the second changed nothing
