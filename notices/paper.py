"""A letter on paper: the rendered message as an accessible, tagged PDF (PDF/UA-1) for a DL window envelope.

WeasyPrint lays out an HTML page (``templates/letter.html.j2``, autoescaped) on A4: the council's name and
return address at the top right, the addressee's name and postal address in the window area of a DL envelope
(the A4 sheet folded in three: 24.6 mm from the left, 39.5 mm from the top, 95.4 mm by 26.8 mm, the area
GOV.UK Notify's precompiled letters use too), the letter's text with real headings, paragraphs and lists (so a
screen reader finds its way), and "Page N of M" on every page. ``large_print`` sets the text at 16 pt (the
address stays at the size the window allows). The PDF carries the document's language (en-GB), its title (the
subject, which holds nothing personal) and the structure tree PDF/UA asks for.

A letter that cannot be laid out raises ``RenderError``: its outbox row fails with the reason, never the clock.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Final

from notices.errors import RenderError
from notices.render import RenderedMessage, london_date, template_environment

__all__ = ["LARGE_PRINT_PT", "STANDARD_PT", "PaperLetter", "letter_blocks", "letter_pdf", "tagged_pdf"]

STANDARD_PT: Final = 12
LARGE_PRINT_PT: Final = 16
MAX_ADDRESS_LINES: Final = 7
"""Name, up to five lines and the postcode: what the window shows (GOV.UK Notify allows 3 to 7 lines)."""
_HEADING_MAX: Final = 100
_SIGN_OFF: Final = "Yours sincerely,"
_RULE: Final = re.compile(r"^-{10,}$")


@dataclass(frozen=True, slots=True)
class PaperLetter:
    """What goes on paper besides the text: who it is to, where it comes from, the date, the print size."""

    to: tuple[str, ...]
    """The addressee's name and postal address lines, the postcode last."""
    council: str
    return_address: tuple[str, ...]
    dated: date
    large_print: bool = False


def _block(lines: list[str], *, heading: str | None) -> dict[str, Any]:
    if len(lines) == 1 and _RULE.match(lines[0]):
        return {"kind": "rule"}
    if all(line.startswith("- ") for line in lines):
        return {"kind": "list", "items": [line[2:] for line in lines]}
    first = lines[0]
    if heading is not None and len(first) <= _HEADING_MAX and not first.endswith((".", ",", ":", ";", "?", "!")):
        return {"kind": heading, "text": first, "lines": lines[1:]}
    return {"kind": "p", "lines": lines}


def letter_blocks(body_text: str) -> list[dict[str, Any]]:
    """Return the letter's text as blocks: the first heading ``h1``, later ones ``h2``, paragraphs, lists, rules.

    A block whose first line is short and ends without punctuation is a heading ("Your right to appeal"); after
    the sign-off everything is a plain paragraph (the team's name and the council's are not headings).
    """
    blocks: list[dict[str, Any]] = []
    signed = False
    for raw in re.split(r"\n\s*\n", body_text.strip()):
        lines = [line.strip() for line in raw.splitlines() if line.strip()]
        if not lines:
            continue
        signed = signed or lines[0] == _SIGN_OFF
        level = None if signed else ("h2" if any(b["kind"] == "h1" for b in blocks) else "h1")
        blocks.append(_block(lines, heading=level))
    return blocks


def letter_pdf(message: RenderedMessage, paper: PaperLetter) -> bytes:
    """Return the letter as a tagged PDF/UA-1 on A4; raise RenderError when it cannot be laid out."""
    if not paper.to or len(paper.to) > MAX_ADDRESS_LINES:
        raise RenderError(f"the postal address must have 1 to {MAX_ADDRESS_LINES} lines", kind=message.kind)
    if not paper.return_address:
        raise RenderError("the roles file gives no return address (authority.postal_address)", kind=message.kind)
    html = template_environment().get_template("letter.html.j2").render(
        title=message.subject,
        blocks=letter_blocks(message.body_text),
        paper=paper,
        dated=london_date(paper.dated),
        size_pt=LARGE_PRINT_PT if paper.large_print else STANDARD_PT,
    )
    return tagged_pdf(html, kind=message.kind)


def tagged_pdf(html: str, *, kind: str) -> bytes:
    """Return an HTML page laid out as a tagged PDF/UA-1 (the one PDF builder: letters and the meeting record).

    The page gives the document's language (``lang``) and title; raise RenderError when it cannot be laid out."""
    try:
        from weasyprint import HTML  # imported when a PDF is made: it loads pango

        pdf: bytes = HTML(string=html).write_pdf(pdf_variant="pdf/ua-1")
    except Exception as exc:  # any layout failure fails this one document, with its reason
        raise RenderError(f"the PDF could not be made: {type(exc).__name__}", kind=kind) from None
    return pdf
