"""``ehcp submit``, ``ehcp decide`` and ``ehcp issue``: move a review on, through the review's inbox.

The CLI fills the very form the Prefect UI's Resume form is built from and hands it to
``services.inbox`` (the one way in for every door): it is checked against the record with the rule the
run applies and stored in the review's inbox (a refusal stores nothing and names the option), then
handed to the review's run (resumed where it waits, or started when the review has none), and the
command waits for the record to show what became of it. "Recorded" is printed only when the stage
task applied it. Exit status: 0 recorded (or received, with ``--timeout 0``), 2 refused or overtaken,
3 received but not recorded within ``--timeout`` (it stays in the inbox and is recorded when the run
takes it; nobody enters it again). Prefect is imported only when one of these commands runs.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, Final, Literal

import typer
from rich.console import Console

from cli.errors import fail
from cli.records_access import current_settings, open_records
from records.inbox import AlreadyReceived
from records.review_progress import UnknownReview, record_not_amending_reasons, review_by_reference
from records.session import session_scope
from rules.errors import Problem
from rules.facts import Outcome

if TYPE_CHECKING:
    from records.inbox import InboxLine
    from services.forms import MeetingRecordContent

QUEUED_EXIT: Final = 3
MAX_REASONS: Final = 10_000
MAX_STAFF_ID: Final = 40
console = Console(highlight=False, soft_wrap=True)
submit_app = typer.Typer(help="Record a stage the setting leads: preparation, meeting or report.", no_args_is_help=True)

By = Annotated[str | None, typer.Option("--by", help="Your staff ID or work email for the audit log.")]
Wait = Annotated[
    float,
    typer.Option(
        "--timeout", min=0, help="Seconds to wait for the input to be recorded (0: store it and do not wait)."
    ),
]
Ref = Annotated[str, typer.Argument(help="The review reference, e.g. AR-2026-00123.")]


def _named(problems: tuple[Problem, ...], options: dict[str, str]) -> list[Problem]:
    return [Problem(options.get(p.field, p.field), p.message) for p in problems]


def _report(found: InboxLine, options: dict[str, str], waited: bool) -> None:
    reference = found.reference
    if found.status == "applied":
        where = "complete" if found.stage_after is None else f"at stage {found.stage_after}"
        console.print(f"Recorded. Review {reference} is now {where}.")
        return
    if found.status == "refused":
        problems = [Problem(options.get(f, f), m) for f, m in found.problems]
        raise fail(f"review {reference}: input refused when it was applied; nothing was recorded", problems)
    if found.status == "superseded":
        raise fail(f"review {reference}: not recorded: {found.last_error or 'the review moved on before it was'}")
    why = found.last_error or "its run is starting or busy"
    if not waited:
        console.print(f"Received: review {reference}'s input is stored and being recorded. "
                      f"`ehcp status {reference}` shows when it is.")  # fmt: skip
        return
    console.print(
        f"Received, not yet recorded: review {reference}'s input is stored in its inbox and will be recorded when "
        f"its run takes it ({why}); nobody needs to enter it again. `ehcp status {reference}` shows when it is."
    )
    raise typer.Exit(code=QUEUED_EXIT)


def _store(reference: str, stage: int, values: dict[str, Any], options: dict[str, str], reasons: str | None) -> int:
    """Check and store the input (and a not-amending notice's reasons) in one transaction; return its inbox id."""
    from services.inbox import MovedOn, Refused, already_said, receive
    from services.setup import business_date

    settings = current_settings()
    submitted_by = str(values.pop("submitted_by", None) or settings.actor)
    factory = open_records(settings)
    try:
        with session_scope(factory) as session:
            review = review_by_reference(session, reference)
            received = receive(session, review, stage, values, submitted_by=submitted_by, source="cli",
                               today=business_date(session))  # fmt: skip
            if reasons is not None:  # kept in the records beside the input, never in the form
                record_not_amending_reasons(session, reference, reasons, actor=submitted_by)
    except UnknownReview as exc:
        raise fail(str(exc), [Problem("REF", "check the reference with `ehcp reviews`")]) from None
    except Refused as exc:
        raise fail(exc.headline, _named(exc.problems, options)) from None
    except AlreadyReceived as exc:  # the same words as the pages and the API's 409
        with session_scope(factory) as session:
            said = already_said(session, review_by_reference(session, reference), exc)
        raise fail(f"review {reference}: {said}",
                   [Problem("stage", f"see what was recorded with `ehcp status {reference}`")]) from None  # fmt: skip
    except MovedOn as exc:
        raise fail(f"review {reference}: {exc.message}",
                   [Problem("stage", f"see the review with `ehcp status {reference}`")]) from None  # fmt: skip
    for warning in received.warnings:
        console.print(f"[bold yellow]warning:[/] {options.get(warning.field, warning.field)}: {warning.message}",
                      markup=True)  # fmt: skip
    for note in received.notes:
        console.print(f"[bold yellow]note:[/] {options.get(note.field, note.field)}: {note.message}", markup=True)
    return received.entry_id


def submit_form(
    reference: str, stage: int, values: dict[str, Any], options: dict[str, str], *, wait: float,
    reasons: str | None = None,
) -> None:  # fmt: skip
    """Store the input through the inbox, hand it to the review's run, and report what the records say."""
    _hand_over(_store(reference, stage, values, options, reasons), options, wait)


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
    submit_form(reference, 1, values, options, wait=wait)


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
    submit_form(reference, 2, values, options, wait=wait)


def _record_content(path: Path) -> MeetingRecordContent:
    """The meeting record in a JSON file, read as the typed form every door fills (each problem names its field)."""
    from pydantic import ValidationError

    from services.forms import MeetingRecordContent, form_problems

    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError:
        raise fail(f"{path}: the file cannot be read", [Problem("--record", "give the path of a JSON file")]) from None
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise fail(f"{path.name}: not JSON", [Problem("--record", f"save it as UTF-8 JSON ({exc})")]) from None
    try:
        return MeetingRecordContent.model_validate(data)
    except ValidationError as exc:
        problems = [Problem(f"--record {p.field}", p.message) for p in form_problems(exc)]
        raise fail(f"{path.name}: the meeting record was refused; nothing was stored", problems) from None


def _store_record(reference: str, content: MeetingRecordContent, by: str | None) -> int:
    """Save and send the meeting record through the front door's one path (as the council; dated today)."""
    from portal.accounts import Role
    from portal.review_service import NotInScope, submit_stage_entry
    from portal.scope import Principal
    from portal.stage_forms import StageEntry, typed_field
    from services.setup import business_date

    settings = current_settings()
    principal = Principal(0, (by or settings.actor)[:MAX_STAFF_ID], "", Role.ADMIN, ())
    factory = open_records(settings)
    with session_scope(factory) as session:
        today = business_date(session)
    entry = StageEntry(content=content.model_dump(mode="json"))  # the same entry the API builds
    try:
        result = submit_stage_entry(factory, principal, reference, 3, entry, sending=True, today=today, source="cli",
                                    action="send")  # fmt: skip
    except NotInScope:
        raise fail(f"no review {reference}", [Problem("REF", "check the reference with `ehcp reviews`")]) from None
    if result.received is None:
        problems = [Problem("stage" if p.field == "stage" else f"--record {typed_field(p.field)}", p.message)
                    for p in result.problems]  # fmt: skip
        raise fail(f"review {reference}: the meeting record was not sent (a draft of it is saved)", problems)
    for note in result.received.notes:
        console.print(f"[bold yellow]note:[/] {note.field}: {note.message}", markup=True)
    return result.received.entry_id


def _hand_over(entry_id: int, options: dict[str, str], wait: float) -> None:
    from services.inbox import follow, hand_over, line
    from services.runs import PrefectBridge

    settings = current_settings()
    factory, runs = open_records(settings), PrefectBridge()
    hand_over(factory, runs, entry_id, actor=settings.actor)
    found = follow(factory, runs, entry_id, actor=settings.actor, seconds=wait) if wait > 0 else line(factory, entry_id)
    _report(found, options, waited=wait > 0)


@submit_app.command("report")
def submit_report(
    reference: Ref,
    received_on: Annotated[
        str | None, typer.Option("--received-on", help="Date the LA received the report (not with --record).")
    ] = None,
    recommendation: Annotated[
        Outcome | None, typer.Option("--recommendation", help="maintain, amend or cease (not with --record).")
    ] = None,
    disagreement: Annotated[bool, typer.Option("--disagreement", help="The report records a disagreement.")] = False,
    sent_on: Annotated[str | None, typer.Option("--sent-on", help="Date the report was sent (the duty).")] = None,
    record: Annotated[
        Path | None,
        typer.Option(
            "--record", dir_okay=False,
            help="The meeting record as JSON (the front door's fields: attendance, child_views, aspirations, "
            "outcomes, advice, adulthood, personal_budget, head_signoff, recommendation, ...). It is kept in the "
            "records only, sent to the council dated today, and once recorded sent to the family and every invitee.",
        ),
    ] = None,
    by: By = None,
    wait: Wait = 120.0,
) -> None:
    """Stage 3: the setting's post-meeting report was sent and reached the LA (with --record: the meeting record)."""
    options = {
        "report_received_on": "--received-on",
        "report_sent_on": "--sent-on",
        "recommendation": "--recommendation",
        "submitted_by": "--by",
    }
    if record is not None:
        given = [name for name, value in (("--received-on", received_on), ("--recommendation", recommendation),
                                          ("--sent-on", sent_on), ("--disagreement", disagreement)) if value]
        if given:
            raise fail("the meeting record gives the report's content and the front door dates it today",
                       [Problem(name, "leave it out with --record") for name in given])  # fmt: skip
        _hand_over(_store_record(reference, _record_content(record), by), options, wait)
        return
    missing = [name for name, value in (("--received-on", received_on), ("--recommendation", recommendation))
               if value is None]  # fmt: skip
    if missing or recommendation is None:
        raise fail("the report needs its date and recommendation, or a meeting record",
                   [Problem(name, "give it, or give --record FILE.json") for name in missing])  # fmt: skip
    values = {
        "report_sent_on": sent_on,
        "report_received_on": received_on,
        "recommendation": recommendation.value,
        "disagreement_recorded": disagreement,
        "submitted_by": by,
    }
    submit_form(reference, 3, values, options, wait=wait)


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
    submit_form(reference, 4, values, options, wait=wait)


def _read_reasons(path: Path | None, document: str) -> str | None:
    """The not-amending notice's reasons (Reg 22(4)), read from a file so they never reach Prefect."""
    if document != "not-amending":
        if path is not None:
            raise fail("bad option", [Problem("--reasons-file", "only a not-amending notice has reasons")])
        return None
    if path is None:
        raise fail("bad option", [Problem("--reasons-file", "required: the LA's reasons for not amending (Reg 22(4))")])
    too_long = Problem("--reasons-file", f"shorten the reasons to {MAX_REASONS:,} characters or fewer")
    try:
        if path.stat().st_size > 4 * MAX_REASONS:  # more than any 10,000 characters of UTF-8 can take
            raise fail("bad option", [too_long])
        text = path.read_text(encoding="utf-8").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise fail("bad option", [Problem("--reasons-file", f"cannot read it as UTF-8 text ({exc})")]) from None
    if not text:
        raise fail("bad option", [Problem("--reasons-file", "the file is empty: give the LA's reasons")])
    if len(text) > MAX_REASONS:
        raise fail("bad option", [too_long])
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
    values = {"document": document, "issued_on": on, "submitted_by": by}
    submit_form(reference, 5, values, {"issued_on": "--on", "submitted_by": "--by"}, wait=wait, reasons=reasons)
