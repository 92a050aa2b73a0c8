"""Ending a child process group the stacks started: SIGTERM, a grace period, then SIGKILL.

Every stack (``make run``, ``make production-local``, the end-to-end tests) starts its servers,
runners and workers in their own session, so one signal reaches the process and its children.
"""

from __future__ import annotations

import os
import signal
import subprocess


def terminate(process: subprocess.Popen[bytes], timeout_s: float = 30) -> None:
    """Stop the process group gracefully, killing it if it has not ended within ``timeout_s``."""
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout_s)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait()
