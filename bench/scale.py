"""Benchmark: the production profile at scale (Prefect on PostgreSQL, a process pool of two workers).

Brings up a throwaway production profile (``data/scale/``, Prefect on port 4420, its own PostgreSQL
databases ``ehcp_scale`` and ``ehcp_scale_prefect``, recreated each time), then measures:

1. starts: ``--starts`` review runs created through the run bridge (``services.runs``, as ``ehcp start``
   does; 16 threads), run by the two workers to their first wait: runs started per second;
2. resumes: ``--resumes`` of them given their stage-1 input at once (16 threads) through the front door's
   JSON API (``POST /api/reviews/REF/preparation`` with a setting account's token): resume -> next wait,
   median and p95;
3. the same two figures for a bare flow that only suspends, on the same pool (``--bare-starts`` runs,
   half of them resumed straight through Prefect's API), and the ratios;
4. the Prefect database's growth per suspended review;
5. the clock end to end (``ehcp clock --as-of``, escalations and mail included) for one day and for a
   month's catch-up over ``--clock-plans`` plans.

Prints figures; asserts nothing. ``.venv/bin/python bench/scale.py [--starts 1000] [--resumes 500] [--clock-plans N]``
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import sys
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import date, timedelta
from functools import partial
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from deployments.drills import fresh_databases  # noqa: E402
from deployments.production_stack import PG_ADMIN_URL, ProductionStack, Profile  # noqa: E402

PORTAL_PORT = 8420
PROFILE = Profile(
    home=ROOT / "data" / "scale",
    prefect_port=4420,
    mail_port=2646,
    webhook_port=2647,
    prefect_database="ehcp_scale_prefect",
    records_database="ehcp_scale",
    worker_limit=16,
    extra_env={"EHCP_PORTAL_PORT": str(PORTAL_PORT)},
)
TODAY = date.today()
PREPARATION = {  # the front door's API body for stage 1: two weeks' notice and advice circulated in time (Reg 20)
    "meeting_planned_on": (TODAY + timedelta(days=14)).isoformat(),
    "invited_on": {who: (TODAY - timedelta(days=6)).isoformat() for who in ("family", "head", "la_sen", "health")},
    "advice_circulated_on": (TODAY - timedelta(days=5)).isoformat(),
}
THREADS = 16


def database_bytes(name: str) -> int:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL) as db:
        return int(db.execute("SELECT pg_database_size(%s)", (name,)).fetchone()[0])  # type: ignore[index]


def pause_keys(stack: ProductionStack, ids: list[str]) -> dict[str, tuple[str, str | None]]:
    """State type and pause key of each run, read in pages of 200."""
    found: dict[str, tuple[str, str | None]] = {}
    for start in range(0, len(ids), 200):
        body = {"flow_runs": {"id": {"any_": ids[start : start + 200]}}, "limit": 200}
        for run in stack.api("POST", "/flow_runs/filter", json=body).json():
            details = (run.get("state") or {}).get("state_details") or {}
            found[run["id"]] = (run["state_type"], details.get("pause_key"))
    return found


def wait_until_waiting(
    stack: ProductionStack, ids: list[str], not_key: str | None, timeout_s: float
) -> dict[str, float]:
    """Poll until every run is PAUSED at a key other than ``not_key``; return when each was first seen so."""
    seen: dict[str, float] = {}
    deadline = time.monotonic() + timeout_s
    while len(seen) < len(ids) and time.monotonic() < deadline:
        for run_id, (state, key) in pause_keys(stack, [i for i in ids if i not in seen]).items():
            if state == "PAUSED" and key != not_key:
                seen[run_id] = time.perf_counter()
            elif state in ("FAILED", "CRASHED", "CANCELLED", "COMPLETED"):
                raise RuntimeError(f"run {run_id} ended {state} before waiting")
        time.sleep(0.5)
    if len(seen) < len(ids):
        print(f"  ! {len(ids) - len(seen)} runs did not reach their wait in {timeout_s:.0f} s")
    return seen


def group_cpu_seconds(matches: Callable[[int, str], bool]) -> float:
    """CPU seconds (user + system, with reaped children's) of the live processes ``matches(pgid, command)`` picks."""
    tick, total = os.sysconf("SC_CLK_TCK"), 0
    for entry in Path("/proc").iterdir():
        try:
            rest = (entry / "stat").read_text().rsplit(")", 1)[1] if entry.name.isdigit() else ""
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode() if rest else ""
        except OSError:
            continue
        fields = rest.split()
        if fields and matches(int(fields[2]), command):
            total += sum(int(value) for value in fields[11:15])  # utime stime cutime cstime
    return total / tick


def _in_groups(ids: frozenset[int], warm: bool | None, pgid: int, command: str) -> bool:
    return pgid in ids and (warm is None or warm == ("deployments.warm_engine" in command))


def _is_postgres(_pgid: int, command: str) -> bool:
    program = command.split(" ", 1)[0]
    return program.startswith("postgres:") or program.rsplit("/", 1)[-1] == "postgres"  # backends, postmaster


def stack_cpu(stack: ProductionStack) -> dict[str, float]:
    """CPU seconds so far of each part of the stack (each started in its own process group) and of PostgreSQL.

    A worker's group holds the Prefect worker and its warm engine, whose forked children are the flow runs."""
    workers = frozenset(process.pid for process in stack.workers.values())
    single = {"Prefect server": stack.server, "front door": stack.portal}
    seconds = {
        part: group_cpu_seconds(partial(_in_groups, frozenset([process.pid]), None))
        for part, process in single.items()
        if process is not None
    }
    seconds["Prefect workers"] = group_cpu_seconds(partial(_in_groups, workers, False))
    seconds["flow runs (warm engines)"] = group_cpu_seconds(partial(_in_groups, workers, True))
    seconds["PostgreSQL"] = group_cpu_seconds(_is_postgres)
    return seconds


def cpu_per_execution(before: dict[str, float], after: dict[str, float], executions: int) -> float:
    """Print core-seconds per execution for each part of the stack; return their total."""
    parts = {part: (after[part] - before[part]) / max(1, executions) for part in after}
    split = ", ".join(f"{part} {value:.2f}" for part, value in parts.items())
    print(f"               core-seconds per execution: {split}; total {sum(parts.values()):.2f}")
    return sum(parts.values())


NORFOLK_REVIEWS = 11_000


def print_goals(rows: list[tuple[str, str, str, str, str]]) -> None:
    """The issue's goals side by side: what issue 22 measured, this run, the bare flow on the same stack."""
    header = ("figure", "issue 22 measured", "this run", "bare flow", "goal")
    widths = [max(len(row[n]) for row in [header, *rows]) for n in range(len(header))]
    print("goals (issue 22):")
    for row in [header, *rows]:
        print("  " + " | ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))


def start_many(create: Callable[[int], str], count: int) -> tuple[list[str], float]:
    began = time.perf_counter()
    with ThreadPoolExecutor(THREADS) as pool:
        ids = list(pool.map(create, range(count)))
    return ids, began


def resume_many(ids: list[str], resume: Callable[[int], None], key: str, stack: ProductionStack) -> list[float]:
    """Resume every run waiting at ``key`` (``THREADS`` at a time); return each one's seconds to its next wait."""
    waiting = pause_keys(stack, ids)
    started: dict[str, float] = {}

    def one(index: int) -> None:
        started[ids[index]] = time.perf_counter()
        resume(index)

    with ThreadPoolExecutor(THREADS) as pool:
        list(pool.map(one, [n for n, run_id in enumerate(ids) if waiting[run_id][1] == key]))
    done = wait_until_waiting(stack, list(started), key, 3600)
    if done:
        span = max(done.values()) - min(started.values())
        print(f"  {len(done)} of {len(started)} resumed runs at their next wait {span:.1f} s after the first resume "
              f"({len(done) / span:.2f} resumes/s)")  # fmt: skip
    return [done[i] - started[i] for i in started if i in done]


def portal_token(stack: ProductionStack, references: list[str]) -> str:
    """A setting account scoped to every setting of ``references``, and an API token for it."""
    import psycopg

    with psycopg.connect(PROFILE.records_url.replace("+psycopg", "")) as db:
        urns = [urn for (urn,) in db.execute(
            "SELECT DISTINCT s.urn FROM reviews r JOIN plans p ON p.id = r.plan_id"
            " JOIN settings s ON s.id = p.setting_id WHERE r.reference = ANY(%s)", (references,))]  # fmt: skip
    settings = [arg for urn in urns for arg in ("--setting", urn)]
    stack.run("ehcp", "users", "add", "bench-senco@example.org", "--role", "setting", *settings)
    output = stack.run("ehcp", "users", "token", "bench-senco@example.org", "--label", "bench").stdout
    return next(word for word in output.split() if len(word) > 30)


def portal_resume(references: list[str], token: str) -> Callable[[int], None]:
    """Submit stage 1 of ``references[n]`` through the front door's JSON API, as a school's system would."""
    import httpx

    client = httpx.Client(
        base_url=f"http://127.0.0.1:{PORTAL_PORT}/api", headers={"Authorization": f"Bearer {token}"}, timeout=120
    )

    def resume(index: int) -> None:
        response = client.post(f"/reviews/{references[index]}/preparation", json=PREPARATION)
        status = response.json().get("status") if response.status_code < 500 else response.status_code
        if status != "received":  # stored in the review's inbox and handed to its run (issue 17)
            print(f"  ! {references[index]}: the front door answered {response.status_code} {response.text[:200]}")

    return resume


def figures(name: str, values: list[float]) -> tuple[float, float]:
    if not values:
        print(f"  {name:<12} resume -> next wait: no run reached its next wait")
        return float("nan"), float("nan")
    median, p95 = statistics.median(values), sorted(values)[int(0.95 * (len(values) - 1))]
    print(f"  {name:<12} resume -> next wait: median {median:.2f} s, p95 {p95:.2f} s ({len(values)} runs)")
    return median, p95


def measure_flows(stack: ProductionStack, starts: int, resumes: int, bare_starts: int) -> None:
    from prefect.deployments import run_deployment

    from bench.flow_measure import stage_one_references
    from records.review_runs import run_key, set_flow_run
    from records.session import session_scope
    from services.runs import start_review_run
    from services.setup import session_factory

    references = stage_one_references(starts)
    print(f"{len(references)} stage-1 reviews to start (asked for {starts})")
    before = database_bytes(PROFILE.prefect_database)

    def start(n: int) -> str:
        """Start one review's run and record it on the review, as ``ehcp start`` does (the front door finds it so)."""
        ref = references[n]
        run_id = start_review_run(ref, "900000", 1, "annual-review/production", idempotency_key=run_key(ref, 1, None))
        with session_scope(session_factory()) as session:
            set_flow_run(session, ref, run_id, actor="bench")
        return run_id

    cpu_before, own_before = stack_cpu(stack), os.times()
    review_ids, began = start_many(start, len(references))
    created = time.perf_counter() - began
    waited = wait_until_waiting(stack, review_ids, None, 3600)
    elapsed = max(waited.values()) - began
    per_review = (database_bytes(PROFILE.prefect_database) - before) / max(1, len(waited))
    rate = len(waited) / elapsed
    print(f"  review flow  start -> first wait: {len(waited)} runs in {elapsed:.1f} s ({rate:.2f} runs/s;")
    print(f"               created in {created:.1f} s); Prefect database +{per_review / 1024:.1f} KiB per review")
    own = os.times()
    starter = (own.user + own.system - own_before.user - own_before.system) / max(1, len(waited))
    print(f"               the starting process (as ehcp start): {starter:.2f} core-seconds per start")
    cpu_per_execution(cpu_before, stack_cpu(stack), len(waited))
    token = portal_token(stack, references[: resumes + 1])
    single = resume_many(review_ids[:1], portal_resume(references, token), "stage-1-1", stack)
    print(f"  review flow  one input on the idle stack: {single[0] if single else float('nan'):.2f} s to its next wait")
    cpu_before = stack_cpu(stack)
    burst, burst_references = review_ids[1 : resumes + 1], references[1:]  # the first one was the single input
    review_resumes = resume_many(burst, portal_resume(burst_references, token), "stage-1-1", stack)
    review = figures("review flow", review_resumes)
    review_cpu = cpu_per_execution(cpu_before, stack_cpu(stack), len(review_resumes))

    def bare(n: int) -> str:
        run = run_deployment("bare-wait/scale", parameters={"name": f"b{n}"}, timeout=0, as_subflow=False)
        return str(run.id)  # type: ignore[union-attr]

    bare_ids, began = start_many(bare, min(len(references), bare_starts))
    bare_waited = wait_until_waiting(stack, bare_ids, None, 3600)
    bare_elapsed = max(bare_waited.values()) - began
    print(f"  bare flow    start -> first wait: {len(bare_waited)} runs in {bare_elapsed:.1f} s "
          f"({len(bare_waited) / bare_elapsed:.2f} runs/s)")  # fmt: skip
    from services.runs import resume_review_run

    bare_resumes = bare_ids[: min(resumes, bare_starts // 2)]
    cpu_before = stack_cpu(stack)
    bare_resume = figures(
        "bare flow", resume_many(bare_resumes, lambda n: resume_review_run(bare_ids[n], {"value": "x"}), "first", stack)
    )
    bare_cpu = cpu_per_execution(cpu_before, stack_cpu(stack), len(bare_resumes))
    starts_ratio = (elapsed / len(waited)) / (bare_elapsed / len(bare_waited))
    print(f"ratios (review / bare; goal <= 1.2x): seconds per start {starts_ratio:.2f}x")
    if len(review_resumes) == len(bare_resumes):
        print(f"  resume median {review[0] / bare_resume[0]:.2f}x, p95 {review[1] / bare_resume[1]:.2f}x")
    else:  # latency under a burst is queueing: it grows with the burst, so only equal bursts compare
        print(f"  resume latencies not compared: {len(review_resumes)} review resumes against {len(bare_resumes)} bare")
    bare_rate = len(bare_waited) / bare_elapsed
    print_goals([
        ("11,000 reviews live", "7 h (0.43 starts/s)", f"{NORFOLK_REVIEWS / rate / 60:.0f} min ({rate:.2f}/s)",
         f"{NORFOLK_REVIEWS / bare_rate / 60:.0f} min ({bare_rate:.2f}/s)", "< 30 min"),
        (f"burst of {len(review_resumes)} inputs, p95", "1,201 s (500 inputs)", f"{review[1]:.0f} s",
         f"{bare_resume[1]:.0f} s ({len(bare_resumes)} resumes)", "< 300 s for 500"),
        ("one input, idle stack", "-", f"{single[0]:.1f} s" if single else "-", "-", "< 10 s"),
        ("core-seconds per execution", "3.6", f"{review_cpu:.2f}", f"{bare_cpu:.2f}", "-"),
    ])  # fmt: skip


def measure_clock(stack: ProductionStack, plans: int) -> None:
    """Load ``plans`` more plans, then time one clock day and a month's catch-up (runs started, mail sent)."""
    began = time.perf_counter()
    stack.run("ehcp", "demo-data", "--plans", str(plans), "--seed", "11", timeout_s=7200)
    print(f"clock at {plans} plans (loaded in {time.perf_counter() - began:.0f} s):")
    today = date.today()
    for label, as_of in (("one day", today + timedelta(days=1)), ("month catch-up", today + timedelta(days=31))):
        began = time.perf_counter()
        result = stack.run("ehcp", "clock", "--as-of", as_of.isoformat(), check=False, timeout_s=7200)
        line = (result.stdout.strip().splitlines() or ["(no output)"])[-1]
        print(f"  {label:<15} {time.perf_counter() - began:7.1f} s  rc={result.returncode}  {line}")


def measure_all_due(stack: ProductionStack) -> None:
    """Time ``ehcp start --all-due`` over every open review of the caseload (the day an installation goes live),
    on a business date by which every review's preparation is open, and count the runs Prefect then holds."""
    as_of = (date.today() + timedelta(days=400)).isoformat()
    cpu_before, began = stack_cpu(stack), time.perf_counter()
    result = stack.run("ehcp", "start", "--all-due", "--as-of", as_of, check=False, timeout_s=4 * 3600)
    elapsed = time.perf_counter() - began
    counts = {
        kind: stack.api("POST", "/flow_runs/count", json={"flow_runs": {"state": {"type": {"any_": kinds}}}}).json()
        for kind, kinds in (("waiting", ["PAUSED"]), ("other", ["SCHEDULED", "PENDING", "RUNNING", "COMPLETED"]),
                            ("ended badly", ["FAILED", "CRASHED", "CANCELLED"]))
    }  # fmt: skip
    last = (result.stdout.strip().splitlines() or ["(no output)"])[-1]
    print(f"ehcp start --all-due (as of {as_of}): {elapsed:.0f} s, rc={result.returncode}: {last}")
    print(f"  runs: {counts['waiting']} waiting for a person, {counts['other']} scheduled/running/completed, "
          f"{counts['ended badly']} failed/crashed/cancelled")  # fmt: skip
    stack_seconds = stack_cpu(stack)
    per_start = {part: (stack_seconds[part] - cpu_before[part]) / max(1, counts["waiting"]) for part in stack_seconds}
    print("  core-seconds per start (stack, without the ehcp process): "
          + ", ".join(f"{part} {value:.2f}" for part, value in per_start.items()))  # fmt: skip
    rate = counts["waiting"] / elapsed
    print_goals([("11,000 reviews live (ehcp start --all-due)", "7 h (0.43 starts/s)",
                  f"{NORFOLK_REVIEWS / rate / 60:.0f} min at {rate:.2f}/s ({counts['waiting']} measured)", "-",
                  "< 30 min")])  # fmt: skip


def pause_clock_schedule(stack: ProductionStack) -> None:
    """Pause the schedules of the clock (every 15 minutes) and of the liveness flow (every minute): each would start
    runs for every other due review of the caseload on the same two workers while the starts and resumes are
    measured (the clock is timed on its own)."""
    for name in ("statutory-clock/production", "review-liveness/production"):
        deployment = stack.api("GET", f"/deployments/name/{name}").json()
        stack.api("PATCH", f"/deployments/{deployment['id']}", json={"paused": True}).raise_for_status()


def wait_for_portal() -> None:
    import httpx

    for _ in range(120):
        try:
            if httpx.get(f"http://127.0.0.1:{PORTAL_PORT}/login", timeout=2).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.5)
    raise SystemExit("the front door did not answer on port {PORTAL_PORT} within 60 s")


def main() -> None:
    parser = argparse.ArgumentParser(description="the production profile at scale")
    parser.add_argument("--starts", type=int, default=1000)
    parser.add_argument("--resumes", type=int, default=500)
    parser.add_argument("--bare-starts", type=int, default=0, help="bare-flow runs (default: as many as --starts)")
    parser.add_argument("--clock-plans", type=int, default=100_000)
    parser.add_argument("--worker-limit", type=int, default=PROFILE.worker_limit, help="flow runs per worker at once")
    parser.add_argument("--all-due", type=int, default=0, metavar="PLANS",
                        help="only time `ehcp start --all-due` over PLANS plans (11000: Norfolk)")  # fmt: skip
    parser.add_argument("--profile-engine", type=Path, metavar="FOLDER",
                        help="profile each flow-run execution (EHCP_ENGINE_PROFILE); print the sum")  # fmt: skip
    args = parser.parse_args()
    PROFILE.worker_limit = args.worker_limit
    if args.profile_engine:
        shutil.rmtree(args.profile_engine, ignore_errors=True)
        args.profile_engine.mkdir(parents=True)
        PROFILE.extra_env["EHCP_ENGINE_PROFILE"] = str(args.profile_engine.resolve())
    shutil.rmtree(PROFILE.home, ignore_errors=True)
    fresh_databases(PROFILE)
    stack = ProductionStack(PROFILE)
    os.environ.update(stack.env)  # before Prefect is first imported, so the run bridge reaches this server
    try:
        stack.start(demo_plans=args.all_due or args.starts * 4, start_due=False)
        stack.run(
            "prefect",
            "--no-prompt",
            "deploy",
            "bench/bare_flow.py:bare_wait",
            "--name",
            "scale",
            "--pool",
            "ehcp-process",
            "--job-variable",
            "command=ehcp-engine",  # the same warm engine as the review flow's deployment (deployments/prefect.yaml)
        )
        pause_clock_schedule(stack)
        print(f"production profile up: {', '.join(f'{k} {v:.1f} s' for k, v in stack.timings.items())}")
        if args.all_due:
            measure_all_due(stack)
            return
        if not stack.start_portal():
            raise SystemExit("this version has no front door (ehcp portal) to resume through")
        wait_for_portal()
        measure_flows(stack, args.starts, args.resumes, args.bare_starts or args.starts)
        if args.clock_plans:
            measure_clock(stack, args.clock_plans)
    finally:
        stack.stop()
    if args.profile_engine:
        print_engine_profile(args.profile_engine)


def print_engine_profile(folder: Path, lines: int = 40) -> None:
    """Sum the executions' profiles (one file per flow-run process) and print where their time went."""
    import pstats

    files = sorted(str(path) for path in folder.glob("*.prof"))
    if not files:
        print(f"no execution profiles in {folder}")
        return
    stats = pstats.Stats(files[0])
    for name in files[1:]:
        stats.add(name)
    print(f"flow-run executions profiled: {len(files)} (cumulative seconds, summed over all of them):")
    stats.sort_stats("cumulative").print_stats(lines)


if __name__ == "__main__":
    main()
