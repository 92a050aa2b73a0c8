"""A review as its page shows it: what was done when, what is due, who owes it, how many days are left."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy.orm import Session

from records.review_view import ReviewView, review_view
from rules.labels import LABELS
from rules.stages import Stage

DONE_LABELS = {
    "meeting_planned_on": "Meeting date fixed for",
    "invitations_sent_on": "Invitations sent",
    "advice_circulated_on": "Advice circulated",
    "meeting_held_on": "Meeting held",
    "report_received_on": "Report sent to the council",
    "decision_notified_on": "Decision notified",
    "amendment_notice_sent_on": "Amendment notice sent",
    "final_plan_issued_on": "Final plan issued",
    "cease_notice_sent_on": "Cease notice sent",
}
OWNERS = {"setting": "The setting", "la": "The council", "none": "Nobody"}


@dataclass(frozen=True, slots=True)
class DueLine:
    label: str
    due_on: date
    owner: str
    days_left: int
    advisory: bool
    earliest_lawful_on: date | None = None
    """The date cannot be met lawfully (the family's 15 days end after it): the document may not go before this."""


@dataclass(frozen=True, slots=True)
class Timeline:
    view: ReviewView
    stage_label: str
    done: tuple[tuple[str, date], ...]
    due: tuple[DueLine, ...]
    met: tuple[tuple[str, date, date], ...]


def stage_label(stage: int | None) -> str:
    return f"Stage {stage}: {Stage(stage).label}" if stage is not None else "Complete"


def days_text(days: int | None) -> str:
    """Return "3 days left", "due today" or "5 days overdue"."""
    if days is None:
        return ""
    if days == 0:
        return "due today"
    count = abs(days)
    unit = "day" if count == 1 else "days"
    return f"{count} {unit} left" if days > 0 else f"{count} {unit} overdue"


def timeline(session: Session, reference: str, today: date) -> Timeline:
    """Return the review's timeline on the business date."""
    view = review_view(session, reference)
    due = tuple(
        DueLine(LABELS.get(d.key, d.key), d.due_on, OWNERS.get(d.owner, d.owner), (d.due_on - today).days, d.advisory,
                d.earliest_lawful_on if d.earliest_lawful_on is not None and today < d.earliest_lawful_on else None)
        for d in view.deadlines
        if d.is_open
    )
    met = tuple((LABELS.get(d.key, d.key), d.due_on, d.met_on) for d in view.deadlines if d.met_on is not None)
    done = tuple((DONE_LABELS.get(name, name), value) for name, value in view.stage_dates)
    return Timeline(view, stage_label(view.stage), done, due, met)
