"""The review's timeline as markdown, for its Prefect artifact and the resume form's description.

Plain functions (no Prefect): a ``ReviewView`` and a business date in, text out.
Only the reference, stages, dates and roles appear: nothing personal.
"""

from __future__ import annotations

from datetime import date

from records.review_view import ReviewView
from rules.labels import LABELS
from rules.stages import Stage

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
