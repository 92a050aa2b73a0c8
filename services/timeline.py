"""A review run's view for operators: its tags and its timeline artifact, kept true by one service.

The review run (each pass, for its own run) and the clock (for every run it touched) both call
``refresh_run``: the tags (``setting:<urn>``, ``stage:<n>``, ``overdue``; other tags kept) are rewritten only
when they change, and the timeline markdown is re-published under the review's artifact key on the run's own
page. The resume form's description is written here too. Only the reference, stages, dates and roles appear:
nothing personal. Prefect is reached through ``services.runs``.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from records.review_view import ReviewView, review_view
from records.session import session_scope
from rules.labels import LABELS
from rules.stages import Stage
from services.runs import FINAL_STATES, publish_markdown, read_runs, review_tags, set_tags
from services.setup import session_factory

WHAT_TO_ENTER = {
    1: "Record the preparation: the meeting date fixed, and when invitations and advice went out.",
    2: "Record the review meeting: the date it was held.",
    3: "Record the post-meeting report: when it reached the LA and what it recommends.",
    4: "Record the LA's decision: maintain, amend or cease, and the date it was notified.",
    5: "Record the final amended plan or the not-amending notice (amend), or the cease notice (cease), and its date.",
}


def _stage_name(stage: int | None) -> str:
    return "complete" if stage is None else f"stage {stage}: {Stage(stage).label}"


def _days(due_on: date, today: date | None, earliest_lawful_on: date | None = None) -> str:
    if earliest_lawful_on is not None and (today is None or today < earliest_lawful_on):  # never ask for it sooner
        return f"cannot be met lawfully: not before {earliest_lawful_on:%a %d %b %Y}"
    if today is None:  # no business date recorded yet: dates only
        return ""
    left = (due_on - today).days
    if left < 0:
        return f"**{-left} days overdue**"
    return "due today" if left == 0 else f"{left} days left"


def open_deadlines_markdown(view: ReviewView, today: date | None) -> list[str]:
    lines = ["| deadline | due | owed by | |", "|---|---|---|---|"]
    for line in view.deadlines:
        if line.is_open:
            owner = "LA" if line.owner == "la" else line.owner
            label = LABELS.get(line.key, line.key)
            days = _days(line.due_on, today, line.earliest_lawful_on)
            lines.append(f"| {label} | {line.due_on:%a %d %b %Y} | {owner} | {days} |")
    return lines if len(lines) > 2 else ["No open deadlines."]


def form_description(view: ReviewView, today: date | None) -> str:
    """Return the markdown shown above the resume form: what to enter and what is due."""
    parts = [f"### Review {view.reference}: {_stage_name(view.stage)}", WHAT_TO_ENTER.get(view.stage or 0, "")]
    if view.last_refusal:
        parts.append("**The last input was refused:**")
        parts.extend(f"- `{field}`: {message}" for field, message in view.last_refusal)
    parts.extend(["", *open_deadlines_markdown(view, today)])
    return "\n".join(parts)


def timeline_markdown(view: ReviewView, today: date | None) -> str:
    """Return the review's timeline: stages done with dates, open deadlines, escalations so far."""
    parts = [
        f"# Review {view.reference} (cycle {view.cycle_number})",
        f"Now: **{_stage_name(view.stage)}**"
        + (f"; decision: {view.outcome}" if view.outcome else "")
        + (f" (as of {today:%a %d %b %Y})" if today else ""),
        "",
    ]
    parts += (
        [
            "## Done",
            *(
                f"- {name.removesuffix('_on').replace('_', ' ')}: {value:%a %d %b %Y}"
                for name, value in view.stage_dates
            ),
        ]
        if view.stage_dates
        else ["## Done", "- nothing yet"]
    )
    parts += ["", "## Open deadlines", *open_deadlines_markdown(view, today), "", "## Escalations"]
    parts += [
        f"- {e.due_on:%d %b %Y} {e.deadline_key} {e.ladder_step} to {e.recipient_roles} ({e.status})"
        for e in view.escalations
    ] or ["- none"]
    if view.last_refusal:
        parts += ["", "## Last input refused", *(f"- `{f}`: {m}" for f, m in view.last_refusal)]
    return "\n".join(parts)


def artifact_key(review_ref: str) -> str:
    """Return the review's artifact key (lowercase letters, digits and dashes only)."""
    return "review-" + "".join(ch if ch.isalnum() else "-" for ch in review_ref.lower())


def is_overdue(view: ReviewView, today: date | None) -> bool | None:
    """Whether a statutory deadline of the review is past on ``today``; None when no business date is known."""
    if today is None:
        return None
    return any(d.is_open and not d.advisory and d.due_on < today for d in view.deadlines)


def refresh_run(view: ReviewView, flow_run_id: str, tags: Sequence[str], today: date | None) -> list[str]:
    """Re-tag the review's run if its tags changed and re-publish its timeline; return the tags it now has."""
    overdue = is_overdue(view, today)
    wanted = review_tags(tags, view.setting_urn, view.stage, overdue="overdue" in tags if overdue is None else overdue)
    if sorted(tags) != wanted:
        set_tags(flow_run_id, wanted)
    description = f"Timeline of review {view.reference}"
    publish_markdown(flow_run_id, artifact_key(view.reference), timeline_markdown(view, today), description)
    return wanted


def refresh_review_runs(references: Iterable[str], today: date) -> int:
    """Re-tag and re-publish the timeline of each review's live run (read in a few batched calls); return how many."""
    with session_scope(session_factory()) as session:
        views = [review_view(session, ref) for ref in dict.fromkeys(references)]
    runs = read_runs([v.flow_run_id for v in views if v.flow_run_id])
    refreshed = 0
    for view in views:
        snapshot = runs.get(view.flow_run_id or "")
        if snapshot is None or snapshot.state_type in FINAL_STATES:
            continue
        refresh_run(view, snapshot.flow_run_id, snapshot.tags, today)
        refreshed += 1
    return refreshed
