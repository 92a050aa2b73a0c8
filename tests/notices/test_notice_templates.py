"""Every template renders for every kind; personal data stays in bodies; dates go through london_date."""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path

import pytest
from jinja2.exceptions import UndefinedError
from notice_samples import CHILD_NAME, FAMILY_ADDRESSEE, REFERENCE, sample_context

from notices.context import ReviewContext, template_vars
from notices.errors import RenderError
from notices.kinds import REVIEW_KINDS, MessageKind
from notices.render import london_date, render, render_message, template_environment
from rules.calendar import IsWorkingDay

TEMPLATES = Path(__file__).resolve().parents[2] / "notices" / "templates"


@pytest.mark.parametrize("kind", REVIEW_KINDS, ids=str)
def test_render_message_every_kind_renders_subject_body_html_and_summary(
    kind: MessageKind, review: ReviewContext, is_working_day: IsWorkingDay
) -> None:
    message = render_message(kind, sample_context(kind, review, is_working_day))
    assert message.kind is kind
    assert message.reference == f"{REFERENCE}/{kind}"
    assert REFERENCE in message.subject and "\n" not in message.subject
    assert REFERENCE in message.body_text and REFERENCE in message.summary
    assert message.body_html.startswith("<!DOCTYPE html>")


@pytest.mark.parametrize("kind", REVIEW_KINDS, ids=str)
def test_render_message_child_name_only_in_bodies(
    kind: MessageKind, review: ReviewContext, is_working_day: IsWorkingDay
) -> None:
    message = render(sample_context(kind, review, is_working_day))
    for public in (message.subject, message.reference, message.summary):
        assert CHILD_NAME not in public
        assert FAMILY_ADDRESSEE not in public
    if kind not in {MessageKind.LA_REMINDER, MessageKind.LA_MISSED, MessageKind.ESCALATION}:
        assert CHILD_NAME in message.body_text  # staff escalations use the reference only
    assert "Section F" not in message.summary


def test_every_kind_has_its_templates_and_no_template_is_orphaned() -> None:
    kind_dirs = {kind.template_dir for kind in MessageKind}
    found_dirs = {path.name for path in TEMPLATES.iterdir() if path.is_dir()}
    assert found_dirs == kind_dirs
    for name in kind_dirs:
        assert {p.name for p in (TEMPLATES / name).iterdir()} == {"subject.txt.j2", "body.txt.j2"}


def test_template_vars_public_has_no_personal_fields(review: ReviewContext, is_working_day: IsWorkingDay) -> None:
    context = sample_context(MessageKind.DECISION_AMEND, review, is_working_day)
    public = template_vars(context, personal=False)
    assert {"child_first_name", "family_addressee", "proposed_amendments"}.isdisjoint(public)
    assert {"child_first_name", "family_addressee", "proposed_amendments"} <= set(template_vars(context, personal=True))


def test_subject_using_personal_field_fails_instead_of_leaking(
    review: ReviewContext, is_working_day: IsWorkingDay
) -> None:
    public = template_vars(sample_context(MessageKind.SETTING_MISSED, review, is_working_day), personal=False)
    with pytest.raises(UndefinedError):
        template_environment().from_string("{{ reference }} {{ child_first_name }}").render(public)


def test_html_body_is_escaped(review: ReviewContext, is_working_day: IsWorkingDay) -> None:
    message = render(sample_context(MessageKind.SETTING_REMINDER, review, is_working_day))
    assert "Holly & Ivy" in message.body_text
    assert "Holly &amp; Ivy" in message.body_html and "Holly & Ivy" not in message.body_html


def test_render_message_kind_must_match_context(review: ReviewContext, is_working_day: IsWorkingDay) -> None:
    with pytest.raises(RenderError, match="setting-missed"):
        render_message(MessageKind.SETTING_MISSED, sample_context(MessageKind.LA_MISSED, review, is_working_day))


@pytest.mark.parametrize(
    ("day", "expected"),
    [
        (date(2026, 2, 10), "Tuesday 10 February 2026"),
        (date(2026, 9, 1), "Tuesday 1 September 2026"),  # appeal day moved out of August
        (date(2027, 1, 4), "Monday 4 January 2027"),
        (date(2024, 2, 29), "Thursday 29 February 2024"),  # leap day
    ],
    ids=str,
)
def test_london_date_formats_weekday_day_month_year(day: date, expected: str) -> None:
    assert london_date(day) == expected


def test_london_date_refuses_missing_dates_and_instants() -> None:
    with pytest.raises(UndefinedError):
        london_date(None)
    with pytest.raises(TypeError):
        london_date(datetime(2026, 2, 10, 9, 0))


@pytest.mark.parametrize("kind", [MessageKind.ESCALATION, MessageKind.LA_MISSED, MessageKind.LA_REMINDER], ids=str)
def test_council_messages_do_not_say_the_council_twice(
    kind: MessageKind, review: ReviewContext, is_working_day: IsWorkingDay
) -> None:
    """The audit read "The council has not yet completed the council notifying its decision"."""
    body = render(sample_context(kind, review, is_working_day)).body_text
    assert "the council notifying" not in body
    assert "notifying the decision after the review meeting" in body
