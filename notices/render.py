"""Render a notice: subject, plain-text body, HTML body and a public one-line summary.

Plain functions, no Prefect. Templates live in ``notices/templates/<kind>/``
(``subject.txt.j2`` and ``body.txt.j2``); the HTML body wraps the text body in
``email.html.j2`` (autoescaped). ``StrictUndefined`` turns a missing placeholder
into an error, never a blank. The subject and the summary (what a webhook posts)
are rendered without the personal fields of the context, so they cannot carry
them. Every date goes through the ``london_date`` filter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import cache
from typing import Final

from jinja2 import Environment, PackageLoader, StrictUndefined, TemplateError, select_autoescape
from jinja2.exceptions import UndefinedError

from notices.context import (
    DecisionLetterContext,
    DeliveryFailedContext,
    FamilyLateLetterContext,
    InputNotAppliedContext,
    MeetingRecordContext,
    NoticeContext,
    template_vars,
)
from notices.errors import RenderError
from notices.kinds import MessageKind
from notices.wording import (
    ROLE_NAMES,
    and_list,
    copy_reason,
    council_roles,
    deadline_duty,
    deadline_short,
    late_subject,
    role_list,
    setting_roles,
)
from rules.ladder import Role

__all__ = ["RenderedMessage", "london_date", "render", "render_message", "template_environment"]

_WEEKDAYS: Final = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
_MONTHS: Final = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)


@dataclass(frozen=True, slots=True)
class RenderedMessage:
    """A message ready for any channel. Only ``body_text`` and ``body_html`` may hold personal data."""

    kind: MessageKind
    reference: str
    subject: str
    body_text: str
    body_html: str
    summary: str
    pdf: bytes | None = None
    """A posted letter's PDF (``notices.paper``), made just before it is posted."""
    dated: date | None = None
    """The date a posted letter bears: the print batch it goes into."""
    files: tuple[tuple[str, str, bytes], ...] = ()
    """Files an email carries as attachments (name, media type, content): the circulated advice's documents.
    Personal data, like the body; only the SMTP channel attaches them (the body names each file)."""


def london_date(day: date | None) -> str:
    """Return a London calendar date as a letter writes it: "Tuesday 10 February 2026"."""
    if day is None:
        raise UndefinedError("a date this message needs is not known")
    if isinstance(day, datetime):
        raise TypeError("london_date formats calendar dates; convert instants with rules.calendar.to_london_date")
    return f"{_WEEKDAYS[day.weekday()]} {day.day} {_MONTHS[day.month - 1]} {day.year}"


def _role_name(role: Role) -> str:
    return ROLE_NAMES[Role(role)]


def _weekday(day: date) -> str:
    return _WEEKDAYS[day.weekday()]


def _upper_first(text: str) -> str:
    """Return ``text`` with its first letter in capitals and the rest as it was ("your" -> "Your")."""
    return text[:1].upper() + text[1:]


def _day_before(day: date) -> date:
    return day - timedelta(days=1)


@cache
def template_environment() -> Environment:
    """Return the one Jinja2 environment of the notices (built on first use)."""
    env = Environment(
        loader=PackageLoader("notices", "templates"),
        undefined=StrictUndefined,
        autoescape=select_autoescape(enabled_extensions=("html.j2",), default_for_string=False),
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters.update(
        london_date=london_date,
        weekday=_weekday,
        day_before=_day_before,
        upper_first=_upper_first,
        role_list=role_list,
        role_name=_role_name,
        duty=deadline_duty,
        duty_short=deadline_short,
        late_subject=late_subject,
        copy_reason=copy_reason,
        setting_roles=setting_roles,
        council_roles=council_roles,
        and_list=and_list,
    )
    return env


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _paragraphs(text: str) -> list[list[str]]:
    blocks = re.split(r"\n\s*\n", text.strip())
    return [block.splitlines() for block in blocks if block.strip()]


def _summary_template(context: NoticeContext) -> str:
    if isinstance(context, DecisionLetterContext):
        return "summary_letter.txt.j2"
    if isinstance(context, FamilyLateLetterContext):
        return "summary_family.txt.j2"
    if isinstance(context, DeliveryFailedContext):
        return "summary_delivery.txt.j2"
    if isinstance(context, InputNotAppliedContext):
        return "summary_input.txt.j2"
    if isinstance(context, MeetingRecordContext):
        return "summary_record.txt.j2"
    return "summary_event.txt.j2"


def render_message(kind: MessageKind, context: NoticeContext) -> RenderedMessage:
    """Return the rendered message of ``kind`` for ``context``; raise RenderError if a template cannot render."""
    if context.kind is not kind:
        raise RenderError(f"context is for {context.kind}", kind=kind)
    env = template_environment()
    public = template_vars(context, personal=False)
    try:
        subject = _one_line(env.get_template(f"{kind.template_dir}/subject.txt.j2").render(public))
        body_text = env.get_template(f"{kind.template_dir}/body.txt.j2").render(template_vars(context, personal=True))
        summary = _one_line(env.get_template(_summary_template(context)).render(public))
        body_html = env.get_template("email.html.j2").render(subject=subject, paragraphs=_paragraphs(body_text))
    except TemplateError as exc:
        raise RenderError(exc.message, kind=kind) from None
    return RenderedMessage(kind, f"{context.review.reference}/{kind}", subject, body_text, body_html, summary)


def render(context: NoticeContext) -> RenderedMessage:
    """Return the rendered message of the context's own kind."""
    return render_message(context.kind, context)
