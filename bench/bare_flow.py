"""The bare flow bench/flow.py compares against: it only suspends twice, with no tasks and no records."""

from __future__ import annotations

from prefect import flow
from prefect.flow_runs import suspend_flow_run
from prefect.input import RunInput


class BareInput(RunInput):
    value: str = "x"


@flow(name="bare-wait", persist_result=True)
def bare_wait(name: str) -> str:
    """Suspend twice and do nothing else: the floor any suspend/resume flow pays."""
    for key in ("first", "second"):
        suspend_flow_run(wait_for_input=BareInput, key=key, timeout=3600)
    return name


def serve() -> None:
    """Serve the review flow and the bare flow from one runner (as the embedded stack does)."""
    from prefect import serve as prefect_serve

    from flows.annual_review import annual_review

    prefect_serve(annual_review.to_deployment(name="embedded"), bare_wait.to_deployment(name="bench"), limit=8)


if __name__ == "__main__":
    serve()
