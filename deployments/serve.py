"""Serve every deployment from one process (the embedded stack, and the end-to-end tests).

``python -m deployments.serve`` registers the review flow as ``annual-review/embedded``
and polls for its runs. Production uses ``deployments/prefect.yaml`` with a process
work pool instead. Stop it with SIGTERM only when no stage is executing (the
embedded stack waits for that): Prefect cancels runs whose process is alive at shutdown.
"""

from __future__ import annotations

from prefect import serve
from prefect.deployments.runner import RunnerDeployment
from prefect.schedules import Cron

from flows.annual_review import annual_review
from flows.statutory_clock import statutory_clock
from records.settings import get_settings

EMBEDDED = "embedded"


def main() -> None:
    """Serve the deployments until stopped."""
    review = annual_review.to_deployment(name=EMBEDDED, tags=["ehcp"])
    clock = statutory_clock.to_deployment(
        name=EMBEDDED, tags=["ehcp"], schedules=[Cron(get_settings().clock_cron, timezone="Europe/London")]
    )
    assert isinstance(review, RunnerDeployment) and isinstance(clock, RunnerDeployment)  # sync call: not coroutines
    serve(review, clock, limit=4)


if __name__ == "__main__":
    main()
