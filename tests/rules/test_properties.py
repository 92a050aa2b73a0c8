"""Properties over plan dates from 2000 to 2099 (hypothesis).

The review-cycle invariant proved here, exactly: the 12 months starting with
the anchor A end on R = review_due, and the span A..R inclusive has 366 days
when it contains a 29 February and 365 days otherwise. So R - A is 365 days
across a leap day and 364 days otherwise.
"""

from __future__ import annotations

from datetime import date, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from rules.advisories import advisory_deadlines
from rules.appeals import adjusted_appeal_day, appeal_due
from rules.bank_holidays import england_and_wales_working_days
from rules.calendar import next_working_day, shift_months
from rules.consistency import order_problems
from rules.cycle import review_due
from rules.deadlines import appeal_letter_on, deadlines_for, due_dates
from rules.escalations import escalations_due
from rules.facts import Decision, LedBy, Outcome, PhaseTransfer, PreviousReview, ReviewFacts, TransferKind
from rules.rule_set import ENGLAND_2014, CycleAnchor
from rules.stages import completed_stages
from rules.status import Status, met_on, status_of

IS_WORKING_DAY = england_and_wales_working_days()
PLAN_DATES = st.dates(date(2000, 1, 1), date(2099, 12, 31))
RULE_SETS = st.sampled_from([ENGLAND_2014, ENGLAND_2014.with_settings(cycle_anchor=CycleAnchor.MEETING)])


def _contains_leap_day(start: date, end: date) -> bool:
    return any(
        date(year, 2, 29) >= start and date(year, 2, 29) <= end
        for year in range(start.year, end.year + 1)
        if year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
    )


@given(PLAN_DATES)
def test_review_due_spans_365_days_or_366_across_a_leap_day(anchor: date) -> None:
    due = review_due(anchor, ENGLAND_2014)
    span = (due - anchor).days + 1
    assert span == (366 if _contains_leap_day(anchor, due) else 365)


def _later(draw: st.DrawFn, start: date, max_days: int) -> date:
    return start + timedelta(days=draw(st.integers(0, max_days)))


def _amend_stage_five(draw: st.DrawFn, held: date, *, notice_sent: bool = False) -> dict[str, date | None]:
    """Amend facts, notice possibly late, final plan possibly inside the window (a kept breach)."""
    decided = _later(draw, held, 90)
    notice = _later(draw, decided, 90) if notice_sent or draw(st.booleans()) else None
    facts: dict[str, date | None] = {"notified_on": decided, "amendment_notice_sent_on": notice}
    end = draw(st.sampled_from(["none", "final", "withdrawn"]))
    if end == "final" and notice is not None:
        facts["final_plan_issued_on"] = _later(draw, notice, 120)
    elif end == "withdrawn":
        facts["amendments_withdrawn_on"] = _later(draw, notice or decided, 120)
    return facts


@st.composite
def valid_facts(draw: st.DrawFn, *, notice_sent: bool = False) -> ReviewFacts:
    """Facts in a possible order: each event on or after the one it follows.

    ``notice_sent``: always an amend decision whose amendment notice went, so the representation window is open
    or past (what the window's property needs: without it most examples have no window to test)."""
    first = draw(PLAN_DATES)
    previous = None
    if draw(st.booleans()):
        meeting = _later(draw, first, 400)
        previous = PreviousReview(meeting, _later(draw, meeting, 60))
    after = previous.decision_on if previous else first
    # a transfer belongs to this review only if its Reg 18 date is on or after the day the review began
    transfer = draw(
        st.one_of(
            st.none(),
            st.builds(
                PhaseTransfer,
                st.sampled_from([TransferKind.SCHOOL, TransferKind.SECONDARY_TO_POST16]),
                st.integers(after.year + 1, after.year + 3),
            ),
            st.builds(
                lambda on: PhaseTransfer(TransferKind.POST16, transfer_on=on),
                st.just(_later(draw, after + timedelta(days=155), 900)),
            ),
        )
    )
    held = _later(draw, after, 420) if notice_sent or draw(st.booleans()) else None
    decision, stage_five = None, {}
    if held is not None and (notice_sent or draw(st.booleans())):
        outcome = Outcome.AMEND if notice_sent else draw(st.sampled_from(list(Outcome)))
        if outcome is Outcome.AMEND:
            stage_five = _amend_stage_five(draw, held, notice_sent=notice_sent)
            decision = Decision(outcome, stage_five.pop("notified_on"))  # type: ignore[arg-type]
        else:
            decision = Decision(outcome, _later(draw, held, 90))
        if outcome is Outcome.CEASE and draw(st.booleans()):
            stage_five["cease_notice_sent_on"] = _later(draw, decision.notified_on, 90)
        if draw(st.booleans()):
            stage_five["mediation_certificate_on"] = _later(draw, decision.notified_on, 120)
    sent = _later(draw, held, 30) if held is not None and draw(st.booleans()) else None
    return ReviewFacts(
        first,
        previous_review=previous,
        date_of_birth=first - timedelta(days=draw(st.integers(0, 25 * 366))) if draw(st.booleans()) else None,
        phase_transfer=transfer,
        meeting_planned_on=_later(draw, after, 400) if held is None and draw(st.booleans()) else None,
        meeting_held_on=held,
        decision=decision,
        led_by=draw(st.sampled_from(list(LedBy))),
        report_sent_on=sent,
        report_received_on=_later(draw, sent, 5) if sent is not None and draw(st.booleans()) else None,
        **stage_five,
    )


@settings(max_examples=300)
@given(valid_facts(), RULE_SETS, PLAN_DATES)
def test_nothing_raises_for_valid_facts(facts: ReviewFacts, rule_set, today: date) -> None:  # type: ignore[no-untyped-def]
    assert order_problems(facts) == []
    deadlines = (*deadlines_for(facts, rule_set, is_working_day=IS_WORKING_DAY), *advisory_deadlines(facts, rule_set))
    events = escalations_due(deadlines, completed_stages(facts), today, rule_set.ladder, is_working_day=IS_WORKING_DAY)
    assert all(e.due_on <= today for e in events)
    assert [e.due_on for e in events] == sorted(e.due_on for e in events)


@settings(max_examples=300)
@given(valid_facts(), RULE_SETS)
def test_final_plan_never_after_the_phase_transfer_cap(facts: ReviewFacts, rule_set) -> None:  # type: ignore[no-untyped-def]
    got = due_dates(facts, rule_set, is_working_day=IS_WORKING_DAY)
    if got["final_plan_due"] is not None and got["phase_transfer_due"] is not None:
        assert got["final_plan_due"] <= got["phase_transfer_due"]


def _counted_from(facts: ReviewFacts) -> dict[str, date | None]:
    """The event each deadline counts from (the ones that count forwards)."""
    decision = facts.decision
    return {
        "review_due": facts.previous_review.decision_on if facts.previous_review else facts.plan_first_issued_on,
        "report_due": facts.meeting_held_on,
        "decision_due": facts.meeting_held_on,
        "amendment_notice_due": facts.meeting_held_on,
        "representations_close": facts.amendment_notice_sent_on,
        "final_plan_due": facts.meeting_held_on if facts.phase_transfer is None else None,
        "appeal_due": appeal_letter_on(facts) if decision else None,
        "next_review_due": decision.notified_on if decision else None,
    }


@settings(max_examples=400)
@given(valid_facts())
def test_no_deadline_falls_before_the_event_it_counts_from(facts: ReviewFacts) -> None:
    """STATUTORY.md s3: a deadline never falls before the event it counts from (late reviews included)."""
    got = due_dates(facts, ENGLAND_2014, is_working_day=IS_WORKING_DAY)
    for key, event in _counted_from(facts).items():
        if event is not None and got[key] is not None:
            assert got[key] >= event, key  # type: ignore[operator]


@settings(max_examples=400)
@given(valid_facts(notice_sent=True), PLAN_DATES)
def test_never_asks_for_a_final_plan_inside_the_representation_window(facts: ReviewFacts, today: date) -> None:
    """A final plan due inside the window carries the warning and its earliest lawful day, and is never chased."""
    close = due_dates(facts, ENGLAND_2014, is_working_day=IS_WORKING_DAY)["representations_close"]
    assert close is not None  # every example has a window: the property below is tested in each one
    deadlines = deadlines_for(facts, ENGLAND_2014, is_working_day=IS_WORKING_DAY)
    completed = completed_stages(facts)
    for deadline in deadlines:
        if deadline.key not in ("final_plan_due", "phase_transfer_due") or close is None:
            continue
        if facts.final_plan_issued_on is None and deadline.due_on <= close:
            assert deadline.earliest_lawful_on == close + timedelta(days=1)
            assert deadline.warning is not None and str(deadline.earliest_lawful_on) in deadline.warning
            done = met_on(deadline.key, facts)
            status = status_of(deadline, done, completed, today)
            assert status not in (Status.OPEN, Status.DUE_SOON)
            events = escalations_due([deadline], completed, today, ENGLAND_2014.ladder, is_working_day=IS_WORKING_DAY)
            assert not [e for e in events if e.step.startswith("reminder")]
        else:
            assert deadline.earliest_lawful_on is None


def _is_closed_period(day: date) -> bool:
    return day.month == 8 or (day.month == 12 and day.day >= 25) or (day.month == 1 and day.day == 1)


@given(PLAN_DATES)
def test_appeal_date_is_a_working_day_moved_once_at_most(letter_on: date) -> None:
    """HESC rule 12: one adjustment; only a raw end inside a closure leaves the closure."""
    raw = shift_months(letter_on, 2)
    due = appeal_due(letter_on, ENGLAND_2014, is_working_day=IS_WORKING_DAY)
    assert IS_WORKING_DAY(due)
    assert due >= raw
    if _is_closed_period(raw):
        assert not _is_closed_period(due)
    else:
        assert due == next_working_day(raw, is_working_day=IS_WORKING_DAY)


@given(PLAN_DATES)
def test_adjustment_never_moves_a_valid_day(day: date) -> None:
    adjusted = adjusted_appeal_day(day, is_working_day=IS_WORKING_DAY)
    if IS_WORKING_DAY(day) and not _is_closed_period(day):
        assert adjusted == day
    else:
        assert adjusted > day
    assert adjusted_appeal_day(day, is_working_day=IS_WORKING_DAY) == adjusted
