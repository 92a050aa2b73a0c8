"""``ehcp submit``, ``ehcp decide`` and ``ehcp issue``: move a review on through its run's resume form.

The CLI fills the very RunInput model the Prefect UI form is built from, checks
it against the record with the same rule the flow applies, and only then
resumes the run; so the CLI and the UI cannot disagree, and a refusal is shown
here before anything is sent.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

import typer
from pydantic import ValidationError
from rich.console import Console

from cli.errors import fail
from cli.records_access import current_settings, open_records
from flows.clock import today_in_london
from flows.inputs import DecisionForm, MeetingForm, PlanForm, PreparationForm, ReportForm, StageForm, to_stage_input
from records.review_facts import review_facts
from records.review_progress import UnknownReview, record_not_amending_reasons, review_by_reference, year_group_of
from records.review_view import review_view
from records.session import SessionFactory, session_scope
from rules.bank_holidays import england_and_wales_working_days
from rules.errors import Problem
from rules.facts import Outcome
from rules.rule_set import ENGLAND_2014
from rules.transitions import apply_stage_input, recorded_notes
from tasks.run_control import ResumeRefused, RunState, read_run_state, resume_review_run, wait_for_run

console = Console(highlight=False)
submit_app = typer.Typer(help="Record a stage the setting leads: preparation, meeting or report.", no_args_is_help=True)

By = Annotated[str | None, typer.Option("--by", help="Your staff ID or work email for the audit log.")]
Wait = Annotated[bool, typer.Option("--wait/--no-wait", help="Wait for the run to record the input.")]
Ref = Annotated[str, typer.Argument(help="The review reference, e.g. AR-2026-00123.")]


def _form_problems(exc: ValidationError, options: dict[str, str]) -> list[Problem]:
    problems = []
    for error in exc.errors(include_url=False):
        field = str(error["loc"][0]) if error["loc"] else "form"
        problems.append(Problem(options.get(field, field), error["msg"]))
    return problems


def _check_against_record(
    factory: SessionFactory, reference: str, form: StageForm, options: dict[str, str]
) -> tuple[int | None, str | None]:
    """Refuse here what the flow would refuse; return the review's stage and run id."""
    try:
        with session_scope(factory) as session:
            review = review_by_reference(session, reference)
            before = review_facts(review)
            result = apply_stage_input(
                before, to_stage_input(form), today=today_in_london(), year_group=year_group_of(review)
            )
            stage, run_id = review.stage, review.flow_run_id
    except UnknownReview as exc:
        raise fail(str(exc)) from None
    if not result.accepted:
        problems = [Problem(options.get(p.field, p.field), p.message) for p in result.problems]
        raise fail(f"review {reference}: input refused; nothing was recorded", problems)
    rule_set = ENGLAND_2014.with_settings(cycle_anchor=current_settings().cycle_anchor)
    for note in recorded_notes(before, result.facts, rule_set, is_working_day=england_and_wales_working_days()):
        console.print(f"[bold yellow]note:[/] {note.field}: {note.message}", markup=True)
    return stage, run_id


def _waiting_run(reference: str, stage: int | None, run_id: str | None) -> RunState:
    if run_id is None:
        raise fail(f"review {reference} has no run yet", [Problem("REF", f"start it with: ehcp start {reference}")])
    state = read_run_state(run_id)
    if state.waiting_stage != stage:
        hint = "it is busy; try again in a few seconds" if not state.is_final else f"restart it: ehcp start {reference}"
        raise fail(
            f"review {reference}'s run is not waiting for stage {stage} ({state.state_name})", [Problem("run", hint)]
        )
    return state


def _report_outcome(factory: SessionFactory, reference: str, before: RunState) -> None:
    after = wait_for_run(
        before.flow_run_id,
        lambda s: s.pause_key != before.pause_key and s.state_type not in ("RUNNING", "SCHEDULED", "PENDING"),
    )
    with session_scope(factory) as session:
        view = review_view(session, reference)
    if view.last_refusal:
        raise fail(
            f"review {reference}: input refused by the run; nothing was recorded",
            [Problem(field, message) for field, message in view.last_refusal],
        )
    where = "complete" if view.stage is None else f"stage {view.stage}"
    console.print(f"Recorded. Review {reference} is now {where} (run: {after.state_name}).")


def submit_form(
    reference: str, form_type: type[StageForm], values: dict[str, Any], options: dict[str, str], *, wait: bool
) -> None:
    """Validate, check against the record, resume the run, and report what the run recorded."""
    settings = current_settings()
    factory = open_records(settings)
    values["submitted_by"] = values.get("submitted_by") or settings.actor
    try:
        form = form_type.model_validate(values)
    except ValidationError as exc:
        raise fail(f"review {reference}: input refused; nothing was recorded", _form_problems(exc, options)) from None
    stage, run_id = _check_against_record(factory, reference, form, options)
    state = _waiting_run(reference, stage, run_id)
    try:
        resume_review_run(state.flow_run_id, form.model_dump(mode="json"))
    except ResumeRefused as exc:
        raise fail(f"review {reference}: Prefect refused the input: {exc}") from None
    if wait:
        _report_outcome(factory, reference, state)
    else:
        console.print(f"Sent to review {reference}'s run; `ehcp status {reference}` shows the result.")


@submit_app.command("preparation")
def submit_preparation(
    reference: Ref,
    meeting_planned_on: Annotated[str, typer.Option("--meeting-planned-on", help="Date fixed for the meeting.")],
    invitations_sent_on: Annotated[str, typer.Option("--invitations-sent-on", help="Date invitations went out.")],
    advice_circulated_on: Annotated[str, typer.Option("--advice-circulated-on", help="Date advice circulated.")],
    by: By = None,
    wait: Wait = True,
) -> None:
    """Stage 1: the meeting date is fixed, invitations are out and advice is circulated."""
    values = {
        "meeting_planned_on": meeting_planned_on,
        "invitations_sent_on": invitations_sent_on,
        "advice_circulated_on": advice_circulated_on,
        "submitted_by": by,
    }
    options = {
        "meeting_planned_on": "--meeting-planned-on",
        "invitations_sent_on": "--invitations-sent-on",
        "advice_circulated_on": "--advice-circulated-on",
        "submitted_by": "--by",
    }
    submit_form(reference, PreparationForm, values, options, wait=wait)


@submit_app.command("meeting")
def submit_meeting(
    reference: Ref,
    held_on: Annotated[str, typer.Option("--held-on", help="Date the review meeting was held.")],
    pfa: Annotated[
        bool,
        typer.Option(
            "--pfa-discussed/--no-pfa-discussed", help="Preparing for adulthood considered (required from Year 9)."
        ),
    ] = False,
    by: By = None,
    wait: Wait = True,
) -> None:
    """Stage 2: the review meeting was held."""
    values = {"meeting_held_on": held_on, "preparing_for_adulthood_discussed": pfa, "submitted_by": by}
    options = {
        "meeting_held_on": "--held-on",
        "preparing_for_adulthood_discussed": "--pfa-discussed",
        "submitted_by": "--by",
    }
    submit_form(reference, MeetingForm, values, options, wait=wait)


@submit_app.command("report")
def submit_report(
    reference: Ref,
    received_on: Annotated[str, typer.Option("--received-on", help="Date the LA received the report.")],
    recommendation: Annotated[Outcome, typer.Option("--recommendation", help="maintain, amend or cease.")],
    disagreement: Annotated[bool, typer.Option("--disagreement", help="The report records a disagreement.")] = False,
    sent_on: Annotated[str | None, typer.Option("--sent-on", help="Date the report was sent (the duty).")] = None,
    by: By = None,
    wait: Wait = True,
) -> None:
    """Stage 3: the setting's post-meeting report was sent and reached the LA."""
    values = {
        "report_sent_on": sent_on,
        "report_received_on": received_on,
        "recommendation": recommendation.value,
        "disagreement_recorded": disagreement,
        "submitted_by": by,
    }
    options = {
        "report_received_on": "--received-on",
        "report_sent_on": "--sent-on",
        "recommendation": "--recommendation",
        "submitted_by": "--by",
    }
    submit_form(reference, ReportForm, values, options, wait=wait)


def decide(
    reference: Ref,
    outcome: Annotated[Outcome, typer.Option("--outcome", help="maintain, amend or cease.")],
    notified_on: Annotated[str, typer.Option("--notified-on", help="Date the decision was notified.")],
    amendment_notice_on: Annotated[
        str | None,
        typer.Option("--amendment-notice-on", help="Amend only: date the proposed amendments were served, if later."),
    ] = None,
    by: By = None,
    wait: Wait = True,
) -> None:
    """Stage 4: record the LA's decision to maintain, amend or cease the plan."""
    values = {
        "outcome": outcome.value,
        "notified_on": notified_on,
        "amendment_notice_sent_on": amendment_notice_on,
        "submitted_by": by,
    }
    options = {
        "notified_on": "--notified-on",
        "amendment_notice_sent_on": "--amendment-notice-on",
        "outcome": "--outcome",
        "submitted_by": "--by",
    }
    submit_form(reference, DecisionForm, values, options, wait=wait)


def _read_reasons(path: Path | None, document: str) -> str | None:
    """The not-amending notice's reasons (Reg 22(4)), read from a file so they never reach Prefect."""
    if document != "not-amending":
        if path is not None:
            raise fail("bad option", [Problem("--reasons-file", "only a not-amending notice has reasons")])
        return None
    if path is None:
        raise fail("bad option", [Problem("--reasons-file", "required: the LA's reasons for not amending (Reg 22(4))")])
    try:
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise fail("bad option", [Problem("--reasons-file", f"cannot read it as UTF-8 text ({exc})")]) from None
    if not text:
        raise fail("bad option", [Problem("--reasons-file", "the file is empty: give the LA's reasons")])
    return text


def issue(
    reference: Ref,
    document: Annotated[
        Literal["final-plan", "not-amending", "cease-notice"],
        typer.Argument(help="final-plan or not-amending (after amend); cease-notice (after cease)."),
    ],
    on: Annotated[str, typer.Option("--on", help="Date the document was issued.")],
    reasons_file: Annotated[
        Path | None,
        typer.Option("--reasons-file", help="not-amending: a text file with the LA's reasons (kept in the records)."),
    ] = None,
    by: By = None,
    wait: Wait = True,
) -> None:
    """Stage 5: record the final amended plan, the not-amending notice, or the cease notice."""
    reasons = _read_reasons(reasons_file, document)
    if reasons is not None:  # held in the records before the run hears of the notice; never in the form
        settings = current_settings()
        try:
            with session_scope(open_records(settings)) as session:
                record_not_amending_reasons(session, reference, reasons, actor=settings.actor)
        except UnknownReview as exc:
            raise fail(str(exc)) from None
    values = {"document": document, "issued_on": on, "submitted_by": by}
    submit_form(reference, PlanForm, values, {"issued_on": "--on", "submitted_by": "--by"}, wait=wait)
