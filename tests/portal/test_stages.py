"""Recording stages through the pages: checked with the run's rules first, stored in the review's inbox with
the non-personal fields only, then handed to the run; the meeting record kept in the records database,
refusals shown on the page, "Recorded" said only once the stage applied it, one input per wait, and
nothing lost when Prefect is down (stored, shown as received, handed over by the sweep later)."""

from __future__ import annotations

import html
import json

from sqlalchemy import select

from portal.accounts import Role
from records.models import AuditEntry, InboxEntry, MeetingRecord, Review
from records.session import SessionFactory, session_scope
from services.inbox import sweep
from tests.portal.conftest import (
    TODAY,
    FakeRuns,
    apply_received,
    csrf_of,
    make_account,
    review_at_decision,
    urn_with_reviews,
)

VIEWS = {
    "attendance": "Mum, Ms Example (SENCO), Mr Sample (class teacher)",
    "child_views": "Pretend-child-view: I like the quiet room at lunch",
    "family_views": "Pretend-family-view: we worry about the move to secondary",
    "changes": "Needs more speech and language time",
    "recommendation_reasons": "Pretend-reason: progress in reading but new needs in communication",
    "disagreements": "Pretend-disagreement: dad wants more one-to-one hours",
    "agreed_actions": "SENCO to refer to SALT by January",
    "outcome_1": "Read simple sentences", "progress_1": "Pretend-progress: reads CVC words",
    "section_f": "Pretend-section-f: add 1 hour SALT weekly",
}


def _date(name: str, day: int, month: int, year: int) -> dict[str, str]:
    return {f"{name}-day": str(day), f"{name}-month": str(month), f"{name}-year": str(year)}


SIGNED = {"head_name": "Pretend-head: Ms Headteacher", "head_role": "Head teacher", "budget_requested": "no",
          **_date("head_signed_on", 2, 12, 2026),
          **{f"pfa_{key}": f"Pretend-pfa-{key}" for key in ("employment", "independent_living", "community", "health")}}
"""What sending the record needs besides the views: the head teacher's sign-off, the personal budget answer and,
from Year 9, preparing for adulthood."""


def _post(client, reference: str, stage: int, data: dict[str, str]):
    token = csrf_of(client, f"/reviews/{reference}")
    return client.post(f"/reviews/{reference}/stages/{stage}", data={**data, "csrf_token": token})


def _inbox(factory: SessionFactory) -> list[tuple[str, str]]:
    with session_scope(factory) as session:
        return [(row.status, row.source) for row in session.scalars(select(InboxEntry).order_by(InboxEntry.id))]


def _senco(factory: SessionFactory, client_for, stage: int):
    urn, reference = urn_with_reviews(factory, stage)
    make_account(factory, "senco@school.example", Role.SETTING, (urn,))
    return client_for("senco@school.example"), reference


def test_preparation_is_sent_with_its_dates_and_the_staff_id_only(factory, client_for, bridge: FakeRuns) -> None:
    client, reference = _senco(factory, client_for, 1)
    data = {**_date("meeting_planned_on", 20, 12, 2026), **_date("invited_family", 30, 11, 2026),
            **_date("invited_head", 27, 11, 2026), **_date("advice_circulated_on", 1, 12, 2026),
            "advice_from": "Pretend-advice-from: Dr Example, educational psychologist", "action": "send"}
    response = _post(client, reference, 1, data)
    assert response.status_code == 200
    assert "It is being recorded now" in response.text and "Recorded." not in response.text
    assert "Being recorded" in response.text and "being-recorded.js" in response.text
    assert 'action="/reviews/' not in response.text  # no form to enter it twice while it is being recorded
    [(_, sent)] = bridge.resumed
    assert sent["meeting_planned_on"] == "2026-12-20"
    assert sent["invitations_sent_on"] == "2026-11-30"  # the latest invitation counts
    assert sent["submitted_by"].startswith("staff-")
    assert "Pretend" not in json.dumps(sent)
    with session_scope(factory) as session:
        record = session.scalars(select(MeetingRecord)).one()
        assert record.content["preparation"]["advice_from"].startswith("Pretend-advice-from")
        stored = session.scalars(select(InboxEntry)).one()
        assert stored.form == sent and stored.source == "portal" and stored.status == "received"
    apply_received(factory, reference)  # the run takes it
    page = client.get(f"/reviews/{reference}").text
    assert "Recorded. The review is now at stage 2: review meeting." in page
    assert "being-recorded.js" not in page and "Being recorded" not in page
    assert "Recorded." not in client.get(f"/reviews/{reference}").text  # said once


def test_refused_input_stays_on_the_page_with_the_error_summary(factory, client_for, bridge: FakeRuns) -> None:
    client, reference = _senco(factory, client_for, 2)
    data = {**_date("meeting_held_on", 8, 12, 2026), "preparing_for_adulthood_discussed": "yes",
            "other_attendees": "Pretend-attendee", "action": "send"}
    response = _post(client, reference, 2, data)
    assert response.status_code == 400
    assert "There is a problem" in response.text
    assert 'href="#meeting_held_on"' in response.text
    assert "8 December 2026 is after today (1 December 2026)" in response.text
    assert 'name="meeting_held_on-day" type="text" inputmode="numeric" value="8"' in response.text
    assert "Pretend-attendee" in response.text  # what was typed is still there
    assert bridge.resumed == [] and _inbox(factory) == []  # refused before anything was stored


def test_a_date_that_is_not_a_date_names_the_field_and_the_fix(factory, client_for, bridge: FakeRuns) -> None:
    client, reference = _senco(factory, client_for, 2)
    response = _post(client, reference, 2, {**_date("meeting_held_on", 31, 2, 2026), "action": "send"})
    assert response.status_code == 400
    assert "Date the meeting was held must be a real date" in response.text
    assert bridge.resumed == []


def test_meeting_record_draft_then_send_keeps_the_views_out_of_prefect(factory, client_for,
                                                                       bridge: FakeRuns) -> None:
    client, reference = _senco(factory, client_for, 3)
    draft = _post(client, reference, 3, {**VIEWS, "action": "save"})
    assert draft.status_code == 200 and "Draft saved" in draft.text
    assert bridge.resumed == []
    assert VIEWS["child_views"] in draft.text  # the draft is back in the form
    incomplete = _post(client, reference, 3, {**VIEWS, "family_views": "", "action": "send"})
    assert incomplete.status_code == 400
    assert "Enter the family" in incomplete.text and "Select maintain, amend or cease" in incomplete.text
    sent = _post(client, reference, 3, {**VIEWS, **SIGNED, "recommendation": "amend", "action": "send"})
    assert sent.status_code == 200
    [(_, payload)] = bridge.resumed
    with session_scope(factory) as session:
        assert session.scalars(select(InboxEntry.form)).one() == payload
    with session_scope(factory) as session:
        record = session.scalars(select(MeetingRecord)).one()
        assert record.status == "submitted"
        assert record.content["record"]["child_views"] == VIEWS["child_views"]
        record_id = record.id
        audit_text = json.dumps([row.detail for row in session.scalars(select(AuditEntry))])
    assert payload["meeting_record_id"] == record_id
    assert payload["recommendation"] == "amend"
    assert payload["disagreement_recorded"] is True
    assert payload["report_received_on"] == TODAY.isoformat()
    for text in VIEWS.values():
        assert text not in json.dumps(payload)
        assert text not in audit_text


def test_when_prefect_is_down_the_input_is_stored_shown_and_handed_over_later(
    factory, client_for, bridge: FakeRuns
) -> None:
    client, reference = _senco(factory, client_for, 2)
    bridge.up = False
    data = {**_date("meeting_held_on", 1, 12, 2026), "preparing_for_adulthood_discussed": "yes", "action": "send"}
    response = _post(client, reference, 2, data)
    assert response.status_code == 200
    assert "Received and saved" in response.text and "recorded automatically" in response.text
    assert "Being recorded" in response.text and "the service that records reviews did not answer" in response.text
    assert "Prefect" not in response.text  # the engine's words stay in the log (issue 24 item 7)
    assert _inbox(factory) == [("received", "portal")]
    assert sweep(factory, bridge, actor="test").unavailable  # still down: nothing handed over, nothing lost
    bridge.up = True
    assert sweep(factory, bridge, actor="test").handed_over == {"resumed": 1}
    [(_, payload)] = bridge.resumed
    assert payload["meeting_held_on"] == "2026-12-01"
    apply_received(factory, reference)
    assert _inbox(factory) == [("applied", "portal")]
    assert sweep(factory, bridge, actor="test").handed_over == {}


def test_a_second_input_for_the_same_stage_is_told_who_sent_the_first(factory, client_for, bridge: FakeRuns) -> None:
    urn, reference = urn_with_reviews(factory, 2)
    make_account(factory, "senco@school.example", Role.SETTING, (urn,))
    make_account(factory, "deputy@school.example", Role.SETTING, (urn,))
    first, second = client_for("senco@school.example"), client_for("deputy@school.example")
    data = {**_date("meeting_held_on", 1, 12, 2026), "preparing_for_adulthood_discussed": "yes", "action": "send"}
    token = csrf_of(second, f"/reviews/{reference}")  # the second person opened the form before the first sent
    assert _post(first, reference, 2, data).status_code == 200
    late = second.post(f"/reviews/{reference}/stages/2", data={**data, "csrf_token": token})
    assert late.status_code == 409
    text = html.unescape(late.text)
    assert "already being recorded: sent by senco@school.example (setting staff) on" in text
    assert "Nothing you entered was saved" in text and 'action="/reviews/' not in text  # the status, not the form
    assert len(bridge.resumed) == 1 and _inbox(factory) == [("received", "portal")]


def test_a_review_with_no_run_gets_one_started_with_the_input_waiting_for_it(
    factory, client_for, bridge: FakeRuns
) -> None:
    client, reference = _senco(factory, client_for, 2)
    with session_scope(factory) as session:
        review = session.scalars(select(Review).where(Review.reference == reference)).one()
        review.flow_run_id, cycle = None, review.cycle_number
    data = {**_date("meeting_held_on", 1, 12, 2026), "preparing_for_adulthood_discussed": "yes", "action": "send"}
    response = _post(client, reference, 2, data)
    assert response.status_code == 200 and "It is being recorded now" in response.text
    assert "ehcp start" not in response.text
    assert bridge.started == [(reference, f"{reference}/cycle-{cycle}")] and bridge.resumed == []
    with session_scope(factory) as session:
        assert session.scalars(select(Review.flow_run_id).where(Review.reference == reference)).one() == (
            f"run-1-{reference}"
        )


def test_caseworker_previews_the_family_letter_then_decides(factory, client_for, bridge: FakeRuns) -> None:
    _, reference = review_at_decision(factory)
    make_account(factory, "cw@council.example", Role.CASEWORKER)
    client = client_for("cw@council.example")
    decision = {"outcome": "maintain", **_date("notified_on", 1, 12, 2026)}
    preview = _post(client, reference, 4, {**decision, "action": "preview"})
    assert preview.status_code == 200, preview.text
    assert "The family's letter (preview)" in preview.text
    assert "Tribunal" in preview.text
    assert bridge.resumed == []
    sent = _post(client, reference, 4, {**decision, "action": "send"})
    assert sent.status_code == 200
    [(_, payload)] = bridge.resumed
    assert payload["outcome"] == "maintain" and payload["notified_on"] == "2026-12-01"
    apply_received(factory, reference)
    assert "Recorded. The review is complete." in client.get(f"/reviews/{reference}").text


def test_a_setting_cannot_record_the_council_s_decision(factory, client_for, bridge: FakeRuns) -> None:
    urn, reference = review_at_decision(factory)
    make_account(factory, "senco@school.example", Role.SETTING, (urn,))
    client = client_for("senco@school.example")
    response = _post(client, reference, 4, {"outcome": "cease", **_date("notified_on", 1, 12, 2026),
                                            "action": "send"})
    assert response.status_code == 403
    assert bridge.resumed == []



def test_what_was_saved_comes_back_in_the_form(factory, client_for, bridge: FakeRuns) -> None:
    client, reference = _senco(factory, client_for, 1)
    data = {**_date("meeting_planned_on", 20, 12, 2026), **_date("invited_family", 30, 11, 2026),
            **_date("advice_circulated_on", 1, 12, 2026), "advice_from": "Pretend-advice-from", "action": "preview"}
    assert _post(client, reference, 1, data).status_code == 200
    page = client.get(f"/reviews/{reference}").text
    assert 'name="invited_family-day" type="text" inputmode="numeric" value="30"' in page
    assert "Pretend-advice-from" in page


def test_the_cease_notice_preview_is_the_letter_the_outbox_sends(factory, client_for, bridge: FakeRuns) -> None:
    """One letter table: the preview and the sent letter are rendered by the same builder, word for word."""
    from records.models import Notification
    from records.review_progress import apply_input
    from rules.bank_holidays import england_and_wales_working_days
    from rules.facts import Outcome
    from rules.rule_set import ENGLAND_2014
    from rules.transitions import DecisionTaken
    from services.rendering import prepare_notice
    from services.setup import la_directory

    _, reference = review_at_decision(factory)
    with session_scope(factory) as session:
        decided = apply_input(session, reference, DecisionTaken(Outcome.CEASE, TODAY), idempotency_key="decided",
                              actor="test", today=TODAY, rule_set=ENGLAND_2014,
                              is_working_day=england_and_wales_working_days())  # fmt: skip
    assert decided.accepted and decided.stage == 5
    make_account(factory, "cw@council.example", Role.CASEWORKER)
    client = client_for("cw@council.example")
    notice = {"document": "cease-notice", **_date("issued_on", 1, 12, 2026)}
    preview = _post(client, reference, 5, {**notice, "action": "preview"})
    assert preview.status_code == 200 and "no letter template" not in preview.text
    assert _post(client, reference, 5, {**notice, "action": "send"}).status_code == 200
    apply_received(factory, reference)
    with session_scope(factory) as session:
        row = session.scalars(
            select(Notification).where(Notification.template == "cease-notice", Notification.recipient_role == "family")
            .order_by(Notification.id)
        ).first()  # the first addressee's (the preview is theirs)
        assert row is not None
        sent = prepare_notice(session, row, la=la_directory(), rule_set=ENGLAND_2014,
                              is_working_day=england_and_wales_working_days()).message  # fmt: skip
    shown = html.unescape(preview.text)
    assert sent.subject in shown
    for line in (line for line in sent.body_text.splitlines() if len(line) > 40):
        assert line in shown, line


def test_the_page_and_the_api_build_the_same_entry(factory, client_for, app_client, bridge: FakeRuns) -> None:
    """Both doors give the review's run and the records the same input: the API builds the typed entry itself,
    never HTML field names for the page's parser (issue 19)."""
    from portal.stage_forms import StageEntry, preparation_entry
    from tests.portal.test_accounts_and_api import _bearer

    urn, page_ref = urn_with_reviews(factory, 1)
    other, api_ref = urn_with_reviews(factory, 1, not_urn=urn)
    make_account(factory, "senco@school.example", Role.SETTING, (urn,))
    make_account(factory, "senco2@school.example", Role.SETTING, (other,))
    page = {**_date("meeting_planned_on", 20, 12, 2026), **_date("invited_family", 30, 11, 2026),
            **_date("invited_health", 27, 11, 2026), **_date("advice_circulated_on", 1, 12, 2026),
            "advice_from": "Pretend-advice-from: Dr Example", "other_invitees": "Pretend-invitee", "action": "send"}
    assert _post(client_for("senco@school.example"), page_ref, 1, page).status_code == 200
    body = {"meeting_planned_on": "2026-12-20", "invited_on": {"family": "2026-11-30", "health": "2026-11-27"},
            "advice_circulated_on": "2026-12-01", "advice_from": "Pretend-advice-from: Dr Example",
            "other_invitees": "Pretend-invitee"}
    sent = app_client.post(f"/api/reviews/{api_ref}/preparation", json=body,
                           headers=_bearer(factory, "senco2@school.example"))
    assert sent.status_code == 200, sent.text
    (_, by_page), (_, by_api) = bridge.resumed
    assert by_page.pop("submitted_by") != by_api.pop("submitted_by")
    assert by_page == by_api
    with session_scope(factory) as session:
        kept = [r.content["preparation"] for r in session.scalars(select(MeetingRecord))]
    assert len(kept) == 2 and kept[0] == kept[1]
    assert kept[0]["invited_on"]["health"] == "2026-11-27" and kept[0]["invited_on"]["head"] is None
    missing = preparation_entry(StageEntry(), planned=None, invited={}, requested=None, circulated=None)
    assert [p.field for p in missing.problems] == ["invited_family"]  # one check, whichever door
