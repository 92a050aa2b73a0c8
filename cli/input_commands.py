"""``ehcp submit``, ``ehcp decide`` and ``ehcp issue``: move a review on through its run's resume form.

The CLI fills the very RunInput model the Prefect UI form is built from and hands it to
``tasks.stage_submission``, which checks it against the record with the same rule the run
applies, resumes the run, and reads the outcome back from the records. So the CLI and the UI
cannot disagree, a refusal is shown before anything is sent, and "Recorded" is printed only
when the record changed. Exit status: 0 recorded (or sent, with ``--timeout 0``), 2 refused,
3 queued (Prefect has the input, no stage has applied it within ``--timeout``). Prefect is imported only when
one of these commands runs.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Final, Literal

import typer
from pydantic import ValidationError
from rich.console import Console

from cli.errors import fail
from cli.prefect_access import prefect_calls
from cli.records_access import current_settings, open_records
from records.review_progress import UnknownReview, record_not_amending_reasons
from records.session import session_scope
from rules.errors import Problem
from rules.facts import Outcome

if TYPE_CHECKING:
    from tasks.stage_submission import Submission

QUEUED_EXIT: Final = 3
console = Console(highlight=False)
submit_app = typer.Typer(help="Record a stage the setting leads: preparation, meeting or report.", no_args_is_help=True)

By = Annotated[str | None, typer.Option("--by", help="Your staff ID or work email for the audit log.")]
Wait = Annotated[
    float,
    typer.Option(
        "--timeout", min=0, help="Seconds to wait for the run to record the input (0: send and do not wait)."
    ),
]
Ref = Annotated[str, typer.Argument(help="The review reference, e.g. AR-2026-00123.")]


def _form_problems(exc: ValidationError, options: dict[str, str]) -> list[Problem]:
    problems = []
    for error in exc.errors(include_url=False):
        field = str(error["loc"][0]) if error["loc"] else "form"
        problems.append(Problem(options.get(field, field), error["msg"]))
    return problems


def _report(submission: Submission, options: dict[str, str]) -> None:
    from tasks.stage_submission import Outcome as Result

    reference = submission.reference
    for note in submission.notes:
        console.print(f"[bold yellow]note:[/] {options.get(note.field, note.field)}: {note.message}", markup=True)
    if submission.outcome is Result.REFUSED:
        problems = [Problem(options.get(p.field, p.field), p.message) for p in submission.problems]
        raise fail(f"review {reference}: input refused by the run; nothing was recorded", problems)
    if submission.outcome is Result.OVERTAKEN:
        raise fail(
            f"review {reference}: another input for this stage reached the run first and was recorded "
            f"(by {submission.recorded_by}); yours was not applied",
            [Problem("stage", f"see what was recorded with `ehcp status {reference}`, then submit again if needed")],
        )
    if submission.outcome is Result.QUEUED:
        console.print(
            f"Queued, not yet applied: review {reference}'s run has the input but has not recorded it "
            f"(is a runner or worker serving review runs?). `ehcp status {reference}` shows when it is."
        )
        raise typer.Exit(code=QUEUED_EXIT)
    if submission.outcome is Result.SENT:
        console.print(f"Sent to review {reference}'s run; `ehcp status {reference}` shows the result.")
        return
    where = "complete" if submission.stage is None else f"at stage {submission.stage}"
    console.print(f"Recorded. Review {reference} is now {where}.")


def submit_form(
    reference: str, form_name: str, values: dict[str, Any], options: dict[str, str], *, wait: float
) -> None:
    """Validate the form, then submit it through the shared service and report what the records say."""
    from tasks import stage_forms
    from tasks.stage_submission import SubmissionRefused, submit

    settings = current_settings()
    factory = open_records(settings)
    values["submitted_by"] = values.get("submitted_by") or settings.actor
    form_type: type[stage_forms.StageForm] = getattr(stage_forms, form_name)
    try:
        form = form_type.model_validate(values)
    except ValidationError as exc:
        raise fail(f"review {reference}: input refused; nothing was recorded", _form_problems(exc, options)) from None
    try:
        with prefect_calls():
            submission = submit(factory, reference, form, wait_seconds=wait)
    except SubmissionRefused as exc:
        problems = [Problem(options.get(p.field, p.field), p.message) for p in exc.problems]
        raise fail(exc.headline, problems) from None
    _report(submission, options)


@submit_app.command("preparation")
def submit_preparation(
    reference: Ref,
    meeting_planned_on: Annotated[str, typer.Option("--meeting-planned-on", help="Date fixed for the meeting.")],
    invitations_sent_on: Annotated[str, typer.Option("--invitations-sent-on", help="Date invitations went out.")],
    advice_circulated_on: Annotated[str, typer.Option("--advice-circulated-on", help="Date advice circulated.")],
    by: By = None,
    wait: Wait = 120.0,
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
    submit_form(reference, "PreparationForm", values, options, wait=wait)


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
    wait: Wait = 120.0,
) -> None:
    """Stage 2: the review meeting was held."""
    values = {"meeting_held_on": held_on, "preparing_for_adulthood_discussed": pfa, "submitted_by": by}
    options = {
        "meeting_held_on": "--held-on",
        "preparing_for_adulthood_discussed": "--pfa-discussed",
        "submitted_by": "--by",
    }
    submit_form(reference, "MeetingForm", values, options, wait=wait)


@submit_app.command("report")
def submit_report(
    reference: Ref,
    received_on: Annotated[str, typer.Option("--received-on", help="Date the LA received the report.")],
    recommendation: Annotated[Outcome, typer.Option("--recommendation", help="maintain, amend or cease.")],
    disagreement: Annotated[bool, typer.Option("--disagreement", help="The report records a disagreement.")] = False,
    sent_on: Annotated[str | None, typer.Option("--sent-on", help="Date the report was sent (the duty).")] = None,
    by: By = None,
    wait: Wait = 120.0,
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
    submit_form(reference, "ReportForm", values, options, wait=wait)


def decide(
    reference: Ref,
    outcome: Annotated[Outcome, typer.Option("--outcome", help="maintain, amend or cease.")],
    notified_on: Annotated[str, typer.Option("--notified-on", help="Date the decision was notified.")],
    amendment_notice_on: Annotated[
        str | None,
        typer.Option("--amendment-notice-on", help="Amend only: date the proposed amendments were served, if later."),
    ] = None,
    by: By = None,
    wait: Wait = 120.0,
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
    submit_form(reference, "DecisionForm", values, options, wait=wait)


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
    wait: Wait = 120.0,
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
    submit_form(reference, "PlanForm", values, {"issued_on": "--on", "submitted_by": "--by"}, wait=wait)
