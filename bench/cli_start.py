"""Benchmark: `ehcp deadlines FILE` beside `python -c "import prefect"` (goal: under 0.5x, median of 5).

Run: python bench/cli_start.py [ROUNDS]. The two commands alternate, so both see the same machine load;
each is a fresh interpreter, as a developer's loop starts one.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GOAL_RATIO = 0.5
COMMANDS = {
    "ehcp deadlines examples/review.json": [sys.executable, "-c", "from cli.main import app; app()",
                                            "deadlines", "examples/review.json"],
    "import prefect": [sys.executable, "-c", "import prefect"],
}


def seconds(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, cwd=ROOT, check=True, stdout=subprocess.DEVNULL, env=None)
    return time.perf_counter() - started


def main(rounds: int) -> None:
    times: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(rounds):
        for name, command in COMMANDS.items():
            times[name].append(seconds(command))
    medians = {name: statistics.median(values) for name, values in times.items()}
    for name, median in medians.items():
        print(f"{name:<40} median {median:.3f} s of {rounds}: {', '.join(f'{t:.2f}' for t in times[name])}")
    ratio = medians["ehcp deadlines examples/review.json"] / medians["import prefect"]
    print(f"ratio {ratio:.2f}x (goal under {GOAL_RATIO}x; issue 22 measured 0.81x): "
          f"{'met' if ratio < GOAL_RATIO else 'NOT met'}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 5)
