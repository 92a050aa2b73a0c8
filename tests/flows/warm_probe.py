"""A flow the warm-engine tests run: it writes where and how it ran, then sleeps when asked (to be killed)."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

from prefect import flow


@flow(name="warm-probe", persist_result=False)
def warm_probe(report: str, sleep_s: float = 0) -> None:
    """Write this process's id, working folder and a variable only the client's environment holds."""
    found = {"pid": os.getpid(), "cwd": os.getcwd(), "mark": os.environ.get("EHCP_PROBE_MARK")}
    Path(report).write_text(json.dumps(found))
    time.sleep(sleep_s)
