"""The termly list message a setting receives before each term (CoP 9.172): rendered with the shared templates.

Plain functions, no Prefect and no clock. The list names reviews by reference and
child reference only; the subject carries the setting's URN and the count.
"""

from __future__ import annotations

from dataclasses import asdict
from datetime import date
from html import escape
from typing import Any

from notices.kinds import MessageKind
from notices.recipients import LaDirectory
from notices.render import RenderedMessage, template_environment

__all__ = ["render_termly_list"]


def render_termly_list(
    *,
    setting_urn: str,
    setting_name: str,
    term_id: str,
    term_name: str,
    term_starts_on: date,
    term_ends_on: date,
    items: list[Any],
    la: LaDirectory,
) -> RenderedMessage:
    """Return a setting's termly list, ready for the email channel (reference: term and URN only)."""
    env = template_environment()
    context = {
        "setting_urn": setting_urn,
        "setting_name": setting_name,
        "term_name": term_name,
        "term_starts_on": term_starts_on,
        "term_ends_on": term_ends_on,
        "items": [asdict(item) for item in items],
        "authority": la.authority,
    }
    subject = env.get_template("termly_list/subject.txt.j2").render(context).strip()
    body = env.get_template("termly_list/body.txt.j2").render(context).strip() + "\n"
    html = "<!DOCTYPE html><html><body><pre>" + escape(body) + "</pre></body></html>"
    reference = f"termly-list/{term_id}/{setting_urn}"
    return RenderedMessage(MessageKind.TERMLY_LIST, reference, subject, body, html, subject)
