"""Posted letters: the tagged PDF (A4, window address, return address, page numbers, large print), the daily
print batch, and GOV.UK Notify's precompiled-letter API against a local server (never the internet)."""

from __future__ import annotations

import base64
import io
import uuid
from dataclasses import replace
from datetime import date
from pathlib import Path

import jwt
import pytest
from conftest import LocalHttpServer
from notice_samples import CHILD_NAME, sample_context
from pypdf import PdfReader

from notices.channels.post import NotifyLetterChannel, PrintBatchChannel
from notices.context import ReviewContext
from notices.errors import PermanentDeliveryError, RenderError, TransientDeliveryError
from notices.kinds import MessageKind
from notices.paper import PaperLetter, letter_blocks, letter_pdf
from notices.recipients import Recipient
from notices.render import RenderedMessage, render
from rules.calendar import IsWorkingDay
from rules.ladder import Role

SERVICE_ID = str(uuid.UUID(int=1))
SECRET = str(uuid.UUID(int=2))
API_KEY = f"ehcp_test-{SERVICE_ID}-{SECRET}"
DATED = date(2026, 12, 4)
TO = ("Kit Synthetic-Carer", "1 Example Street", "Testtown", "TE1 1ST")
PAPER = PaperLetter(TO, "Demo County Council", ("County Hall (demo)", "Testtown", "TE1 1AA"), DATED)
POSTED = Recipient(Role.FAMILY, postal_address=TO[1:], name=TO[0])


@pytest.fixture
def message(review: ReviewContext, is_working_day: IsWorkingDay) -> RenderedMessage:
    return render(sample_context(MessageKind.DECISION_MAINTAIN, review, is_working_day))


def _reader(pdf: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(pdf))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_the_letter_is_a_tagged_a4_pdf_with_the_window_address_and_page_numbers(message: RenderedMessage) -> None:
    reader, text = _reader(letter_pdf(message, PAPER))
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "en-GB" and root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root
    assert reader.metadata is not None and reader.metadata.title == message.subject  # nothing personal
    assert CHILD_NAME not in message.subject
    assert all((round(float(p.mediabox.width)), round(float(p.mediabox.height))) == (595, 842) for p in reader.pages)
    assert "Kit Synthetic-Carer" in text and "TE1 1ST" in text and "County Hall (demo)" in text
    assert f"Page 1 of {len(reader.pages)}" in text and "Friday 4 December 2026" in text
    assert "Your right to appeal" in text and CHILD_NAME in text


def test_large_print_sets_the_text_at_16_point(message: RenderedMessage) -> None:
    standard, _ = _reader(letter_pdf(message, PAPER))
    large, text = _reader(letter_pdf(message, replace(PAPER, large_print=True)))
    assert len(large.pages) > len(standard.pages) and "Your right to appeal" in text


def test_headings_paragraphs_and_lists_are_told_apart() -> None:
    blocks = letter_blocks(
        "Dear Sam,\n\nYour EHC plan: our decision\nReference: AR-1\n\nYour right to appeal\nYou may.\n\n"
        "- one\n- two\n\n----------------------------------------\n\nYours sincerely,\n\nThe team\nThe council\n"
    )
    assert [b["kind"] for b in blocks] == ["p", "h1", "h2", "list", "rule", "p", "p"]
    assert blocks[1]["text"] == "Your EHC plan: our decision" and blocks[3]["items"] == ["one", "two"]


def test_a_letter_that_cannot_be_laid_out_is_a_render_error(message: RenderedMessage) -> None:
    with pytest.raises(RenderError, match="no return address"):
        letter_pdf(message, replace(PAPER, return_address=()))
    with pytest.raises(RenderError, match="postal address"):
        letter_pdf(message, replace(PAPER, to=("x",) * 8))


def test_the_print_batch_is_a_folder_per_day_with_nothing_personal_in_its_names(
    message: RenderedMessage, tmp_path: Path
) -> None:
    pdf = letter_pdf(message, PAPER)
    posted = replace(message, reference=f"{message.reference}/n7", pdf=pdf, dated=DATED)
    result = PrintBatchChannel(tmp_path).send(posted, POSTED)
    (path,) = (tmp_path / "2026-12-04").iterdir()
    assert path.read_bytes() == pdf and result.provider_id == f"2026-12-04/{path.name}"
    assert CHILD_NAME not in path.name and "Synthetic" not in path.name
    with pytest.raises(PermanentDeliveryError, match="no postal address"):
        PrintBatchChannel(tmp_path).send(posted, Recipient(Role.FAMILY, email="x@example.invalid"))


def test_notify_precompiled_letter_posts_the_pdf(
    message: RenderedMessage, http_server: LocalHttpServer
) -> None:
    pdf = letter_pdf(message, PAPER)
    posted = replace(message, reference=f"{message.reference}/n7", pdf=pdf, dated=DATED)
    http_server.status, http_server.reply = 201, {"id": "letter-1", "reference": "x", "postage": "second"}
    channel = NotifyLetterChannel(api_key=API_KEY, base_url=http_server.url, timeout_seconds=5)
    try:
        result = channel.send(posted, POSTED)
    finally:
        channel.close()
    (request,) = http_server.requests
    assert request.path == "/v2/notifications/letter"
    assert jwt.decode(request.headers["Authorization"].split(" ")[1], SECRET, algorithms=["HS256"])["iss"] == SERVICE_ID
    assert base64.b64decode(request.body["content"]) == pdf and request.body["postage"] == "second"
    assert CHILD_NAME not in request.body["reference"] and result.provider_id == "letter-1"


@pytest.mark.parametrize(("status", "error"), [(503, TransientDeliveryError), (400, PermanentDeliveryError)])
def test_notify_letter_errors_keep_only_the_status(
    message: RenderedMessage, http_server: LocalHttpServer, status: int, error: type[Exception]
) -> None:
    posted = replace(message, pdf=b"%PDF-1.7", dated=DATED)
    http_server.status, http_server.reply = status, {"errors": [{"error": "x", "message": "Kit Synthetic-Carer"}]}
    channel = NotifyLetterChannel(api_key=API_KEY, base_url=http_server.url, timeout_seconds=5)
    with pytest.raises(error) as raised:
        channel.send(posted, POSTED)
    channel.close()
    assert "Synthetic" not in str(raised.value) and raised.value.__cause__ is None
