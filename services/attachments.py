"""Files attached to a meeting record: checked by their content, never by their name or the browser's word.

An attachment is advice or a report received for the review, as a PDF or a Word (DOCX) file of at most
``MAX_BYTES``. ``check_upload`` returns the file's kind from its bytes: a PDF starts with ``%PDF-`` (an HTML page
named ``.pdf`` is refused); a DOCX is a zip archive holding ``[Content_Types].xml`` and ``word/document.xml``,
read from its central directory only (nothing is unpacked) and refused when it would unpack to more than
``MAX_UNPACKED_BYTES``, holds more than ``MAX_ENTRIES`` files, or any file in it is packed more than
``MAX_RATIO`` times (a zip bomb). The name kept is the last part of what was given (``..\\..\\x.pdf`` is
``x.pdf``), without control characters, and ends with the extension of the kind found. Every refusal says what
to do. No database here: ``portal.meeting_records`` keeps the checked file in the records database.
"""

from __future__ import annotations

import io
import re
import zipfile
from dataclasses import dataclass
from typing import Final

__all__ = ["MAX_BYTES", "CheckedFile", "UploadRefused", "check_upload", "safe_file_name"]

MAX_BYTES: Final = 10 * 1024 * 1024
MAX_UNPACKED_BYTES: Final = 100 * 1024 * 1024
MAX_ENTRIES: Final = 2_000
MAX_RATIO: Final = 100
MAX_NAME: Final = 100
PDF: Final = "application/pdf"
DOCX: Final = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS: Final = {PDF: ".pdf", DOCX: ".docx"}
_UNSAFE = re.compile(r"[\x00-\x1f\x7f\"<>|:*?]")


class UploadRefused(ValueError):
    """The file is not one the record keeps; the message says why and what to do."""


@dataclass(frozen=True, slots=True)
class CheckedFile:
    """An upload that passed: the name to keep, its media type (from its content) and its bytes."""

    file_name: str
    media_type: str
    content: bytes


def safe_file_name(given: str, media_type: str) -> str:
    """Return the last part of ``given`` (either slash), without unsafe characters, ending as ``media_type`` says."""
    last = re.split(r"[\\/]", given or "")[-1]
    name = _UNSAFE.sub("", last).strip(" .")
    ext = EXTENSIONS[media_type]
    known = next((one for one in EXTENSIONS.values() if name.lower().endswith(one)), "")
    stem = (name[: -len(known)] if known else name).strip(" .")[: MAX_NAME - len(ext)] or "attachment"
    return f"{stem}{ext}"


def _is_docx(content: bytes) -> bool:
    try:
        archive = zipfile.ZipFile(io.BytesIO(content))
        entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise UploadRefused("The file is not a PDF or a Word document: its content could not be read as either. "
                            "Save it as PDF or DOCX and try again") from None  # fmt: skip
    if len(entries) > MAX_ENTRIES:
        raise UploadRefused("The Word document holds too many parts to be checked safely. Save it as PDF instead")
    unpacked = sum(entry.file_size for entry in entries)
    packed_too_far = any(entry.file_size > MAX_RATIO * max(entry.compress_size, 1) for entry in entries)
    if unpacked > MAX_UNPACKED_BYTES or packed_too_far:
        raise UploadRefused("The Word document would unpack to far more than its size (it may be a zip bomb). "
                            "Save it as PDF instead")  # fmt: skip
    names = {entry.filename for entry in entries}
    return {"[Content_Types].xml", "word/document.xml"} <= names


def check_upload(file_name: str, content: bytes) -> CheckedFile:
    """Return the upload if its content is a PDF or a DOCX within the limits; raise UploadRefused saying why."""
    if not content:
        raise UploadRefused("The selected file is empty. Choose the PDF or Word document again")
    if len(content) > MAX_BYTES:
        raise UploadRefused(f"The selected file must be smaller than {MAX_BYTES // (1024 * 1024)} MB")
    if content.startswith(b"%PDF-"):
        media_type = PDF
    elif content.startswith(b"PK\x03\x04") and _is_docx(content):
        media_type = DOCX
    else:
        raise UploadRefused("The selected file must be a PDF or a Word document (DOCX): its content is neither. "
                            "Save it as PDF or DOCX and try again")  # fmt: skip
    return CheckedFile(safe_file_name(file_name, media_type), media_type, content)
