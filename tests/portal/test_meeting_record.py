"""Stage 3's meeting record completes the paperwork: every field checked and named, files checked by content,
any number of outcomes without JavaScript, a tagged PDF, and one copy to each addressee through the outbox."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from notices.recipients import load_la_directory
from portal.accounts import Role
from portal.stage_forms import StageEntry, read_record, record_entry
from records.models import InboxEntry, MeetingRecord, Notification, RecordAttachment, Review
from records.session import SessionFactory, session_scope
from records.system_time import system_now
from rules.bank_holidays import england_and_wales_working_days
from rules.rule_set import ENGLAND_2014
from services.attachments import DOCX, MAX_BYTES, PDF, UploadRefused, check_upload, safe_file_name
from services.forms import MeetingRecordContent
from services.meeting_record import queue_meeting_record
from services.rendering import prepare_notice
from services.stages import apply_entry
from tests.fake_runs import FakeRuns
from tests.portal.conftest import TODAY, apply_received, csrf_of, make_account, urn_with_reviews

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
SMALL_PDF = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def _date(name: str, day: int, month: int, year: int) -> dict[str, str]:
    return {f"{name}-day": str(day), f"{name}-month": str(month), f"{name}-year": str(year)}



def _checked(form: dict[str, str], *, sending: bool, year_group: int | None = None) -> StageEntry:
    """The page's reader, then the one check both doors' entries go through."""
    return record_entry(read_record(form), sending=sending, year_group=year_group)


COMPLETE: dict[str, str] = {
    "attendance": "Pretend-attendance: Mum, Ms Example (SENCO)",
    "child_views": "Pretend-child-view: I like the quiet room",
    "aspirations": "Pretend-aspiration: to work with animals",
    "family_views": "Pretend-family-view: we worry about the move",
    "recommendation": "maintain",
    "recommendation_reasons": "Pretend-reason: good progress",
    "budget_requested": "yes", "budget_details": "Pretend-budget: a personal assistant for clubs",
    "pfa_employment": "Pretend-pfa: work experience at the farm", "pfa_independent_living": "Pretend-pfa: cooking",
    "pfa_community": "Pretend-pfa: youth club", "pfa_health": "Pretend-pfa: own appointments",
    "head_name": "Pretend-head: Ms Headteacher", "head_role": "Head teacher", **_date("head_signed_on", 1, 12, 2026),
    "outcome_rows": "1", "outcome_1": "Read simple sentences", "progress_1": "Pretend-progress: reads CVC words",
}


def docx_bytes(body: str = "<w:document/>") -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", body)
    return buffer.getvalue()


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", b"0" * (20 * 1024 * 1024))  # 20 MB of zeros packs to ~20 KB
    return buffer.getvalue()


# --- the typed form: every bad input names its field -------------------------------------------------------------


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"head_name": ""}, "head_name", "Enter the name of the head teacher"),
        ({"head_role": ""}, "head_role", "Enter their role"),
        ({"head_signed_on-day": ""}, "head_signed_on", "Date the record was signed off must include a day"),
        ({"head_signed_on-day": "", "head_signed_on-month": "", "head_signed_on-year": ""}, "head_signed_on",
         "Enter the date the record was signed off"),
        ({"head_signed_on-day": "31", "head_signed_on-month": "2"}, "head_signed_on", "must be a real date"),
        ({"child_views": ""}, "child_views", "Enter the child's or young person's views"),
        ({"budget_requested": ""}, "budget_requested", "Select whether a personal budget was requested"),
        ({"budget_details": ""}, "budget_details", "Enter what the personal budget was requested for"),
        ({"recommendation": "keep"}, "recommendation", "Select maintain, amend or cease"),
        ({"outcome_1": ""}, "outcome_1", "Enter outcome 1, or remove its progress"),
        ({"aspirations": "x" * 10_001}, "aspirations", "Shorten this to 10,000 characters"),
        ({"pfa_health": "a\x00b"}, "pfa_health", "Remove the control character"),
        ({"head_name": "n" * 201}, "head_name", "Shorten this to 200 characters"),
        ({"advice_rows": "1", "advice_1_role": "EP"}, "advice_1_from", "Enter who gave advice or report 1"),
        ({"advice_rows": "1", "advice_1_from": "Dr Example"}, "advice_1_received_on",
         "Enter the date advice or report 1 was received"),
        ({"advice_rows": "1", "advice_1_from": "Dr Example", **_date("advice_1_received_on", 40, 1, 2026)},
         "advice_1_received_on", "must be a real date"),
    ],
)
def test_every_bad_input_is_named_by_its_field(change: dict[str, str], field: str, words: str) -> None:
    entry = _checked({**COMPLETE, **change}, sending=True)
    named = {p.field: p.message for p in entry.problems}
    assert field in named, entry.problems
    assert words in named[field]


def test_a_complete_record_has_no_problem_and_a_draft_needs_nothing() -> None:
    assert _checked(COMPLETE, sending=True).problems == []
    assert _checked({"action": "save"}, sending=False).problems == []


def test_preparing_for_adulthood_is_a_section_required_from_year_9() -> None:
    content = MeetingRecordContent.model_validate({"adulthood": {"employment": "Pretend-pfa"}})
    fields = {p.field for p in content.send_problems(year_group=9)}
    assert {"adulthood.independent_living", "adulthood.community", "adulthood.health"} <= fields
    assert "adulthood.employment" not in fields
    assert not {f for f in (p.field for p in content.send_problems(year_group=8)) if f.startswith("adulthood")}
    year_9 = _checked({**COMPLETE, "pfa_health": ""}, sending=True, year_group=9)
    assert "pfa_health" in {p.field for p in year_9.problems}


def test_outcomes_are_not_capped_at_four_and_rows_are_added_and_removed_without_javascript() -> None:
    six = {**COMPLETE, "outcome_rows": "6", **{f"outcome_{i}": f"Outcome {i}" for i in range(1, 7)}}
    assert len(_checked(six, sending=True).content["outcomes"]) == 6
    added = _checked({**six, "action": "add_outcome"}, sending=False).content["outcomes"]
    assert len(added) == 7 and added[-1] == {"outcome": "", "progress": ""}
    removed = _checked({**six, "action": "remove_outcome_2"}, sending=False).content["outcomes"]
    assert [row["outcome"] for row in removed] == ["Outcome 1", "Outcome 3", "Outcome 4", "Outcome 5", "Outcome 6"]


def test_the_api_form_refuses_unknown_fields_and_names_the_path() -> None:
    from pydantic import ValidationError

    with pytest.raises(ValidationError) as caught:
        MeetingRecordContent.model_validate({"head_signoff": {"name": "x", "signed_on": "1/12/2026"}, "colour": 1})
    places = {".".join(map(str, error["loc"])) for error in caught.value.errors()}
    assert places == {"head_signoff.signed_on", "colour"}


# --- uploads: checked by content ---------------------------------------------------------------------------------


def test_a_pdf_and_a_docx_pass_by_their_content() -> None:
    assert check_upload("report.pdf", SMALL_PDF).media_type == PDF
    assert check_upload("report.docx", docx_bytes()).media_type == DOCX
    assert check_upload("letter.docx", SMALL_PDF).file_name == "letter.pdf"  # the content decides


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("photo.pdf", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "must be a PDF or a Word document"),
        ("report.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>", "must be a PDF or a Word document"),
        ("report.pdf", b"  <html>%PDF-1.7", "must be a PDF or a Word document"),
        ("big.pdf", b"%PDF-1.7\n" + b"0" * MAX_BYTES, "smaller than 10 MB"),
        ("empty.pdf", b"", "is empty"),
        ("bomb.docx", zip_bomb(), "zip bomb"),
        ("archive.docx", b"PK\x03\x04 not really a zip", "could not be read"),
    ],
    ids=["wrong-type", "html-as-pdf", "html-before-pdf-header", "too-big", "empty", "zip-bomb", "broken-zip"],
)
def test_uploads_are_refused_with_the_reason(name: str, content: bytes, words: str) -> None:
    with pytest.raises(UploadRefused, match=words):
        check_upload(name, content)


def test_a_zip_without_a_word_document_is_refused() -> None:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("notes.txt", "hello")
    with pytest.raises(UploadRefused, match="must be a PDF or a Word document"):
        check_upload("notes.docx", buffer.getvalue())


@pytest.mark.parametrize(
    ("given", "kept"),
    [("../../etc/passwd.pdf", "passwd.pdf"), ("C:\\Users\\me\\EP report.pdf", "EP report.pdf"),
     ("/tmp/x/..", "attachment.pdf"), ('bad"name<>.pdf', "badname.pdf"), ("report", "report.pdf")],
)
def test_file_names_keep_only_their_last_part(given: str, kept: str) -> None:
    assert safe_file_name(given, PDF) == kept


# --- the pages ------------------------------------------------------------------------------------------------------


def _senco(factory: SessionFactory, client_for: Any) -> tuple[Any, str, str]:
    urn, reference = urn_with_reviews(factory, 3)
    make_account(factory, "senco@school.example", Role.SETTING, (urn,))
    return client_for("senco@school.example"), reference, urn


def _post(client: Any, reference: str, data: dict[str, str], files: dict[str, Any] | None = None) -> Any:
    token = csrf_of(client, f"/reviews/{reference}")
    return client.post(f"/reviews/{reference}/stages/3", data={**data, "csrf_token": token}, files=files or None,
                       follow_redirects=False)


def test_add_another_outcome_saves_the_draft_and_shows_a_new_row(factory, client_for) -> None:
    client, reference, _ = _senco(factory, client_for)
    page = client.get(f"/reviews/{reference}").text
    assert 'id="outcome_4"' in page and 'id="outcome_5"' not in page and 'value="add_outcome"' in page
    added = _post(client, reference, {**COMPLETE, "outcome_rows": "4", "action": "add_outcome"})
    assert added.status_code == 303 and added.headers["location"].endswith("#outcomes")
    page = client.get(f"/reviews/{reference}").text
    assert 'id="outcome_5"' in page and "Another outcome was added" in page
    assert 'value="remove_outcome_5"' in page


def test_bad_input_is_shown_in_the_error_summary_linked_to_its_field(factory, client_for) -> None:
    client, reference, _ = _senco(factory, client_for)
    response = _post(client, reference, {**COMPLETE, "head_name": "", "action": "send"})
    assert response.status_code == 400
    assert 'href="#head_name"' in response.text and 'id="head_name-error"' in response.text


def test_an_html_page_named_pdf_is_refused_on_its_row(factory, client_for) -> None:
    client, reference, _ = _senco(factory, client_for)
    data = {**COMPLETE, "advice_rows": "1", "advice_1_from": "Dr Example",
            **_date("advice_1_received_on", 20, 11, 2026), "action": "save"}
    files = {"advice_1_file": ("../../report.pdf", b"<html><body>not a pdf</body></html>", "application/pdf")}
    response = _post(client, reference, data, files)
    assert response.status_code == 400
    assert 'href="#advice_1_file"' in response.text and "its content is neither" in response.text
    with session_scope(factory) as session:
        assert session.scalars(select(RecordAttachment)).all() == []


def test_an_attachment_is_kept_and_served_only_to_entitled_people(factory, client_for) -> None:
    client, reference, urn = _senco(factory, client_for)
    data = {**COMPLETE, "advice_rows": "1", "advice_1_from": "Dr Example", "advice_1_role": "Educational psychologist",
            **_date("advice_1_received_on", 20, 11, 2026), "action": "save"}
    files = {"advice_1_file": ("..\\..\\EP report.pdf", SMALL_PDF, "text/html")}
    assert _post(client, reference, data, files).status_code == 303
    with session_scope(factory) as session:
        kept = session.scalars(select(RecordAttachment)).one()
        assert (kept.file_name, kept.media_type, kept.content) == ("EP report.pdf", PDF, SMALL_PDF)
        record = session.scalars(select(MeetingRecord)).one()
        assert record.content["record"]["advice"][0]["attachment_id"] == kept.id
        kept_id = kept.id
    url = f"/reviews/{reference}/meeting-record/files/{kept_id}"
    assert url in client.get(f"/reviews/{reference}").text
    served = client.get(url)
    assert served.status_code == 200 and served.content == SMALL_PDF
    assert served.headers["cache-control"] == "no-store"
    assert served.headers["content-disposition"].startswith("attachment;")
    assert served.headers["content-type"] == "application/pdf"
    other_urn, _ = urn_with_reviews(factory, 3, not_urn=urn)
    make_account(factory, "other@school.example", Role.SETTING, (other_urn,))
    assert client_for("other@school.example").get(url).status_code == 404
    make_account(factory, "cw@council.example", Role.CASEWORKER)
    assert client_for("cw@council.example").get(url).status_code == 200
    saved_again = _post(client, reference, {**data, "advice_1_attachment": str(kept_id)})  # no new file: kept
    assert saved_again.status_code == 303
    with session_scope(factory) as session:
        assert session.scalars(select(RecordAttachment.id)).all() == [kept_id]
    _post(client, reference, {**data, "action": "remove_advice_1"})  # the row gone: its file too
    with session_scope(factory) as session:
        assert session.scalars(select(RecordAttachment)).all() == []


def test_the_record_downloads_as_a_tagged_pdf(factory, client_for) -> None:
    client, reference, _ = _senco(factory, client_for)
    six = {**COMPLETE, "outcome_rows": "6", **{f"outcome_{i}": f"Pretend-outcome {i}" for i in range(1, 7)},
           "action": "save"}
    assert _post(client, reference, six).status_code == 303
    response = client.get(f"/reviews/{reference}/meeting-record.pdf")
    assert response.status_code == 200 and response.headers["content-type"] == "application/pdf"
    assert response.headers["cache-control"] == "no-store"
    assert response.headers["content-disposition"] == f'attachment; filename="{reference}-meeting-record.pdf"'
    reader = PdfReader(io.BytesIO(response.content))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB" and root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    assert reader.metadata is not None and reader.metadata.title == f"Annual review meeting record {reference}"
    text = "\n".join(page.extract_text() for page in reader.pages)
    for words in ("Pretend-outcome 6", "Pretend-aspiration", "Pretend-head: Ms Headteacher", "Preparing for adulthood",
                  "Personal budget", "Draft: not yet sent"):
        assert words in re.sub(r"\s+", " ", text), words
    printable = client.get(f"/reviews/{reference}/meeting-record")
    assert printable.status_code == 200 and "Pretend-outcome 6" in printable.text
    assert printable.headers["cache-control"] == "no-store"


# --- sending: one outbox row per addressee, once ------------------------------------------------------------------


def _invite(factory: SessionFactory, reference: str, invited: dict[str, str | None]) -> None:
    with session_scope(factory) as session:
        review = session.scalars(select(Review).where(Review.reference == reference)).one()
        row = session.scalars(select(MeetingRecord).where(MeetingRecord.review_id == review.id)).one_or_none()
        if row is None:
            row = MeetingRecord(review_id=review.id, content={}, status="draft", updated_by="test")
            session.add(row)
        row.content = {**row.content, "preparation": {"invited_on": invited}}


def _record_rows(factory: SessionFactory) -> list[tuple[str, str, str]]:
    with session_scope(factory) as session:
        rows = session.scalars(select(Notification).where(Notification.template == "meeting-record"))
        return sorted((row.recipient_role, row.channel, row.idempotency_key) for row in rows)


def test_sending_queues_the_record_once_per_invitee_and_never_twice(factory, client_for, bridge: FakeRuns) -> None:
    client, reference, _ = _senco(factory, client_for)
    _invite(factory, reference, {"family": "2026-11-01", "head": "2026-11-01", "la_sen": "2026-11-02",
                                 "health": "2026-11-02", "social_care": None})
    assert _post(client, reference, {**COMPLETE, "action": "send"}).status_code == 303
    assert _record_rows(factory) == []  # queued when the report is recorded, not when it is received
    apply_received(factory, reference)
    rows = _record_rows(factory)
    roles = [role for role, _, _ in rows]
    assert {"head_teacher", "caseworker", "commissioning_body", "family"} == set(roles)
    assert all(roles.count(role) == 1 for role in ("head_teacher", "caseworker", "commissioning_body"))
    assert len({key for _, _, key in rows}) == len(rows)
    with session_scope(factory) as session:  # a replay of the stage and a second queueing add nothing
        review = session.scalars(select(Review).where(Review.reference == reference)).one()
        entry = session.scalars(select(InboxEntry).where(InboxEntry.review_id == review.id)).one()
        apply_entry(session, reference, entry.wait_key, entry, now=system_now())
        queue_meeting_record(session, review, TODAY)
    assert _record_rows(factory) == rows
    with session_scope(factory) as session:  # the caseworker's letters table lists whom it goes to
        from services.family import family_panel

        review = session.scalars(select(Review).where(Review.reference == reference)).one()
        listed = {(line.kind, line.to) for line in family_panel(session, review, TODAY).letters}
    assert {("meeting record", "head teacher"), ("meeting record", "caseworker")} <= listed
    with session_scope(factory) as session:  # the message carries the record, the subject nothing personal
        row = session.scalars(select(Notification).where(Notification.template == "meeting-record",
                                                         Notification.recipient_role == "head_teacher")).one()
        prepared = prepare_notice(session, row, la=load_la_directory(EXAMPLES / "la_roles.toml"),
                                  rule_set=ENGLAND_2014, is_working_day=england_and_wales_working_days(), today=TODAY)
    assert "Pretend-child-view: I like the quiet room" in prepared.message.body_text
    assert "Read simple sentences" in prepared.message.body_text
    assert "Pretend" not in prepared.message.subject and reference in prepared.message.subject
    from notices.paper import PaperLetter, letter_pdf  # posted, it is a tagged letter through the one PDF builder

    paper = PaperLetter(("Pretend addressee", "1 Synthetic Road", "TE1 1ST"), "County Hall (demo)", ("Hall",), TODAY)
    posted = PdfReader(io.BytesIO(letter_pdf(prepared.message, paper)))
    assert "/StructTreeRoot" in posted.trailer["/Root"]
    assert "Pretend-progress: reads CVC words" in re.sub(r"\s+", " ", "\n".join(p.extract_text() for p in posted.pages))


def test_without_stage_1_invitees_the_record_goes_to_the_family_and_the_setting(factory, client_for) -> None:
    client, reference, _ = _senco(factory, client_for)
    assert _post(client, reference, {**COMPLETE, "action": "send"}).status_code == 303
    apply_received(factory, reference)
    assert {role for role, _, _ in _record_rows(factory)} == {"family", "senco"}


def test_a_draft_queues_nothing(factory, client_for) -> None:
    client, reference, _ = _senco(factory, client_for)
    assert _post(client, reference, {**COMPLETE, "action": "save"}).status_code == 303
    with session_scope(factory) as session:
        review = session.scalars(select(Review).where(Review.reference == reference)).one()
        assert queue_meeting_record(session, review, TODAY) == []


# --- the API: the same typed form, and multipart uploads ---------------------------------------------------------


def test_the_api_takes_the_new_fields_and_an_upload(factory, app_client, bridge: FakeRuns) -> None:
    from tests.portal.test_accounts_and_api import _bearer

    urn, reference = urn_with_reviews(factory, 3)
    make_account(factory, "senco@school.example", Role.SETTING, (urn,))
    headers = _bearer(factory, "senco@school.example")
    refused = app_client.post(f"/api/reviews/{reference}/record/attachments", headers=headers,
                              files={"file": ("x.pdf", b"<html></html>", "application/pdf")})
    assert refused.status_code == 422 and refused.json()["detail"][0]["field"] == "file"
    uploaded = app_client.post(f"/api/reviews/{reference}/record/attachments", headers=headers,
                               files={"file": ("a/b/EP.docx", docx_bytes(), "application/octet-stream")})
    assert uploaded.status_code == 200, uploaded.text
    attachment = uploaded.json()
    assert attachment["file_name"] == "EP.docx" and attachment["media_type"] == DOCX
    body = {
        "attendance": "Pretend-attendance", "child_views": "Pretend-views", "family_views": "Pretend-family",
        "aspirations": "Pretend-aspiration", "recommendation": "amend", "recommendation_reasons": "Pretend-reason",
        "outcomes": [{"outcome": f"Pretend-outcome {i}", "progress": "some"} for i in range(1, 7)],
        "advice": [{"from_whom": "Dr Example", "role": "EP", "received_on": "2026-11-20",
                    "attachment_id": attachment["id"]}],
        "adulthood": dict.fromkeys(("employment", "independent_living", "community", "health"), "Pretend-pfa"),
        "personal_budget": {"requested": False},
        "head_signoff": {"name": "Pretend-head", "role": "Principal", "signed_on": "2026-12-01"},
    }
    missing = app_client.post(f"/api/reviews/{reference}/record", headers=headers,
                              json={**body, "head_signoff": {"name": "Pretend-head"}, "send": True})
    assert missing.status_code == 422
    assert {p["field"] for p in missing.json()["detail"]} == {"head_signoff.role", "head_signoff.signed_on"}
    sent = app_client.post(f"/api/reviews/{reference}/record", headers=headers, json={**body, "send": True})
    assert sent.status_code == 200, sent.text
    record = app_client.get(f"/api/reviews/{reference}/record", headers=headers).json()["content"]["record"]
    assert len(record["outcomes"]) == 6 and record["advice"][0]["attachment_id"] == attachment["id"]
    assert record["head_signoff"] == {"name": "Pretend-head", "role": "Principal", "signed_on": "2026-12-01"}
    served = app_client.get(f"/api/reviews/{reference}/record/attachments/{attachment['id']}", headers=headers)
    assert served.status_code == 200 and served.headers["cache-control"] == "no-store"
    assert "Pretend" not in str(bridge.resumed)


# --- the CLI: `ehcp submit report --record FILE.json`, through the same typed form and the front door's path -------


@pytest.fixture
def cli_on(factory: SessionFactory, bridge: FakeRuns, monkeypatch: pytest.MonkeyPatch) -> Any:
    from records.settings import get_settings
    from tests.records.support import run

    with session_scope(factory) as session:
        url = session.get_bind().engine.url.render_as_string(hide_password=False)
    monkeypatch.setenv("EHCP_DATABASE_URL", url)
    monkeypatch.setattr("services.runs.PrefectBridge", lambda: bridge)
    get_settings.cache_clear()
    yield run
    get_settings.cache_clear()


API_RECORD = {
    "attendance": "Pretend-attendance", "child_views": "Pretend-views", "family_views": "Pretend-family",
    "recommendation": "cease", "recommendation_reasons": "Pretend-reason",
    "outcomes": [{"outcome": f"Pretend-outcome {i}"} for i in range(1, 6)],
    "adulthood": dict.fromkeys(("employment", "independent_living", "community", "health"), "Pretend-pfa"),
    "personal_budget": {"requested": True, "details": "Pretend-budget"},
    "head_signoff": {"name": "Pretend-head", "role": "Principal", "signed_on": "2026-12-01"},
}


def test_the_cli_sends_a_meeting_record_from_a_json_file(factory, cli_on, bridge: FakeRuns, tmp_path: Path) -> None:
    import json

    _, reference = urn_with_reviews(factory, 3)
    path = tmp_path / "record.json"
    path.write_text(json.dumps({**API_RECORD, "head_signoff": {"name": "Pretend-head", "signed_on": "1/12/2026"}}))
    refused = cli_on("submit", "report", reference, "--record", str(path), "--timeout", "0")
    assert refused.exit_code == 2 and "--record head_signoff.signed_on" in refused.stderr
    path.write_text(json.dumps({**API_RECORD, "head_signoff": {"name": "Pretend-head"}}))
    incomplete = cli_on("submit", "report", reference, "--record", str(path), "--timeout", "0")
    assert incomplete.exit_code == 2
    assert "--record head_signoff.role" in incomplete.stderr and "--record head_signoff.signed_on" in incomplete.stderr
    both = cli_on("submit", "report", reference, "--record", str(path), "--recommendation", "amend")
    assert both.exit_code == 2 and "--recommendation: leave it out with --record" in both.stderr
    neither = cli_on("submit", "report", reference, "--timeout", "0")
    assert neither.exit_code == 2 and "--received-on" in neither.stderr
    path.write_text(json.dumps(API_RECORD))
    sent = cli_on("submit", "report", reference, "--record", str(path), "--by", "senco-1", "--timeout", "0")
    assert sent.exit_code == 0, sent.stderr
    assert bridge.resumed[-1][1]["recommendation"] == "cease" and "Pretend" not in str(bridge.resumed)
    apply_received(factory, reference)
    assert {role for role, _, _ in _record_rows(factory)} == {"family", "senco"}
    with session_scope(factory) as session:
        record = session.scalars(select(MeetingRecord)).one()
        assert record.status == "submitted" and len(record.content["record"]["outcomes"]) == 5


def test_the_form_recalls_whom_stage_1_asked_for_advice(factory, client_for) -> None:
    client, reference, _ = _senco(factory, client_for)
    with session_scope(factory) as session:
        review = session.scalars(select(Review).where(Review.reference == reference)).one()
        session.add(MeetingRecord(review_id=review.id, status="draft", updated_by="test",
                                  content={"preparation": {"advice_from": "Pretend-asked: Dr Example (EP)"}}))
    page = client.get(f"/reviews/{reference}").text
    assert "At stage 1, advice was requested from" in page and "Pretend-asked: Dr Example (EP)" in page
    assert "A draft is saved" not in page  # stage 1's own data is no meeting record draft


def test_the_template_sections_added_for_norfolk_are_kept_and_printed_in_order(factory, client_for) -> None:
    client, reference, _ = _senco(factory, client_for)
    extra = {"working_well": "Pretend-working: reading with a buddy", "not_working": "Pretend-hard: busy corridors",
             "next_phase": "Pretend-next: Year 7 at a pretend high school", "disagreements": "Pretend-differ: the EP"}
    assert _post(client, reference, {**COMPLETE, **extra, "action": "save"}).status_code == 303
    page = client.get(f"/reviews/{reference}").text
    for value in extra.values():
        assert value in page, value
    printable = client.get(f"/reviews/{reference}/meeting-record").text
    order = ["What is working well", "Pretend-working", "Pretend-hard", "Progress towards outcomes", "Moving on",
             "Pretend-next", "Personal budget", "Where others&#39; recommendations differ", "Pretend-differ"]
    places = [printable.find(words) for words in order]
    assert -1 not in places and places == sorted(places), dict(zip(order, places, strict=True))
    assert re.search(r"Meeting on \d{1,2} \w+ \d{4}\.", printable)  # the date of the meeting heads the record


def test_everyone_the_product_invited_gets_the_sent_record_at_their_own_email_once(factory, client_for) -> None:
    from records.models import Invitee, InviteeKind
    from services.advice_messages import render_advice_message

    client, reference, _ = _senco(factory, client_for)
    with session_scope(factory) as session:
        review = session.scalars(select(Review).where(Review.reference == reference)).one()
        for n, kind in enumerate((InviteeKind.PROFESSIONAL, InviteeKind.SETTING, InviteeKind.PROFESSIONAL)):
            session.add(Invitee(review_id=review.id, kind=kind.value, role="Social care officer", name=f"Pretend {n}",
                                email=f"person{n}@example.org", invited_on=None if n == 2 else TODAY,
                                created_by="S-1"))  # the third was never invited
    assert _post(client, reference, {**COMPLETE, "action": "send"}).status_code == 303
    apply_received(factory, reference)
    with session_scope(factory) as session:
        review = session.scalars(select(Review).where(Review.reference == reference)).one()
        queue_meeting_record(session, review, TODAY)  # a replay queues nothing more
        copies = session.scalars(select(Notification).where(Notification.template == "meeting-record-copy")).all()
        assert len(copies) == 2 and all("Pretend" not in row.idempotency_key for row in copies)
        message, recipient = render_advice_message(session, copies[0], la=load_la_directory(EXAMPLES / "la_roles.toml"),
                                                   today=TODAY, portal_url="https://ar.example")
    assert recipient.email == "person0@example.org" and "Dear Pretend 0" in message.body_text
    assert "Pretend-child-view: I like the quiet room" in message.body_text and "Pretend" not in message.subject
