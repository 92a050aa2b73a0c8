"""The submission service (``ehcp submit/decide/issue`` and the front door) says truly what became of an input."""

from __future__ import annotations

from datetime import date

from tasks.stage_forms import DecisionForm, PreparationForm
from tasks.stage_submission import Outcome, SubmissionRefused, outcome_of, recorded_outcome, submit
from tests.flows.conftest import ReviewRun
from tests.records.support import run

PREPARATION = PreparationForm(
    meeting_planned_on="2026-11-10",  # type: ignore[arg-type]
    invitations_sent_on="2026-10-20",  # type: ignore[arg-type]
    advice_circulated_on="2026-10-22",  # type: ignore[arg-type]
    submitted_by="senco-1",
)


def test_an_input_no_stage_has_applied_is_queued_not_recorded(review_run: ReviewRun) -> None:
    submission = submit(review_run.factory, review_run.reference, PREPARATION, wait_seconds=0.5)
    assert submission.outcome is Outcome.QUEUED and review_run.stage() == 1  # nothing applied: no runner here
    review_run.drive()  # a runner picks the run up
    applied = recorded_outcome(review_run.factory, review_run.reference, "stage-1-1")
    assert applied is not None and applied.outcome is Outcome.RECORDED and applied.stage == 2


def test_a_refusal_is_said_before_anything_is_sent(review_run: ReviewRun) -> None:
    early = DecisionForm(outcome="maintain", notified_on="2026-12-01", submitted_by="cw-1")  # type: ignore[arg-type]
    try:
        submit(review_run.factory, review_run.reference, early, wait_seconds=0)
    except SubmissionRefused as refused:
        assert "stage" in refused.headline or any(p.field == "stage" for p in refused.problems)
    else:
        raise AssertionError("a decision at stage 1 was not refused")
    assert review_run.pause_key == "stage-1-1"  # the run was never resumed


def test_the_cli_exits_3_when_the_input_is_queued(review_run: ReviewRun) -> None:
    result = run(
        "submit", "preparation", review_run.reference, "--meeting-planned-on", "2026-11-10",
        "--invitations-sent-on", "2026-10-20", "--advice-circulated-on", "2026-10-22", "--timeout", "0.5",
    )  # fmt: skip
    assert result.exit_code == 3 and "Queued, not yet applied" in result.stdout
    assert "Recorded" not in result.stdout


def test_of_two_inputs_at_one_wait_the_one_not_recorded_is_told_it_was_overtaken(review_run: ReviewRun) -> None:
    """Two people resume the same wait at once: the records hold one input; the other is not told 'recorded'."""
    submit(review_run.factory, review_run.reference, PREPARATION, wait_seconds=0)
    review_run.drive()
    other = PREPARATION.model_copy(update={"submitted_by": "senco-2"})
    later_meeting = PREPARATION.model_copy(update={"meeting_planned_on": date(2026, 11, 12)})

    mine = outcome_of(review_run.factory, review_run.reference, "stage-1-1", PREPARATION)
    assert mine is not None and mine.outcome is Outcome.RECORDED and mine.stage == 2
    for overtaken in (other, later_meeting):
        theirs = outcome_of(review_run.factory, review_run.reference, "stage-1-1", overtaken)
        assert theirs is not None and theirs.outcome is Outcome.OVERTAKEN and theirs.recorded_by == "senco-1"
