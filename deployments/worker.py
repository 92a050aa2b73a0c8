"""One worker of the process pool with its warm engine: ``python -m deployments.worker --pool ehcp-process ...``.

Starts the warm engine (``deployments.warm_engine``) on a private socket, then ``prefect worker start`` with the
options given, so the pool's command ``ehcp-engine`` forks each flow run from an already-imported parent. Both
stop together. If the warm engine cannot start, the worker still runs, and every flow run starts cold.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from deployments.warm_engine import SOCKET_ENV

BIN = Path(sys.executable).parent
READY_TIMEOUT_S = 60


def start_warm_engine(path: Path, env: dict[str, str]) -> subprocess.Popen[bytes] | None:
    """Start the warm parent on ``path``; return it once it listens, or None (with a note) if it did not."""
    process = subprocess.Popen([sys.executable, "-m", "deployments.warm_engine", "serve", str(path)], env=env)
    deadline = time.monotonic() + READY_TIMEOUT_S
    while time.monotonic() < deadline:
        if path.exists():
            return process
        if process.poll() is not None:
            break
        time.sleep(0.1)
    sys.stderr.write(f"worker: the warm engine did not start (exit {process.poll()}); flow runs will start cold\n")
    if process.poll() is None:
        process.kill()
        process.wait()
    return None


def main(argv: list[str]) -> int:
    """Run the warm engine and a Prefect worker (``argv`` are ``prefect worker start``'s options) until stopped."""
    folder = Path(tempfile.mkdtemp(prefix="ehcp-worker-"))
    socket_path = folder / "warm-engine.sock"
    env = {**os.environ, SOCKET_ENV: str(socket_path), "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    engine = start_warm_engine(socket_path, env)
    if engine is None:
        env.pop(SOCKET_ENV)
    worker = subprocess.Popen([str(BIN / "prefect"), "worker", "start", *argv], env=env)

    def stop(signum: int, _frame: object) -> None:
        if worker.poll() is None:
            worker.send_signal(signum)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    try:
        return worker.wait()
    finally:
        if engine is not None and engine.poll() is None:
            engine.terminate()
            try:
                engine.wait(10)
            except subprocess.TimeoutExpired:
                engine.kill()
        socket_path.unlink(missing_ok=True)
        folder.rmdir()


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
