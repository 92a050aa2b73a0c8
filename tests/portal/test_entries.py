"""No double entries and lawful by default, in the pages and the JSON API (issue 24, items 2 and 3).

- A second input for a stage is told at once who sent the first and when, and sees that status in place of the
  form; an input for a wait the review has left is refused naming the stage; the API answers 409 with the
  same words; nothing of the second input is kept.
- A final plan inside the family's 15 days, or a meeting planned after it is due, is warned about before it is
  sent (a check step with a box to tick), the API returns the same ``warnings``; the letter preview never thanks
  the family for everything they told us while their window is open.
"""

from __future__ import annotations

import html

from sqlalchemy import select

from portal.accounts import Role, create_api_token, find_user
from records.models import InboxEntry, MeetingRecord
from records.session import SessionFactory, session_scope
from tests.portal.conftest import (
    TODAY,
    FakeRuns,
    apply_received,
    csrf_of,
    make_account,
    review_at_decision,
    urn_with_reviews,
)


def _date(name: str, day: int, month: int, year: int) -> dict[str, str]:
    return {f"{name}-day": str(day), f"{name}-month": str(month), f"{name}-year": str(year)}


MEETING = {**_date("meeting_held_on", 1, 12, 2026), "preparing_for_adulthood_discussed": "yes", "action": "send"}


def _wait_of(page: str) -> str:
    marker = 'name="wait" value="'
    start = page.index(marker) + len(marker)
    return page[start : page.index('"', start)]


def _inbox(factory: SessionFactory) -> list[str]:
    with session_scope(factory) as session:
        return [row.status for row in session.scalars(select(InboxEntry).order_by(InboxEntry.id))]


def _bearer(factory: SessionFactory, email: str) -> dict[str, str]:
    with session_scope(factory) as session:
        user = find_user(session, email)
        assert user is not None
        return {"Authorization": f"Bearer {create_api_token(session, user, 'test')}"}


def _two_people(factory: SessionFactory, client_for, stage: int):
    urn, reference = urn_with_reviews(factory, stage)
    make_account(factory, "senco@school.example", Role.SETTING, (urn,))
    make_account(factory, "deputy@school.example", Role.SETTING, (urn,))
    return client_for("senco@school.example"), client_for("deputy@school.example"), reference


def test_the_stage_form_carries_its_wait_and_its_buttons_refuse_a_double_click(factory, client_for) -> None:
    senco, _, reference = _two_people(factory, client_for, 2)
    page = senco.get(f"/reviews/{reference}").text
    assert _wait_of(page).isdigit()
    assert 'data-prevent-double-click="true"' in page


def test_a_second_tab_is_shown_who_is_recording_the_stage_in_place_of_the_form(
    factory, client_for, bridge: FakeRuns
) -> None:
    senco, deputy, reference = _two_people(factory, client_for, 2)
    opened = deputy.get(f"/reviews/{reference}").text  # the deputy's tab, open before the SENCO sends
    token, wait = csrf_of(deputy, f"/reviews/{reference}"), _wait_of(opened)
    sent = senco.post(f"/reviews/{reference}/stages/2",
                      data={**MEETING, "wait": wait, "csrf_token": csrf_of(senco, f"/reviews/{reference}")})
    assert sent.status_code == 200 and "Being recorded" in sent.text
    late = deputy.post(f"/reviews/{reference}/stages/2", data={**MEETING, **_date("meeting_held_on", 2, 12, 2026),
                       "other_attendees": "Pretend-second", "wait": wait, "csrf_token": token})  # fmt: skip
    assert late.status_code == 409
    text = html.unescape(late.text)
    assert "There is a problem" in text and 'href="#stage"' in text and 'id="stage"' in text
    assert "An input for stage 2 (review meeting) is already being recorded: sent by senco@school.example " \
           "(setting staff) on " in text  # fmt: skip
    assert "Being recorded" in text and "from senco@school.example (setting staff)" in text
    assert 'action="/reviews/' not in text  # the status, not a form to fill again
    assert _inbox(factory) == ["received"] and len(bridge.resumed) == 1
    with session_scope(factory) as session:
        [record] = session.scalars(select(MeetingRecord)).all()
        assert "Pretend-second" not in str(record.content)  # nothing the deputy entered was kept


def test_an_input_for_a_stage_the_review_has_left_is_refused_naming_the_stage(
    factory, client_for, bridge: FakeRuns
) -> None:
    senco, deputy, reference = _two_people(factory, client_for, 2)
    opened = deputy.get(f"/reviews/{reference}").text
    token, wait = csrf_of(deputy, f"/reviews/{reference}"), _wait_of(opened)
    senco.post(f"/reviews/{reference}/stages/2",
               data={**MEETING, "wait": wait, "csrf_token": csrf_of(senco, f"/reviews/{reference}")})
    apply_received(factory, reference)  # recorded: the review is at stage 3 now
    late = deputy.post(f"/reviews/{reference}/stages/2",
                       data={**MEETING, **_date("meeting_held_on", 2, 12, 2026), "wait": wait, "csrf_token": token})
    assert late.status_code == 409
    text = html.unescape(late.text)
    assert "Stage 2 (review meeting) was already recorded, from the input sent by senco@school.example " \
           "(setting staff) on " in text  # fmt: skip
    assert "the review is now at stage 3 (post-meeting report). Nothing you entered was saved" in text
    assert 'action="/reviews/' + reference + '/stages/3"' in text  # the form of the stage it is at now
    assert _wait_of(text) != wait  # carrying the wait it is at now
    assert _inbox(factory) == ["applied"]  # never kept, never silently refused later
    no_wait = deputy.post(f"/reviews/{reference}/stages/2",
                          data={**MEETING, "csrf_token": csrf_of(deputy, f"/reviews/{reference}")})
    assert no_wait.status_code == 409
    assert "This input was for stage 2 (review meeting), but the review has moved on: it is now at stage 3 " \
           "(post-meeting report)" in html.unescape(no_wait.text)  # fmt: skip


def test_the_api_answers_409_with_the_same_words(factory, app_client, bridge: FakeRuns) -> None:
    urn, reference = urn_with_reviews(factory, 2)
    make_account(factory, "senco@school.example", Role.SETTING, (urn,))
    headers = _bearer(factory, "senco@school.example")
    body = {"meeting_held_on": "2026-12-01", "preparing_for_adulthood_discussed": True, "attended": ["family"]}
    assert app_client.post(f"/api/reviews/{reference}/meeting", json=body, headers=headers).status_code == 200
    again = app_client.post(f"/api/reviews/{reference}/meeting", json=body, headers=headers)
    assert again.status_code == 409
    [problem] = again.json()["detail"]
    assert problem["field"] == "stage"
    assert problem["message"].startswith("An input for stage 2 (review meeting) is already being recorded: sent by "
                                         "senco@school.example (setting staff) on ")  # fmt: skip
    apply_received(factory, reference)
    moved = app_client.post(f"/api/reviews/{reference}/meeting", json=body, headers=headers)
    assert moved.status_code == 409 and "it is now at stage 3" in moved.json()["detail"][0]["message"]
    assert _inbox(factory) == ["applied"]


def _amend_at_stage_5(factory: SessionFactory) -> str:
    """A review whose amend decision and proposed amendments went to the family today (their 15 days run)."""
    from records.review_progress import apply_input
    from rules.bank_holidays import england_and_wales_working_days
    from rules.facts import Outcome
    from rules.rule_set import ENGLAND_2014
    from rules.transitions import DecisionTaken

    _, reference = review_at_decision(factory)
    with session_scope(factory) as session:
        decided = apply_input(session, reference, DecisionTaken(Outcome.AMEND, TODAY, TODAY), idempotency_key="d",
                              actor="test", today=TODAY, rule_set=ENGLAND_2014,
                              is_working_day=england_and_wales_working_days())  # fmt: skip
    assert decided.accepted and decided.stage == 5
    return reference


FINAL_PLAN = {"document": "final-plan", **_date("issued_on", 1, 12, 2026)}
EARLIEST = "Wednesday 16 December 2026"  # notice served Tue 1 Dec: the 15 days end Tue 15 Dec (Reg 22(2)(c))


def _caseworker(factory: SessionFactory, client_for):
    make_account(factory, "cw@council.example", Role.CASEWORKER)
    return client_for("cw@council.example")


def _post(client, reference: str, stage: int, data: dict[str, str]):
    return client.post(f"/reviews/{reference}/stages/{stage}",
                       data={**data, "csrf_token": csrf_of(client, f"/reviews/{reference}")})  # fmt: skip


def test_a_final_plan_inside_the_family_s_15_days_is_warned_before_it_is_sent(
    factory, client_for, bridge: FakeRuns
) -> None:
    reference = _amend_at_stage_5(factory)
    client = _caseworker(factory, client_for)
    preview = _post(client, reference, 5, {**FINAL_PLAN, "action": "preview"})
    text = html.unescape(preview.text)
    assert preview.status_code == 200 and "Check before you send" in text
    assert f"The earliest lawful date to issue the final plan is {EARLIEST}" in text
    assert "We have considered what you have told us so far" in text and "everything you told us" not in text
    first = _post(client, reference, 5, {**FINAL_PLAN, "action": "send"})
    text = html.unescape(first.text)
    assert first.status_code == 200 and "Nothing has been sent yet" in text and 'href="#check-before-sending"' in text
    assert "inside the family's 15 days" in text and EARLIEST in text and 'name="confirm_warnings"' in text
    assert _inbox(factory) == [] and bridge.resumed == []
    unticked = _post(client, reference, 5, {**FINAL_PLAN, "action": "send", "warned": "yes"})
    assert unticked.status_code == 400 and "Tick the box to record it as it is, or change the date" in unticked.text
    assert _inbox(factory) == []
    sent = _post(client, reference, 5, {**FINAL_PLAN, "action": "send", "warned": "yes", "confirm_warnings": "yes"})
    assert sent.status_code == 200 and "Being recorded" in sent.text
    [(_, payload)] = bridge.resumed
    assert payload["document"] == "final-plan" and payload["issued_on"] == "2026-12-01"  # recorded as history


def test_a_lawful_final_plan_is_sent_without_a_check_step(factory, client_for, bridge: FakeRuns) -> None:
    from portal.review_service import submit_stage
    from portal.scope import Principal

    reference = _amend_at_stage_5(factory)
    cw = Principal(0, "staff-test", "cw@council.example", Role.CASEWORKER, ())
    later = {"document": "final-plan", **_date("issued_on", 16, 12, 2026), "action": "send"}
    result = submit_stage(factory, cw, reference, 5, later, today=TODAY.replace(day=16))
    assert result.received is not None and result.warnings == () and not result.confirm


def test_the_api_returns_the_warnings_in_its_answer(factory, app_client, bridge: FakeRuns) -> None:
    reference = _amend_at_stage_5(factory)
    make_account(factory, "cw@council.example", Role.CASEWORKER)
    headers = _bearer(factory, "cw@council.example")
    body = {"document": "final-plan", "issued_on": "2026-12-01"}
    checked = app_client.post(f"/api/reviews/{reference}/plan", json={**body, "preview": True}, headers=headers)
    assert checked.status_code == 200 and checked.json()["status"] == "checked"
    [warning] = checked.json()["warnings"]
    assert warning["field"] == "issued_on" and EARLIEST in warning["message"]
    assert "everything you told us" not in checked.json()["letter"]
    sent = app_client.post(f"/api/reviews/{reference}/plan", json=body, headers=headers)
    assert sent.status_code == 200 and sent.json()["status"] == "received"
    assert [w["field"] for w in sent.json()["warnings"]] == ["issued_on"]


def test_a_meeting_planned_after_it_is_due_is_warned_at_stage_1(factory, client_for, bridge: FakeRuns) -> None:
    from records.models import Review
    from records.review_facts import review_facts
    from rules.bank_holidays import england_and_wales_working_days
    from rules.deadlines import deadlines_for
    from rules.rule_set import ENGLAND_2014
    from rules.warnings import long_date

    urn, reference = urn_with_reviews(factory, 1)
    make_account(factory, "senco@school.example", Role.SETTING, (urn,))
    client = client_for("senco@school.example")
    with session_scope(factory) as session:
        review = session.scalars(select(Review).where(Review.reference == reference)).one()
        found = deadlines_for(review_facts(review), ENGLAND_2014, is_working_day=england_and_wales_working_days())
        due = {d.key: d.due_on for d in found}["meeting_due"]
    late = due.replace(year=due.year + 1)
    data = {**_date("meeting_planned_on", late.day, late.month, late.year), **_date("invited_family", 20, 11, 2026),
            **_date("advice_circulated_on", 20, 11, 2026), "action": "send"}  # fmt: skip
    response = _post(client, reference, 1, data)
    text = html.unescape(response.text)
    assert response.status_code == 200 and "Check before you send" in text
    assert f"after the date it is due by, {long_date(due)}" in text and "Reg 20(10)" in text
    assert "after the review's legal deadline" in text and "s44(1)" in text
    assert _inbox(factory) == []
    sent = _post(client, reference, 1, {**data, "warned": "yes", "confirm_warnings": "yes"})
    assert sent.status_code == 200 and _inbox(factory) == ["received"]


def test_the_not_amending_and_cease_notice_previews_are_the_letters_the_service_sends(
    factory, client_for, bridge: FakeRuns
) -> None:
    from records.models import Notification, Review

    reference = _amend_at_stage_5(factory)
    client = _caseworker(factory, client_for)
    notice = {"document": "not-amending", **_date("issued_on", 1, 12, 2026), "action": "preview"}
    missing = _post(client, reference, 5, notice)
    assert missing.status_code == 400 and "Give the council's reasons for not amending" in html.unescape(missing.text)
    reasons = "Pretend-reasons: the current plan already provides the support agreed at the review"
    text = html.unescape(_post(client, reference, 5, {**notice, "reasons": reasons}).text)
    assert "The family's letter (preview)" in text and "cannot be previewed" not in text and reasons in text
    assert "what you have told us so far" in text and "everything you told us" not in text
    assert bridge.resumed == []
    sent = _post(client, reference, 5, {**notice, "reasons": reasons, "action": "send"})
    assert sent.status_code == 200 and "Being recorded" in sent.text
    [(_, payload)] = bridge.resumed
    assert "Pretend" not in str(payload)  # the reasons stay in the records, never in the run's form
    apply_received(factory, reference)
    with session_scope(factory) as session:
        review = session.scalars(select(Review).where(Review.reference == reference)).one()
        assert review.amendments_withdrawn_reasons == reasons
        assert session.scalars(select(Notification).where(Notification.template == "not-amending-notice")).first()


def test_ehcp_prints_the_same_warning_and_the_same_words_for_a_second_input(
    factory: SessionFactory, bridge: FakeRuns, monkeypatch
) -> None:
    import services.runs
    from records.settings import get_settings
    from tests.records.support import run

    reference = _amend_at_stage_5(factory)
    monkeypatch.setenv("EHCP_DATABASE_URL", str(factory.kw["bind"].url))
    monkeypatch.setattr(services.runs, "PrefectBridge", lambda: bridge)
    get_settings.cache_clear()
    try:
        issued = run("issue", reference, "final-plan", "--on", "2026-12-01", "--by", "cw-1", "--timeout", "0")
        assert issued.exit_code == 0, issued.output
        out = " ".join(issued.stdout.split())
        assert "warning:" in out and "inside the family's 15 days" in out and EARLIEST in out
        again = run("issue", reference, "final-plan", "--on", "2026-12-02", "--by", "cw-2", "--timeout", "0")
        assert again.exit_code == 2
        assert "An input for stage 5 (draft and final plan) is already being recorded: sent by cw-1 on " in " ".join(
            again.stderr.split()
        )
    finally:
        get_settings.cache_clear()
