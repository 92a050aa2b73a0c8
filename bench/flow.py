"""Benchmark: the review flow's overhead against a bare Prefect flow that only suspends and resumes.

Starts its own Prefect server (temporary PREFECT_HOME, SQLite) and one runner serving both flows,
loads a synthetic caseload into a temporary records database, then measures, for each flow:

- resume -> next suspension: median and p95 over ``--resumes`` runs (an input submitted through
  the Prefect API, as ``ehcp submit`` and the UI form do, until the run waits again);
- start -> first suspension for ``--starts`` runs (default 1,000): wall time until every run waits.

Goal (issue 4): the review flow within 1.5x of the bare flow. Prints figures; asserts nothing.

    .venv/bin/python bench/flow.py [--starts 1000] [--resumes 50]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    parser = argparse.ArgumentParser(description="review flow vs bare flow: resume latency and start throughput")
    parser.add_argument("--starts", type=int, default=1000)
    parser.add_argument("--resumes", type=int, default=50)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="ehcp-bench-flow-") as scratch:
        run_benchmark(Path(scratch), args.starts, args.resumes)


def run_benchmark(scratch: Path, starts: int, resumes: int) -> None:
    import httpx

    port = 4471
    env = {
        **os.environ,
        "PREFECT_HOME": str(scratch / "prefect"),
        "PREFECT_SERVER_API_PORT": str(port),
        "PREFECT_API_URL": f"http://127.0.0.1:{port}/api",
        "PREFECT_SERVER_ANALYTICS_ENABLED": "false",
        "PREFECT_RUNNER_POLL_FREQUENCY": "1",
        "EHCP_DATABASE_URL": f"sqlite:///{scratch / 'ehcp.sqlite3'}",
        "EHCP_ACTOR": "bench",
    }
    os.environ.update(env)  # before the first import of prefect below, so every client reaches this server
    bin_dir = Path(sys.executable).parent
    server = subprocess.Popen(
        [str(bin_dir / "prefect"), "server", "start", "--host", "127.0.0.1"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    runner = None
    try:
        while True:
            try:
                if httpx.get(f"{env['PREFECT_API_URL']}/health", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                time.sleep(0.5)
        ehcp = str(bin_dir / "ehcp")
        subprocess.run([ehcp, "db", "upgrade"], env=env, check=True, capture_output=True)
        subprocess.run(
            [ehcp, "demo-data", "--plans", str(max(starts, resumes) * 3), "--seed", "5"],
            env=env,
            check=True,
            capture_output=True,
        )
        runner = subprocess.Popen(
            [sys.executable, "-m", "bench.bare_flow"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        time.sleep(8)
        from bench.flow_measure import measure_all

        measure_all(starts, resumes)
    finally:
        for process in (runner, server):
            if process is not None:
                os.killpg(process.pid, 15)
                process.wait(30)


if __name__ == "__main__":
    main()
