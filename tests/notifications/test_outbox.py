"""The outbox on SQLite and PostgreSQL: enqueue once per key, even from two threads at once."""

from __future__ import annotations

import threading
from datetime import date

from sqlalchemy import func, select

from notices.planning import notifications_for_event
from records.models import Notification
from records.outbox import enqueue, pending
from records.session import SessionFactory, session_scope
from rules.deadlines import Owner
from rules.escalations import LadderEvent
from rules.ladder import Role
from services.outbox import enqueue_planned

REMINDER = LadderEvent(
    "report_due", date(2026, 6, 15), "reminder-14-days", date(2026, 6, 1), Owner.SETTING, (Role.SENCO,), False
)


def _count(factory: SessionFactory) -> int:
    with session_scope(factory) as session:
        return int(session.scalar(select(func.count()).select_from(Notification)) or 0)


def _enqueue(factory: SessionFactory, review_id: int, key: str = "R/report_due/reminder-14-days/senco") -> int:
    with session_scope(factory) as session:
        return enqueue(
            session,
            idempotency_key=key,
            review_id=review_id,
            kind="setting-reminder",
            channel="email",
            recipient_role="senco",
            deadline_key="report_due",
            ladder_step="reminder-14-days",
            deadline_due_on=date(2026, 6, 15),
            due_on=date(2026, 6, 1),
            owner="setting",
            audience=["senco"],
            advisory=False,
        ).id


def test_enqueue_same_key_twice_keeps_one_row(factory: SessionFactory, review: tuple[int, str]) -> None:
    first = _enqueue(factory, review[0])
    again = _enqueue(factory, review[0])
    assert first == again
    assert _count(factory) == 1


def test_enqueue_from_two_threads_at_once_keeps_one_row(factory: SessionFactory, review: tuple[int, str]) -> None:
    barrier = threading.Barrier(2)
    ids: list[int] = []
    errors: list[BaseException] = []

    def worker() -> None:
        try:
            barrier.wait()
            ids.append(_enqueue(factory, review[0]))
        except BaseException as exc:  # collected and re-raised by the test
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert len(ids) == 2 and ids[0] == ids[1]
    assert _count(factory) == 1


def test_enqueue_repeat_inside_one_transaction_returns_the_existing_row(
    factory: SessionFactory, review: tuple[int, str]
) -> None:
    planned = notifications_for_event(REMINDER, review_id=review[0], review_ref=review[1])
    with session_scope(factory) as session:
        first = [row.id for p in planned for row in enqueue_planned(session, p)]
        second = [row.id for p in planned for row in enqueue_planned(session, p)]
    assert first == second
    assert _count(factory) == 1


def test_pending_lists_queued_notifications_oldest_first(factory: SessionFactory, review: tuple[int, str]) -> None:
    ids = [_enqueue(factory, review[0], key=f"R/k/s/{n}") for n in range(3)]
    with session_scope(factory) as session:
        session.get_one(Notification, ids[1]).status = "sent"
    with session_scope(factory) as session:
        assert pending(session, 10) == [ids[0], ids[2]]
        assert pending(session, 1) == [ids[0]]
