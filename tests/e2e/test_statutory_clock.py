"""The statutory clock end to end: time travel with ``ehcp clock --as-of``, every ladder step once, by mail.

The clock raises escalations in its own run (it never resumes a review run), with the catch-up rules:
a reminder for a deadline already passed is not sent, and only the highest step due goes to each role.

Shares the session's Prefect server, runner and mail sink (tests/e2e/conftest.py). Mails are matched
to a review by its reference in the subject; nothing personal is in a subject.
"""

from __future__ import annotations

import json
import threading
from email.message import Message

import pytest

from records.clock_events import record_due_events
from records.session import make_session_factory, session_scope
from records.settings import Settings
from rules.bank_holidays import england_and_wales_working_days
from rules.ladder import DEFAULT_LADDER
from tests.e2e.caseload import Records, write_caseload
from tests.e2e.conftest import Stack, api
from tests.e2e.test_review_flow import run_state, start

# Each review's deadlines fall after every business date the tests before it use, so the clock runs of one
# test (which act on the whole caseload) never fire another test's steps early.
CHILDREN = [("CLOCK-SETTING", "5", "2025-12-01"), ("CLOCK-LA", "5", "2026-01-10"), ("CLOCK-DOWN", "5", "2026-04-01")]


@pytest.fixture(scope="module")
def records(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Records:
    settings, caseload = write_caseload(tmp_path_factory.mktemp("clock-caseload"), CHILDREN)
    stack.ehcp("import", "settings", str(settings))
    stack.ehcp("import", "caseload", str(caseload))
    return Records(stack.env["EHCP_DATABASE_URL"])


def mails_for(stack: Stack, reference: str) -> list[Message]:
    return [m for m in stack.mails() if reference in str(m["Subject"])]


def sent_to(mails: list[Message]) -> list[str]:
    return sorted(str(m["X-Envelope-To"]) for m in mails)


def clock(stack: Stack, as_of: str) -> str:
    return stack.ehcp("clock", "--as-of", as_of).stdout


def test_a_setting_deadline_walks_the_ladder_once_by_mail(stack: Stack, records: Records) -> None:
    """meeting_due Mon 2 Nov 2026 (plan first issued 1 Dec 2025), owed by the setting."""
    reference = start(stack, records, "CLOCK-SETTING")
    clock(stack, "2026-10-19")
    assert sent_to(mails_for(stack, reference)) == ["senco.900901@example.invalid"]
    clock(stack, "2026-10-19")  # the same business date twice: nothing new
    assert len(mails_for(stack, reference)) == 1
    clock(stack, "2026-11-03")  # catch-up: the 3-day reminder (30 Oct) is stale by now; the missed step (3 Nov)
    mails = mails_for(stack, reference)
    assert sent_to(mails[1:]) == [
        "ehc-coordinators@example.org",
        "head.900901@example.invalid",
        "senco.900901@example.invalid",
    ]
    missed = [m for m in mails if "missed" in str(m["Subject"])]
    assert missed and "2 November 2026" in str(missed[0]["Subject"])
    assert "Testchild" not in "".join(str(m["Subject"]) for m in mails)
    threads = [threading.Thread(target=clock, args=(stack, "2026-11-10")) for _ in range(2)]  # two at once
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sent_to(mails_for(stack, reference)[4:]) == ["ehc-coordinators@example.org", "sen-team-manager@example.org"]
    clock(stack, "2026-11-24")  # +15 working days (24 Nov) and the review's own 14-day reminder (16 Nov)
    assert sorted(sent_to(mails_for(stack, reference)[6:])) == [
        "ehc-coordinators@example.org",
        "head-of-sen@example.org",
    ]
    assert "overdue" in run_state_tags(stack, reference)
    listed = json.loads(stack.ehcp("escalations", "--review", reference, "--json").stdout)
    events = listed_events(listed)
    assert events and all(n["status"] == "sent" for e in events for n in e["notifications"])
    assert prefect_events(stack, "ehcp.deadline.missed", reference) == 1


def test_an_la_deadline_warns_the_family_then_escalates(stack: Stack, records: Records) -> None:
    """decision_due Fri 18 Dec 2026 (meeting held Fri 20 Nov), owed by the LA."""
    reference = start(stack, records, "CLOCK-LA")
    stack.ehcp(
        "submit",
        "preparation",
        reference,
        "--meeting-planned-on",
        "2026-11-20",
        "--invitations-sent-on",
        "2026-11-01",
        "--advice-circulated-on",
        "2026-11-02",
    )
    stack.ehcp("submit", "meeting", reference, "--held-on", "2026-11-20")
    stack.ehcp("submit", "report", reference, "--received-on", "2026-11-25", "--recommendation", "maintain")
    clock(stack, "2026-12-15")  # both reminders due (4 and 15 Dec): only the later; the family's late letter
    assert sent_to(mails_for(stack, reference)) == ["ehc-coordinators@example.org", "post-room@example.org"]
    clock(stack, "2026-12-21")  # missed on Sat 19 Dec: the caseworker and the SEN team manager
    assert sent_to(mails_for(stack, reference)[2:]) == ["ehc-coordinators@example.org", "sen-team-manager@example.org"]
    stack.ehcp("decide", reference, "--outcome", "maintain", "--notified-on", "2026-11-26")
    clock(stack, "2026-12-31")
    decided = [m for m in mails_for(stack, reference)[4:] if "decision" not in str(m["Subject"]).lower()]
    assert decided == []  # the decision ended the ladder (its own letter, when queued, is not a ladder step)


def test_a_clock_killed_half_way_then_run_again_fires_each_event_once(stack: Stack, records: Records) -> None:
    reference = start(stack, records, "CLOCK-DOWN")
    settings = Settings(database_url=stack.env["EHCP_DATABASE_URL"])
    with session_scope(make_session_factory(settings)) as session:  # recorded, then "killed" before waking
        record_due_events(session, date_of("2027-02-17"), DEFAULT_LADDER, england_and_wales_working_days())
    clock(stack, "2027-02-17")  # meeting due Wed 3 Mar 2027: its 14-day reminder, once
    assert sent_to(mails_for(stack, reference)) == ["senco.900901@example.invalid"]


def date_of(iso: str):  # type: ignore[no-untyped-def]
    from datetime import date

    return date.fromisoformat(iso)


def run_state_tags(stack: Stack, reference: str) -> list[str]:
    run_id = run_state(stack, reference)["id"]
    return list(api("GET", f"{stack.api_url}/flow_runs/{run_id}").json()["tags"])


def listed_events(listed: object) -> list[dict]:  # type: ignore[type-arg]
    if isinstance(listed, dict):
        return list(listed.get("events", []))
    return list(listed)  # type: ignore[arg-type]


def prefect_events(stack: Stack, name: str, reference: str) -> int:
    """Count the review's events of this name; each names the review's run as a related resource."""
    body = {"filter": {"event": {"name": [name]}, "resource": {"id": [f"ehcp.review.{reference}"]}}, "limit": 50}
    response = api("POST", f"{stack.api_url}/events/filter", json=body)
    response.raise_for_status()
    events = response.json()["events"]
    run_id = run_state(stack, reference)["id"]
    for event in events:
        related = {(r["prefect.resource.id"], r.get("prefect.resource.role")) for r in event.get("related", [])}
        assert (f"prefect.flow-run.{run_id}", "review-run") in related
    return len(events)
