"""Keep each review run's operator view true from the clock: its tags and its timeline artifact.

Plain functions (the clock wraps them in one task). Reads every run in a few batched calls
(``tasks.prefect_runs``), re-tags only runs whose tags changed (``stage:<n>``, ``overdue``,
``setting:<urn>``; other tags kept) and re-publishes the timeline artifact on the review's own
run. Nothing personal: references, stages, dates and roles only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from records.review_view import ReviewView, review_view
from records.session import session_scope
from tasks.db import session_factory
from tasks.prefect_runs import publish_markdown, read_runs, set_tags
from tasks.review_tasks import artifact_key
from tasks.timeline import timeline_markdown

__all__ = ["refresh_review_runs", "wanted_tags"]

ENDED = frozenset({"COMPLETED", "FAILED", "CANCELLED", "CRASHED"})


def wanted_tags(existing: Sequence[str], view: ReviewView, today: date) -> list[str]:
    """Return the run's tags for the review as it stands: setting, stage, ``overdue``; other tags kept."""
    overdue = any(d.is_open and not d.advisory and d.due_on < today for d in view.deadlines)
    kept = [t for t in existing if not t.startswith(("stage:", "setting:")) and t != "overdue"]
    stage = f"stage:{view.stage}" if view.stage else "stage:complete"
    return sorted({*kept, f"setting:{view.setting_urn}", stage, *(["overdue"] if overdue else [])})


def refresh_review_runs(references: Iterable[str], today: date) -> int:
    """Re-tag and re-publish the timeline of each review's live run; return how many runs were refreshed."""
    with session_scope(session_factory()) as session:
        views = [review_view(session, ref) for ref in dict.fromkeys(references)]
    runs = read_runs([v.flow_run_id for v in views if v.flow_run_id])
    refreshed = 0
    for view in views:
        snapshot = runs.get(view.flow_run_id or "")
        if snapshot is None or snapshot.state_type in ENDED:
            continue
        tags = wanted_tags(snapshot.tags, view, today)
        if sorted(snapshot.tags) != tags:
            set_tags(snapshot.flow_run_id, tags)
        publish_markdown(
            snapshot.flow_run_id,
            artifact_key(view.reference),
            timeline_markdown(view, today),
            f"Timeline of review {view.reference}",
        )
        refreshed += 1
    return refreshed
