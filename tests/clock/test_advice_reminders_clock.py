"""The statutory clock sends the advice requests and reminders (14 and 3 days before needed-by), once each, and
no professional's name, address or advice reaches Prefect."""

from __future__ import annotations

from datetime import date, timedelta

from prefect.client.orchestration import get_client
from sqlalchemy import select

from records.models import Invitee, InviteeKind, Review
from records.session import SessionFactory, session_scope
from services.advice import request_advice
from tests.notifications.conftest import Mailbox

ADVISER_NAME = "Dr Ottoline Brackenbury"
ADVISER_EMAIL = "adviser.900901@example.invalid"
REQUESTED_ON = date(2026, 12, 1)
MEETING_ON = date(2027, 1, 12)  # advice needed by Tue 2026-12-29: reminders Tue 12-15 and Sat 12-26


def _clock(as_of: date) -> dict:  # type: ignore[type-arg]
    from flows.statutory_clock import statutory_clock

    return statutory_clock(as_of=as_of)


def _to_adviser(mailbox: Mailbox) -> list[str]:
    return [str(mail["Subject"]) for to, mail in mailbox.messages if to == [ADVISER_EMAIL]]


def test_the_clock_sends_the_request_then_each_reminder_once(
    factory: SessionFactory, review: tuple[int, str], mailbox: Mailbox
) -> None:
    with session_scope(factory) as session:
        session.get_one(Review, review[0]).meeting_planned_on = MEETING_ON
        session.add(Invitee(review_id=review[0], kind=InviteeKind.PROFESSIONAL.value, role="Educational psychologist",
                            name=ADVISER_NAME, email=ADVISER_EMAIL, advice_requested=True, invited_on=REQUESTED_ON,
                            created_by="S-1"))  # fmt: skip
        session.flush()
        assert request_advice(session, review[0], today=REQUESTED_ON, actor="S-1") == 1
    _clock(REQUESTED_ON)
    (request,) = _to_adviser(mailbox)
    assert "your advice is needed by Tuesday 29 December 2026" in request
    bodies = [str(mail.get_body(("plain",)).get_content())  # type: ignore[union-attr]
              for to, mail in mailbox.messages if to == [ADVISER_EMAIL]]
    assert "/link/advice/" in bodies[0] and f"Dear {ADVISER_NAME}" in bodies[0]
    queued = [_clock(REQUESTED_ON + timedelta(days=n))["advice_reminders"] for n in (13, 14, 14, 24, 25, 25)]
    assert queued == [0, 1, 0, 0, 1, 0]  # Mon 12-14 none; Tue 12-15 the 14-day one, once; Sat 12-26 the 3-day one
    subjects = _to_adviser(mailbox)
    assert len(subjects) == 3 and all(s.startswith("Reminder:") for s in subjects[1:])
    with get_client(sync_client=True) as client:
        runs = client.read_task_runs(limit=200)
        flow_runs = client.read_flow_runs(limit=50)
        logs, page = [], client.read_logs(limit=200)
        while page:  # every log line of every pass, not just the first 200
            logs += page
            page = client.read_logs(limit=200, offset=len(logs))
    text = " ".join([r.name for r in runs] + [f"{r.name} {r.parameters}" for r in flow_runs]
                    + [log.message for log in logs])
    assert ADVISER_NAME not in text and ADVISER_EMAIL not in text and "Ottoline" not in text
    with session_scope(factory) as session:
        assert session.scalars(select(Invitee.id).where(Invitee.email == ADVISER_EMAIL)).one()
