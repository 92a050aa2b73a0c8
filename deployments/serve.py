"""Serve every deployment from one process (the embedded stack, and the end-to-end tests).

``python -m deployments.serve`` registers the review flow as ``annual-review/embedded``, the
statutory clock (every 15 minutes) and the liveness flow (every ``EHCP_LIVENESS_EVERY_SECONDS``),
and polls for their runs. Production uses ``deployments/prefect.yaml`` with a process
work pool instead. Stop it with SIGTERM only when no stage is executing (the
embedded stack waits for that): Prefect cancels runs whose process is alive at shutdown.
"""

from __future__ import annotations

from datetime import timedelta

from prefect import serve
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron, Schedule

from flows.annual_review import annual_review
from flows.review_liveness import review_liveness
from flows.statutory_clock import statutory_clock
from records.settings import get_settings

EMBEDDED = "embedded"


CLOCK_OFF = "off"


def clock_schedules(cron: str) -> list[Schedule]:
    """The clock's schedule: ``cron`` in London time, or none for ``off`` (the clock then runs only when asked,
    ``ehcp clock``: the end-to-end tests travel in time, and a scheduled pass on today's date would fire their
    steps early)."""
    if cron.strip().lower() == CLOCK_OFF:
        return []
    return [Cron(cron, timezone="Europe/London")]


def main() -> None:
    """Serve the deployments until stopped."""
    review = annual_review.to_deployment(name=EMBEDDED, tags=["ehcp"])
    schedules = clock_schedules(get_settings().clock_cron)
    clock = statutory_clock.to_deployment(name=EMBEDDED, tags=["ehcp"], schedules=schedules)
    liveness = review_liveness.to_deployment(
        name=EMBEDDED, tags=["ehcp"], interval=timedelta(seconds=get_settings().liveness_every_seconds)
    )
    deployments = (review, clock, liveness)
    assert all(isinstance(d, RunnerDeployment) for d in deployments)  # sync calls: not coroutines
    serve(*deployments, limit=4)  # type: ignore[arg-type]


if __name__ == "__main__":
    main()
