"""The measurements of bench/flow.py, run against the stack it started (see that file)."""

from __future__ import annotations

import statistics
import time
from uuid import UUID

from prefect.client.orchestration import get_client
from prefect.deployments import run_deployment
from prefect.flow_runs import resume_flow_run
from sqlalchemy import select

from records.models import Review
from records.session import session_scope
from services.setup import session_factory

PREPARATION = {
    "meeting_planned_on": "2026-10-20",
    "invitations_sent_on": "2026-10-01",
    "advice_circulated_on": "2026-10-02",
    "submitted_by": "bench",
}


def stage_one_references(limit: int) -> list[str]:
    with session_scope(session_factory()) as session:
        query = select(Review.reference).where(Review.stage == 1, Review.meeting_held_on.is_(None)).limit(limit)
        return list(session.scalars(query))


def wait_all_paused(ids: list[UUID], key: str, timeout_s: float = 7200) -> None:
    deadline = time.monotonic() + timeout_s
    pending = set(ids)
    with get_client(sync_client=True) as client:
        while pending and time.monotonic() < deadline:
            for flow_run_id in list(pending):
                state = client.read_flow_run(flow_run_id).state
                if state is not None and state.is_paused() and state.state_details.pause_key == key:
                    pending.discard(flow_run_id)
                elif state is not None and state.is_final():
                    raise RuntimeError(f"run {flow_run_id} ended: {state.name} {state.message}")
            time.sleep(0.25)
    if pending:
        raise RuntimeError(f"{len(pending)} runs never reached {key}")


def start_runs(deployment: str, parameters: list[dict[str, str]]) -> tuple[list[UUID], float]:
    started = time.perf_counter()
    ids = [run_deployment(deployment, parameters=p, timeout=0).id for p in parameters]  # type: ignore[union-attr]
    return ids, started


def timed_resumes(ids: list[UUID], run_input: dict[str, str], first_key: str, next_key: str) -> list[float]:
    wait_all_paused(ids, first_key)
    seconds = []
    for flow_run_id in ids:
        started = time.perf_counter()
        resume_flow_run(flow_run_id, run_input=run_input)
        wait_all_paused([flow_run_id], next_key)
        seconds.append(time.perf_counter() - started)
    return seconds


def report(name: str, values: list[float]) -> tuple[float, float]:
    median, p95 = statistics.median(values), sorted(values)[int(0.95 * (len(values) - 1))]
    print(f"  {name:<14} resume -> next wait: median {median:.2f} s, p95 {p95:.2f} s over {len(values)} runs")
    return median, p95


def throughput(name: str, deployment: str, parameters: list[dict[str, str]], key: str) -> float:
    ids, started = start_runs(deployment, parameters)
    wait_all_paused(ids, key)
    elapsed = time.perf_counter() - started
    print(f"  {name:<14} start -> first wait: {len(ids)} runs in {elapsed:.1f} s ({len(ids) / elapsed:.2f} runs/s)")
    return elapsed


def measure_all(starts: int, resumes: int) -> None:
    references = stage_one_references(starts + resumes)
    if len(references) < starts + resumes:
        raise RuntimeError(f"only {len(references)} stage-1 reviews in the demo caseload")
    print(f"resume latency ({resumes} runs each):")
    review_ids, _ = start_runs("annual-review/embedded", [{"review_ref": r} for r in references[:resumes]])
    review = report("review flow", timed_resumes(review_ids, PREPARATION, "stage-1-1", "stage-2-2"))
    bare_ids, _ = start_runs("bare-wait/bench", [{"name": f"bare-{n}"} for n in range(resumes)])
    bare = report("bare flow", timed_resumes(bare_ids, {"value": "x"}, "first", "second"))
    print(f"start throughput ({starts} runs each):")
    review_start = throughput(
        "review flow",
        "annual-review/embedded",
        [{"review_ref": r} for r in references[resumes : resumes + starts]],
        "stage-1-1",
    )
    bare_start = throughput("bare flow", "bare-wait/bench", [{"name": f"b{n}"} for n in range(starts)], "first")
    print("overhead (review / bare; goal <= 1.2x):")
    print(
        f"  resume median {review[0] / bare[0]:.2f}x, p95 {review[1] / bare[1]:.2f}x; "
        f"starts {review_start / bare_start:.2f}x"
    )
