"""Family letters reach the people the law names, by each one's channel, on SQLite and PostgreSQL (issue 20).

A Year 13 student's decision letter opens "Dear <first name>" and tells them the right of appeal is theirs; a
Year 4 pupil's goes to each parent on record by each one's channel; a posted letter is a tagged PDF in the day's
print batch; the addressee is decided at the age boundary (the last Friday of June) when the letter is queued;
a lawful addressee missing from the records fails that one row with the reason; the letter bears the day it is
sent and its appeal date counts from it. Every name, address and email is synthetic.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from notices.planning import notifications_for_event
from records.models import Child, FamilyContact, LetterCopy, Notification, Plan, Review
from records.review_progress import apply_input
from records.session import SessionFactory, session_scope
from rules.bank_holidays import england_and_wales_working_days
from rules.facts import Outcome
from rules.rule_set import ENGLAND_2014
from rules.transitions import DecisionTaken, MeetingHeld, PreparationDone, ReportReceived, StageInput
from services.family_letters import family_rows
from services.outbox import deliver_now, enqueue_planned
from services.setup import session_factory
from services.stages import queue_letters
from tests.notifications.conftest import ROOT, SETTING, Mailbox
from tests.notifications.support import LATE_LETTER
from tests.records.support import run, write_csv

WORKING_DAYS = england_and_wales_working_days()
TODAY = date(2026, 12, 4)
SENT_AT = datetime(2026, 12, 4, 10, 0, tzinfo=UTC)
"""When these tests send: on TODAY, whatever the machine's date (a letter bears the day it is sent)."""
HELD = date(2026, 11, 2)
TO_DECISION = (
    PreparationDone(HELD, date(2026, 10, 1), date(2026, 10, 2)),
    MeetingHeld(HELD, preparing_for_adulthood_discussed=True),
    ReportReceived(date(2026, 11, 9), Outcome.MAINTAIN),
)
PUPIL = {  # Year 4: a child; two parents, one by email, one (large print) by post
    "child_ref": "FAM-4",
    "given_name": "Quillon",
    "family_name": "Synthetic-Four",
    "date_of_birth": "2017-01-15",
    "year_group": "4",
    "setting_urn": "900901",
    "plan_first_issued_on": "2026-01-10",
    "parent1_given_name": "Robin",
    "parent1_family_name": "Synthetic-Parent",
    "parent1_email": "robin.parent@example.invalid",
    "parent1_channel": "email",
    "parent2_role": "carer",
    "parent2_given_name": "Kit",
    "parent2_family_name": "Synthetic-Carer",
    "parent2_address": "1 Example Street|Testtown",
    "parent2_postcode": "TE1 1ST",
    "parent2_channel": "post",
    "parent2_format": "large_print",
}
STUDENT = {  # Year 13, born 31 May 2009: over compulsory school age since the end of Friday 27 June 2025
    "child_ref": "FAM-13",
    "given_name": "Harpwell",
    "family_name": "Synthetic-Thirteen",
    "date_of_birth": "2009-05-31",
    "year_group": "13",
    "setting_urn": "900901",
    "plan_first_issued_on": "2026-01-10",
    "parent1_given_name": "Morgan",
    "parent1_family_name": "Synthetic-Parent",
    "parent1_email": "morgan.parent@example.invalid",
    "young_person_email": "harpwell.young@example.invalid",
    "young_person_address": "2 Example Road|Testville",
    "young_person_postcode": "TE2 2ST",
    "young_person_channel": "both",
    "young_person_copy_parents": "no",
}


@pytest.fixture(autouse=True)
def on_the_day(monkeypatch: pytest.MonkeyPatch) -> None:
    """The wall clock reads TODAY (the business date a delivery falls back on), so the tests pass on any date."""
    import services.setup

    monkeypatch.setattr(services.setup, "today_in_london", lambda: TODAY)


@pytest.fixture
def batch_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, task_env: str) -> Path:
    folder = tmp_path / "print-batches"
    monkeypatch.setenv("EHCP_PRINT_BATCH_DIR", str(folder))
    from services.setup import clear_caches

    clear_caches()
    return folder


def _import(folder: Path, *rows: dict[str, str]) -> dict[str, str]:
    """Import the setting and these children; return each child_ref's review reference."""
    assert run("import", "settings", str(write_csv(folder / "s.csv", [SETTING]))).exit_code == 0
    header = sorted({name for row in rows for name in row})
    path = folder / "c.csv"
    with path.open("w", encoding="utf-8", newline="") as out:
        writer = csv.DictWriter(out, header)
        writer.writeheader()
        writer.writerows(rows)
    result = run("import", "caseload", str(path))
    assert result.exit_code == 0, result.output
    with session_scope(session_factory()) as session:
        found = session.execute(
            select(Child.child_ref, Review.reference).join(Plan, Plan.child_id == Child.id).join(Review)
        )
        return {str(ref): str(reference) for ref, reference in found}


def _decide(factory: SessionFactory, reference: str, decided_on: date, *, queued_on: date) -> list[int]:
    """Record the review up to a maintain decision on ``decided_on``; queue its letters on ``queued_on``."""
    given: StageInput
    for number, given in enumerate((*TO_DECISION, DecisionTaken(Outcome.MAINTAIN, decided_on))):
        with session_scope(factory) as session:
            outcome = apply_input(
                session, reference, given, idempotency_key=f"{reference}/t{number}", actor="test", today=TODAY,
                rule_set=ENGLAND_2014, is_working_day=WORKING_DAYS,
            )  # fmt: skip
            assert outcome.accepted, outcome.problems
            queue_letters(session, reference, given, queued_on)
    with session_scope(factory) as session:
        review_id = session.scalars(select(Review.id).where(Review.reference == reference)).one()
        rows = session.scalars(
            select(Notification.id).where(Notification.review_id == review_id, Notification.recipient_role == "family")
        )
        return list(rows)


def _row(factory: SessionFactory, notification_id: int) -> Notification:
    with session_scope(factory) as session:
        return session.get_one(Notification, notification_id)


def _pdf_text(path: Path) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(path.read_bytes()))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_a_year_13_students_decision_letter_is_their_own(
    factory: SessionFactory, tmp_path: Path, mailbox: Mailbox, batch_dir: Path
) -> None:
    reference = _import(tmp_path, STUDENT)["FAM-13"]
    ids = _decide(factory, reference, date(2026, 12, 1), queued_on=TODAY)
    assert [(r.channel, r.family_copy) for r in (_row(factory, i) for i in ids)] == [
        ("email", None),
        ("post", None),
    ]  # the young person by both channels; the parent is not copied (the young person said no)
    for one in ids:
        assert deliver_now(one, now=SENT_AT).status == "sent"
    ((to, mail),) = mailbox.messages
    assert to == ["harpwell.young@example.invalid"]
    body = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert body.startswith("Dear Harpwell,") and "Your education, health and care (EHC) plan" in body
    assert "we will keep (maintain) your EHC plan" in body and "parent or carer" not in body
    assert "You have the right to appeal" in body and "this right is yours, not your parents'" in body
    assert "Harpwell" not in str(mail["Subject"])
    (pdf,) = (batch_dir / TODAY.isoformat()).glob("*.pdf")
    _, text = _pdf_text(pdf)
    assert "Dear Harpwell," in text and "Harpwell Synthetic-Thirteen" in text and "2 Example Road" in text
    assert "TE2 2ST" in text and "Page 1 of" in text and "this right is yours" in text


def test_a_year_4_pupils_letter_goes_to_each_parent_by_their_channel(
    factory: SessionFactory, tmp_path: Path, mailbox: Mailbox, batch_dir: Path
) -> None:
    reference = _import(tmp_path, PUPIL)["FAM-4"]
    ids = _decide(factory, reference, date(2026, 12, 1), queued_on=TODAY)
    assert sorted(_row(factory, i).channel for i in ids) == ["email", "post"]
    assert all(deliver_now(i, now=SENT_AT).status == "sent" for i in ids)
    ((to, mail),) = mailbox.messages
    assert to == ["robin.parent@example.invalid"]
    body = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert body.startswith("Dear Robin Synthetic-Parent,") and "keep (maintain) Quillon's EHC plan" in body
    (pdf,) = (batch_dir / TODAY.isoformat()).glob("*.pdf")
    assert reference in pdf.name and "Synthetic" not in pdf.name  # the file name holds nothing personal
    reader, text = _pdf_text(pdf)
    assert "Dear Kit Synthetic-Carer," in text and "1 Example Street" in text and "Quillon's" in text
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB" and "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (595, 842)  # A4
    posted = _row(factory, next(i for i in ids if _row(factory, i).channel == "post"))
    assert posted.batched_at is not None and posted.letter_on == TODAY and posted.posted_at is None
    with session_scope(factory) as session:
        kept = session.get_one(LetterCopy, posted.id)
        assert kept.media_type == "application/pdf" and kept.content == pdf.read_bytes()
    listed = run("letters", "batch", TODAY.isoformat())
    assert listed.exit_code == 0 and pdf.name in listed.stdout and "not yet posted" in listed.stdout
    assert "Synthetic" not in listed.stdout and "Example Street" not in listed.stdout
    assert "1 letter(s) of the print batch" in run("letters", "posted", TODAY.isoformat()).stdout
    assert _row(factory, posted.id).posted_at is not None
    assert "0 letter(s)" in run("letters", "posted", TODAY.isoformat()).stdout  # once


@pytest.mark.parametrize(
    ("queued_on", "young"),
    [
        (date(2026, 6, 25), False),  # Thu: the day before the leaving date
        (date(2026, 6, 26), False),  # Fri 26 June 2026: the leaving date, still of compulsory school age
        (date(2026, 6, 27), True),  # Sat: the day after, a young person
    ],
)
def test_the_addressee_is_decided_at_the_age_boundary_when_the_letter_is_queued(
    factory: SessionFactory, tmp_path: Path, batch_dir: Path, queued_on: date, young: bool
) -> None:
    born_late_august = {**STUDENT, "date_of_birth": "2010-08-31", "year_group": "11"}  # leaves Fri 26 June 2026
    reference = _import(tmp_path, born_late_august)["FAM-13"]
    with session_scope(factory) as session:
        review = session.scalars(select(Review).where(Review.reference == reference)).one()
        rows = family_rows(session, review, f"{reference}/letter/decision-maintain/family", queued_on)
        slots = {session.get_one(FamilyContact, row.family_contact_id).slot for row in rows if row.family_contact_id}
    assert slots == ({"young_person"} if young else {"parent1"})
    assert all(row.idempotency_key.endswith(f"/{row.family_contact_id}/{row.channel}") for row in rows)


def test_a_missing_young_person_contact_fails_that_row_saying_so(
    factory: SessionFactory, tmp_path: Path, mailbox: Mailbox, batch_dir: Path
) -> None:
    parents_only = {k: v for k, v in STUDENT.items() if not k.startswith("young_person_")}
    reference = _import(tmp_path, parents_only)["FAM-13"]
    (only,) = _decide(factory, reference, date(2026, 12, 1), queued_on=TODAY)
    outcome = deliver_now(only, now=SENT_AT)
    row = _row(factory, only)
    assert outcome.status == "failed" and row.status == "failed" and row.family_contact_id is None
    assert "the young person is over compulsory school age and has no contact on record" in (row.last_error or "")
    assert [to for to, _ in mailbox.messages] == [["ehcp-operators@example.org"]] or mailbox.messages == []


def test_a_representative_is_written_to_naming_the_young_person(
    factory: SessionFactory, tmp_path: Path, mailbox: Mailbox, batch_dir: Path
) -> None:
    acting = {
        **STUDENT, "young_person_representative": "yes", "representative_given_name": "Dana",
        "representative_family_name": "Synthetic-Deputy", "representative_email": "deputy@example.invalid",
        "representative_channel": "email",
    }  # fmt: skip
    reference = _import(tmp_path, acting)["FAM-13"]
    (only,) = _decide(factory, reference, date(2026, 12, 1), queued_on=TODAY)
    assert deliver_now(only, now=SENT_AT).status == "sent"
    ((to, mail),) = mailbox.messages
    body = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert to == ["deputy@example.invalid"] and body.startswith("Dear Dana Synthetic-Deputy,")
    assert "as Harpwell's representative" in body and "keep (maintain) Harpwell's EHC plan" in body


def test_parents_copied_by_the_young_persons_choice_get_a_copy_saying_so(
    factory: SessionFactory, tmp_path: Path, mailbox: Mailbox, batch_dir: Path
) -> None:
    reference = _import(tmp_path, {**STUDENT, "young_person_copy_parents": "yes"})["FAM-13"]
    ids = _decide(factory, reference, date(2026, 12, 1), queued_on=TODAY)
    copies = [i for i in ids if _row(factory, i).family_copy]
    assert len(ids) == 3 and len(copies) == 1
    assert deliver_now(copies[0], now=SENT_AT).status == "sent"
    ((to, mail),) = mailbox.messages
    body = mail.get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert to == ["morgan.parent@example.invalid"]
    assert body.startswith("This is a copy of our letter to Harpwell") and "Dear Harpwell," in body


def test_the_letter_bears_the_day_it_is_sent_and_the_appeal_counts_from_it(
    factory: SessionFactory, tmp_path: Path, mailbox: Mailbox, batch_dir: Path
) -> None:
    reference = _import(tmp_path, PUPIL)["FAM-4"]
    ids = _decide(factory, reference, date(2026, 11, 20), queued_on=TODAY)
    email = next(i for i in ids if _row(factory, i).channel == "email")
    assert deliver_now(email, now=SENT_AT).status == "sent"  # sent on the business date, Fri 4 December 2026
    body = mailbox.messages[0][1].get_body(("plain",)).get_content()  # type: ignore[union-attr]
    assert "Date of this letter: Friday 4 December 2026" in body
    assert "Your appeal must reach the Tribunal by Thursday 4 February 2027" in body  # 2 months from the letter
    assert "by Thursday 4 February 2027 (2 months from the date of this letter)" in body  # mediation adviser
    assert _row(factory, email).letter_on == TODAY


def test_a_pdf_that_cannot_be_made_fails_its_row_with_the_reason(
    factory: SessionFactory, tmp_path: Path, batch_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    roles = (ROOT / "examples" / "la_roles.toml").read_text(encoding="utf-8")
    no_return = "\n".join(line for line in roles.splitlines() if not line.startswith("postal_address"))
    (tmp_path / "roles.toml").write_text(no_return, encoding="utf-8")
    monkeypatch.setenv("EHCP_LA_ROLES_FILE", str(tmp_path / "roles.toml"))
    from services.setup import clear_caches

    clear_caches()
    reference = _import(tmp_path, PUPIL)["FAM-4"]
    ids = _decide(factory, reference, date(2026, 12, 1), queued_on=TODAY)
    posted = next(i for i in ids if _row(factory, i).channel == "post")
    outcome = deliver_now(posted, now=SENT_AT)  # never raises
    row = _row(factory, posted)
    assert outcome.status == "failed" and "no return address" in (row.last_error or "")
    assert not (batch_dir / TODAY.isoformat()).exists()


def test_the_late_letter_reaches_each_parent_too(factory: SessionFactory, tmp_path: Path, batch_dir: Path) -> None:
    reference = _import(tmp_path, PUPIL)["FAM-4"]
    with session_scope(factory) as session:
        review_id = session.scalars(select(Review.id).where(Review.reference == reference)).one()
        planned = notifications_for_event(LATE_LETTER, review_id=review_id, review_ref=reference)
        rows = [row for item in planned for row in enqueue_planned(session, item)]
        assert sorted((r.channel, r.idempotency_key.rsplit("/", 1)[1]) for r in rows) == [
            ("email", "email"),
            ("post", "post"),
        ]
        again = [row.id for item in planned for row in enqueue_planned(session, item)]
        assert sorted(again) == sorted(r.id for r in rows)  # queued once per person and channel
