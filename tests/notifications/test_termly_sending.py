"""The clock's termly lists: each setting's list queued once per term (at least 2 weeks before it starts)
and sent by the outbox sweep, like every other message."""

from __future__ import annotations

from datetime import date
from pathlib import Path

from prefect.logging import disable_run_logger

from records.session import SessionFactory
from services.outbox import sweep_outbox
from services.termly import queue_termly_lists
from tests.notifications.conftest import SENCO_EMAIL, Mailbox
from tests.records.support import run, write_csv

SPRING_2027_STARTS = date(2027, 1, 4)


def test_each_setting_gets_its_list_once_before_the_term(
    task_env: str, factory: SessionFactory, mailbox: Mailbox, tmp_path: Path
) -> None:
    from tests.notifications.conftest import CHILD, SETTING

    due_in_spring = {**CHILD, "plan_first_issued_on": "2026-03-01"}  # meeting due Sun 31 Jan 2027
    assert run("import", "settings", str(write_csv(tmp_path / "s.csv", [SETTING]))).exit_code == 0
    assert run("import", "caseload", str(write_csv(tmp_path / "c.csv", [due_in_spring]))).exit_code == 0
    with disable_run_logger():
        assert queue_termly_lists(date(2026, 11, 27)) == {}  # spring starts in 38 days: not yet
        first = queue_termly_lists(date(2026, 12, 14))  # 21 days before the term
        sweep = sweep_outbox()
        again = queue_termly_lists(date(2026, 12, 15))
        started = queue_termly_lists(SPRING_2027_STARTS)  # the term has started: never sent late
        assert sweep_outbox().sent == 0
    assert list(first.values()) == ["queued"] and list(again.values()) == ["already queued"]
    assert sweep.sent == 1
    assert "spring-2027" not in " ".join(started)
    ((to, mail),) = mailbox.messages
    assert to == [SENCO_EMAIL]
    body = mail.get_body(preferencelist=("plain",)).get_content()
    assert "spring term 2027" in body and "Sunday 31 January 2027" in body
    assert "900901" in str(mail["Subject"]) and CHILD["given_name"] not in str(mail["Subject"]) + body
