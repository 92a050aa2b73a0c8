"""What the drills count after each fault: the records, the mailbox and Prefect, against what must have happened.

Plain reads: SQL on the records database, the mail sink's files, and Prefect's REST API. A ``Ledger``
is one snapshot; ``problems`` turns it into the duplicates, losses and stuck runs a drill reports.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from email.message import Message
from pathlib import Path
from typing import Any

import psycopg

from deployments.mailbox import read_mailbox
from deployments.production_stack import ProductionStack
from records.models.reviews import stage_of_wait

LIVE = ("SCHEDULED", "PENDING", "RUNNING", "PAUSED", "CANCELLING")
BUSY = ("SCHEDULED", "PENDING", "RUNNING")  # not yet at a wait: created, handed to a worker, or executing


@dataclass
class Ledger:
    """One snapshot of the installation, in counts a person can check by hand."""

    clock_events: int = 0
    duplicate_events: int = 0
    escalations: int = 0
    outbox: Counter[str] = field(default_factory=Counter)
    mails: int = 0
    duplicate_mails: int = 0
    sent_without_mail: int = 0
    unrecorded_mails: int = 0
    termly_lists: int = 0
    open_reviews: int = 0
    without_live_run: list[str] = field(default_factory=list)
    wrong_stage: list[str] = field(default_factory=list)
    busy_runs: int = 0

    def summary(self) -> str:
        outbox = ", ".join(f"{n} {status}" for status, n in sorted(self.outbox.items())) or "empty"
        return (
            f"events {self.clock_events}, escalations {self.escalations}, outbox [{outbox}], mails {self.mails} "
            f"(+{self.termly_lists} termly lists), open reviews {self.open_reviews}"
        )

    def problems(self) -> list[str]:
        """Every duplicate, loss or stuck run this snapshot shows."""
        found = [
            (self.duplicate_events, "duplicate clock events"),
            (self.duplicate_mails, "mails delivered twice"),
            (max(0, self.unrecorded_mails - self.termly_lists), "mails with no outbox row"),
            (self.sent_without_mail, "outbox rows 'sent' with no mail (lost)"),
            (self.outbox.get("failed", 0), "outbox rows failed (not delivered)"),
            (self.outbox.get("queued", 0), "outbox rows still queued"),
            (self.busy_runs, "review runs not at a wait (scheduled, pending or running)"),
            (len(self.without_live_run), f"open reviews with no live run {self.without_live_run[:3]}"),
            (len(self.wrong_stage), f"runs waiting at another stage than the record {self.wrong_stage[:3]}"),
        ]
        return [f"{count} {what}" for count, what in found if count]


def _records_url(stack: ProductionStack) -> str:
    return stack.profile.records_url.replace("postgresql+psycopg://", "postgresql://")


def _message_ids(messages: list[Message]) -> Counter[str]:
    return Counter(str(m.get("Message-ID", "")).strip() for m in messages)


def _records_counts(stack: ProductionStack, ledger: Ledger) -> tuple[set[str], dict[str, tuple[int, str | None]]]:
    with psycopg.connect(_records_url(stack)) as db:
        ledger.clock_events = db.execute("SELECT count(*) FROM clock_events").fetchone()[0]  # type: ignore[index]
        ledger.duplicate_events = db.execute(
            "SELECT count(*) FROM (SELECT 1 FROM clock_events GROUP BY review_id, deadline_key, ladder_step"
            " HAVING count(*) > 1) d"
        ).fetchone()[0]  # type: ignore[index]
        ledger.escalations = db.execute(  # one table since migration 0008: events that reached someone
            "SELECT count(*) FROM clock_events WHERE recipient_roles IS NOT NULL AND status = 'fired'"
        ).fetchone()[0]  # type: ignore[index]
        ledger.outbox = Counter(dict(db.execute("SELECT status, count(*) FROM notifications GROUP BY status")))
        ledger.termly_lists = db.execute("SELECT count(*) FROM termly_lists_sent").fetchone()[0]  # type: ignore[index]
        sent_ids = {
            str(pid).strip()
            for (pid,) in db.execute(
                "SELECT provider_id FROM notifications WHERE status = 'sent' AND channel = 'email'"
            )
        }
        open_reviews = {
            ref: (stage, run_id)
            for ref, stage, run_id in db.execute(
                "SELECT r.reference, r.stage, r.flow_run_id FROM reviews r JOIN deadlines d ON d.review_id = r.id"
                " WHERE d.key = 'preparation_opens' AND d.due_on <= current_date AND r.stage IS NOT NULL"
            )
        }
    return sent_ids, open_reviews


def _run_states(stack: ProductionStack, run_ids: list[str]) -> dict[str, dict[str, Any]]:
    states: dict[str, dict[str, Any]] = {}
    for start in range(0, len(run_ids), 200):
        body = {"flow_runs": {"id": {"any_": run_ids[start : start + 200]}}, "limit": 200}
        states.update({run["id"]: run for run in stack.api("POST", "/flow_runs/filter", json=body).json()})
    return states


def _stage_waited(run: dict[str, Any]) -> int | None:
    key = ((run.get("state") or {}).get("state_details") or {}).get("pause_key") or ""
    return stage_of_wait(key)


def take_ledger(stack: ProductionStack) -> Ledger:
    """Count everything once."""
    ledger = Ledger()
    sent_ids, open_reviews = _records_counts(stack, ledger)
    mail_ids = _message_ids(read_mailbox(stack.profile.mailbox))
    ledger.mails = sum(mail_ids.values())
    ledger.duplicate_mails = sum(n - 1 for n in mail_ids.values() if n > 1)
    ledger.sent_without_mail = len(sent_ids - set(mail_ids))
    ledger.unrecorded_mails = len(set(mail_ids) - sent_ids)
    ledger.open_reviews = len(open_reviews)
    runs = _run_states(stack, [run_id for _, run_id in open_reviews.values() if run_id])
    for ref, (stage, run_id) in sorted(open_reviews.items()):
        run = runs.get(run_id or "")
        if run is None or run["state_type"] not in LIVE:
            ledger.without_live_run.append(ref)
        elif run["state_type"] == "PAUSED" and _stage_waited(run) != stage:
            ledger.wrong_stage.append(ref)
    ledger.busy_runs = count_runs(stack, BUSY)
    return ledger


def count_runs(stack: ProductionStack, states: tuple[str, ...], flow: str = "annual-review") -> int:
    body = {"flows": {"name": {"any_": [flow]}}, "flow_runs": {"state": {"type": {"any_": list(states)}}}}
    return int(stack.api("POST", "/flow_runs/count", json=body).json())


def personal_data(stack: ProductionStack) -> dict[str, str]:
    """Each child's family name, full name and date of birth (three ways), mapped to what kind of datum it is."""
    needles: dict[str, str] = {}
    with psycopg.connect(_records_url(stack)) as db:
        for given, family, born in db.execute("SELECT given_name, family_name, date_of_birth FROM children"):
            needles[family] = "family name"
            needles[f"{given} {family}"] = "full name"
            needles[born.isoformat()] = "date of birth"
            needles[born.strftime("%d/%m/%Y")] = "date of birth"
            needles[f"{born.day} {born:%B %Y}"] = "date of birth"
    return needles


def scan_for_personal_data(stack: ProductionStack, prefect_database: str, results: Path) -> Counter[str]:
    """Search every row of every table of Prefect's database, and every result file, for any child's data."""
    needles = personal_data(stack)
    hits: Counter[str] = Counter()
    url = f"postgresql://postgres@127.0.0.1:5432/{prefect_database}"
    with psycopg.connect(url) as db:
        tables = [t for (t,) in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        for table in tables:
            for (text,) in db.execute(f'SELECT t::text FROM "{table}" t'):
                hits.update(f"{needles[n]} in Prefect table {table}" for n in needles if n in text)
    for path in results.rglob("*"):
        if path.is_file():
            text = path.read_bytes().decode("utf-8", "replace")
            hits.update(f"{needles[n]} in result file {path.name}" for n in needles if n in text)
    return hits
