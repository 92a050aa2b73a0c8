"""``ehcp start`` and ``ehcp status``: begin a review's long-lived run, and see where a review stands.

Prefect is imported only when these commands run (``cli.prefect_access``)."""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Annotated, Any

import httpx
import typer
from rich.console import Console

from cli.deadlines_command import parse_as_of
from cli.errors import fail
from cli.prefect_access import api_url, prefect_calls
from cli.records_access import current_settings, open_records
from records.inbox import InboxLine, latest_for_review
from records.review_progress import UnknownReview, review_by_reference
from records.review_runs import run_key, set_flow_run
from records.review_view import ReviewView, review_view
from records.session import SessionFactory, session_scope
from rules.errors import Problem
from rules.labels import LABELS

if TYPE_CHECKING:
    from services.runs import RunState

console = Console(highlight=False, soft_wrap=True)


def _view(factory: SessionFactory, reference: str) -> ReviewView:
    try:
        with session_scope(factory) as session:
            return review_view(session, reference)
    except UnknownReview as exc:
        raise fail(str(exc), [Problem("REF", "check the reference with `ehcp reviews`")]) from None


def _is_live(state: RunState | None) -> bool:
    return state is not None and not state.is_final


def _run_state(view: ReviewView) -> RunState | None:
    from services.runs import read_run_state

    return read_run_state(view.flow_run_id) if view.flow_run_id else None


def start_one(factory: SessionFactory, reference: str, deployment: str) -> tuple[str, bool]:
    """Start the review's run unless a live one exists; return (flow run id, started)."""
    view = _view(factory, reference)
    if view.stage is None:
        raise fail(f"review {reference} is complete; its next cycle has its own reference")
    from services.runs import start_review_run

    state = _run_state(view)
    if state is not None and _is_live(state):
        return state.flow_run_id, False
    key = run_key(reference, view.cycle_number, view.flow_run_id)
    flow_run_id = start_review_run(reference, view.setting_urn, view.stage, deployment, idempotency_key=key)
    with session_scope(factory) as session:
        set_flow_run(session, reference, flow_run_id, actor=current_settings().actor)
    return flow_run_id, True


def _start_all(as_of: date) -> None:
    """Start every due review's missing run and replace dead ones (the clock's own liveness pass, by hand)."""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from services.liveness import ensure_live_runs

    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn())
    with Progress(*columns, console=console, transient=True) as shown:
        task = shown.add_task("Checking every open review's run (Ctrl-C stops; run it again to go on)", total=None)
        report = ensure_live_runs(as_of, progress=lambda done, total: shown.update(task, completed=done, total=total))
    console.print(
        f"{len(report.started)} review runs started, {len(report.replaced)} replaced, {report.live} already live, "
        f"{len(report.could_not_start)} could not start (reviews someone may act on by {as_of:%a %d %b %Y})."
    )
    for reference, why in report.replaced.items():
        console.print(f"  {reference}: replaced ({why})")
    for reference in report.carried_over:
        console.print(f"  {reference}: the input its old run took but never recorded is kept; the new run records it")
    for reference, why in report.could_not_start.items():
        console.print(f"  {reference}: could not start: {why}")
    if report.problem:
        console.print(f"  {report.problem}")


def start(
    reference: Annotated[str | None, typer.Argument(help="The review reference, e.g. AR-2026-00123.")] = None,
    all_due: Annotated[
        bool,
        typer.Option("--all-due", help="Start every review that needs a run (preparation open, or past stage 1)."),
    ] = False,
    as_of: Annotated[str | None, typer.Option("--as-of", help="Business date for --all-due (default today).")] = None,
) -> None:
    """Start the long-lived Prefect run of a review (or of every review someone may act on): an operator's command."""
    settings = current_settings()
    factory = open_records(settings)
    if all_due == (reference is not None):
        raise fail("give either a review reference or --all-due", [Problem("REF", "ehcp start AR-2026-00123")])
    from services.runs import ui_link

    with prefect_calls():
        if all_due:
            _start_all(parse_as_of(as_of))
            return
        assert reference is not None
        flow_run_id, started = start_one(factory, reference, settings.review_deployment)
    verb = "Started" if started else "Already running:"
    console.print(f"{verb} review {reference}: {ui_link(flow_run_id, api_url())}")


def _latest_input(factory: SessionFactory, reference: str) -> InboxLine | None:
    with session_scope(factory) as session:
        return latest_for_review(session, review_by_reference(session, reference).id)


def _input_document(found: InboxLine | None) -> dict[str, Any] | None:
    if found is None:
        return None
    return {
        "id": found.entry_id,
        "stage": found.stage,
        "wait": found.wait_key,
        "status": found.status,
        "received_at": found.received_at.isoformat(),
        "submitted_by": found.submitted_by,
        "source": found.source,
        "stage_after": found.stage_after,
        "problems": [{"field": f, "message": m} for f, m in found.problems],
        "not_recorded_yet": found.last_error if found.status == "received" else None,
    }


def _input_text(found: InboxLine) -> str:
    said = f"stage {found.stage} input received {found.received_text} from {found.submitted_by}"
    if found.status == "received":
        return f"{said}, being recorded" + (f" (not yet: {found.last_error})" if found.last_error else "")
    if found.status == "applied":
        return f"{said}, recorded"
    if found.status == "refused":
        return f"{said}, refused: " + "; ".join(m for _, m in found.problems)
    return f"{said}, not recorded: {found.last_error or 'the review moved on before it was'}"


def _status_document(view: ReviewView, state: RunState | None) -> dict[str, Any]:
    from services.runs import ui_link

    api = api_url()
    return {
        "reference": view.reference,
        "stage": view.stage,
        "outcome": view.outcome,
        "setting_urn": view.setting_urn,
        "stage_dates": {name: value.isoformat() for name, value in view.stage_dates},
        "deadlines": [
            {
                "key": d.key,
                "due_on": d.due_on.isoformat(),
                "owner": d.owner,
                "open": d.is_open,
                "met_on": d.met_on.isoformat() if d.met_on else None,
                "advisory": d.advisory,
            }
            for d in view.deadlines
        ],
        "last_refusal": [{"field": f, "message": m} for f, m in view.last_refusal],
        "run": None
        if state is None
        else {
            "id": state.flow_run_id,
            "state": state.state_name,
            "type": state.state_type,
            "waiting_at": state.pause_key,
            "message": state.message,
            "ui": ui_link(state.flow_run_id, api),
        },
    }


def status(
    reference: Annotated[str, typer.Argument(help="The review reference, e.g. AR-2026-00123.")],
    as_json: Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")] = False,
) -> None:
    """Show a review's stage, deadlines and the state of its Prefect run, with the UI link."""
    factory = open_records(current_settings())
    view = _view(factory, reference)
    latest = _latest_input(factory, reference)
    unreachable = None
    with prefect_calls():
        try:
            state = _run_state(view)
        except httpx.TransportError as exc:  # the record and its inbox still answer: show them
            state, unreachable = None, type(exc).__name__
        document = {**_status_document(view, state), "latest_input": _input_document(latest)}
    if as_json:
        typer.echo(json.dumps(document, indent=2))
        return
    stage = "complete" if view.stage is None else f"stage {view.stage}"
    console.print(
        f"[bold]{view.reference}[/] (setting {view.setting_urn}): {stage}"
        + (f", decision {view.outcome}" if view.outcome else "")
    )
    for line in view.deadlines:
        if line.is_open:
            console.print(f"  open: {LABELS.get(line.key, line.key)} by {line.due_on:%a %d %b %Y} ({line.owner})")
    if latest is not None:
        console.print(f"  input: {_input_text(latest)}")
    for field, message in view.last_refusal:
        console.print(f"  [red]last input refused[/]: {field}: {message}")
    run = document["run"]
    if unreachable:
        console.print(f"  run: unknown: the Prefect server did not answer ({unreachable})")
    elif run:
        console.print(f"  run: {run['state']} at {run['waiting_at'] or '-'}; {run['ui']}")
    else:
        console.print("  run: not started (it starts when someone acts on the review, or at the next liveness pass)")
