"""The warm engine (deployments/warm_engine.py): a flow run forked from a parent that imported Prefect once runs
as ``python -m prefect.engine`` would, with the client's environment, and ends with its client; without a warm
parent the client starts the engine cold."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from uuid import UUID

import pytest
from prefect.client.orchestration import get_client
from prefect.settings import PREFECT_API_URL

from deployments.warm_engine import SOCKET_ENV
from tests.flows.warm_probe import warm_probe

ROOT = Path(__file__).resolve().parents[2]
CLIENT = [sys.executable, "-m", "deployments.warm_engine"]
ENTRYPOINT = f"{ROOT}/tests/flows/warm_probe.py:warm_probe"


def wait_until(predicate: Callable[[], bool], timeout_s: float = 30) -> bool:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.05)
    return False


@pytest.fixture
def engine_env(prefect_harness: None, tmp_path: Path) -> dict[str, str]:
    """The environment a worker gives its flow-run processes, pointing at the test server."""
    return {
        **os.environ,
        "PREFECT_API_URL": str(PREFECT_API_URL.value()),
        "PYTHONPATH": str(ROOT),
        SOCKET_ENV: str(tmp_path / "warm.sock"),
    }


@pytest.fixture
def warm_parent(engine_env: dict[str, str]) -> Iterator[subprocess.Popen[bytes]]:
    socket_path = Path(engine_env[SOCKET_ENV])
    parent = subprocess.Popen([*CLIENT, "serve", str(socket_path)], env=engine_env, cwd=ROOT)
    try:
        assert wait_until(socket_path.exists, 60), "the warm engine did not listen within 60 s"
        yield parent
    finally:
        parent.terminate()
        parent.wait(10)


def new_run(report: Path, sleep_s: float = 0) -> UUID:
    with get_client(sync_client=True) as client:
        return client.create_flow_run(warm_probe, parameters={"report": str(report), "sleep_s": sleep_s}).id


def state_of(run_id: UUID) -> str:
    with get_client(sync_client=True) as client:
        state = client.read_flow_run(run_id).state
    return state.type.value if state is not None else "NONE"


def client_env(engine_env: dict[str, str], run_id: UUID) -> dict[str, str]:
    """As a worker sets it: the run's id, the entry point, and a variable the warm parent never had."""
    return {**engine_env, "PREFECT__FLOW_RUN_ID": str(run_id), "PREFECT__FLOW_ENTRYPOINT": ENTRYPOINT,
            "EHCP_PROBE_MARK": "given-by-the-worker"}  # fmt: skip


def sleeping_run(engine_env: dict[str, str], folder: Path) -> tuple[subprocess.Popen[bytes], int]:
    """Start a run that sleeps through ``ehcp-engine``; return the client and, once it has begun, the run's pid."""
    report = folder / "report.json"
    client = subprocess.Popen(CLIENT, env=client_env(engine_env, new_run(report, sleep_s=120)), cwd=folder)
    assert wait_until(report.exists, 60)
    return client, int(json.loads(report.read_text())["pid"])


def ended(pid: int) -> bool:
    return not Path(f"/proc/{pid}").exists()


def test_a_forked_run_completes_with_the_clients_environment_and_folder(
    warm_parent: subprocess.Popen[bytes], engine_env: dict[str, str], tmp_path: Path
) -> None:
    report, folder = tmp_path / "report.json", tmp_path / "work"
    folder.mkdir()
    run_id = new_run(report)
    ended = subprocess.run(CLIENT, env=client_env(engine_env, run_id), cwd=folder, capture_output=True, timeout=120)
    assert ended.returncode == 0, ended.stderr.decode()[-2000:]
    assert b"starting cold" not in ended.stderr
    found = json.loads(report.read_text())
    assert found["mark"] == "given-by-the-worker"
    assert found["cwd"] == str(folder)
    assert found["pid"] != warm_parent.pid
    assert state_of(run_id) == "COMPLETED"


def test_a_run_given_a_profile_folder_leaves_its_profile_there(
    warm_parent: subprocess.Popen[bytes], engine_env: dict[str, str], tmp_path: Path
) -> None:
    """``EHCP_ENGINE_PROFILE`` (set by ``bench/scale.py --profile-engine``) keeps each execution's cProfile."""
    import pstats

    report, profiles = tmp_path / "report.json", tmp_path / "profiles"
    profiles.mkdir()
    env = {**client_env(engine_env, new_run(report)), "EHCP_ENGINE_PROFILE": str(profiles)}
    ended = subprocess.run(CLIENT, env=env, cwd=tmp_path, capture_output=True, timeout=120)
    assert ended.returncode == 0, ended.stderr.decode()[-2000:]
    kept = profiles / f"{json.loads(report.read_text())['pid']}.prof"
    functions = {name for (_file, _line, name) in pstats.Stats(str(kept)).stats}  # type: ignore[attr-defined]
    assert "warm_probe" in functions


WARMED = """
import json
from prefect.client.schemas.objects import FlowRun, FlowRunPolicy
from records.models import Review
from sqlalchemy.orm import class_mapper

def built():
    mapped = class_mapper(Review, configure=False).configured
    return [FlowRun.__pydantic_complete__, FlowRunPolicy.__pydantic_complete__, mapped]

before = built()
from deployments import warm_engine
warm_engine.prepare()
print(json.dumps({"before": before, "after": built()}))
"""


def test_the_warm_parent_configures_the_mappers_and_completes_the_models_its_children_use() -> None:
    """Profiled, each forked execution spent part of its time on these: the parent now does them once."""
    ran = subprocess.run([sys.executable, "-c", WARMED], capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert ran.returncode == 0, ran.stderr[-2000:]
    found = json.loads(ran.stdout.strip().splitlines()[-1])
    assert found == {"before": [False, False, False], "after": [True, True, True]}


def test_the_forked_run_ends_with_its_client(
    warm_parent: subprocess.Popen[bytes], engine_env: dict[str, str], tmp_path: Path
) -> None:
    """A worker killed with its flow-run processes (kill -9) takes a forked run with it, as a cold one goes."""
    client, child = sleeping_run(engine_env, tmp_path)
    client.kill()
    client.wait(10)
    assert wait_until(lambda: ended(child), 10), "the forked run outlived its client"


def test_a_stop_signal_reaches_the_forked_run(
    warm_parent: subprocess.Popen[bytes], engine_env: dict[str, str], tmp_path: Path
) -> None:
    client, child = sleeping_run(engine_env, tmp_path)
    client.send_signal(signal.SIGTERM)
    assert client.wait(60) != 0
    assert wait_until(lambda: ended(child), 10)
    assert warm_parent.poll() is None, "the warm parent must outlive the runs it forked"


@pytest.mark.parametrize("socket_path", ["", "not-a-socket"])
def test_without_a_warm_parent_the_engine_starts_cold(
    engine_env: dict[str, str], tmp_path: Path, socket_path: str
) -> None:
    report = tmp_path / "report.json"
    if socket_path:
        (tmp_path / socket_path).write_text("")
    env = {**client_env(engine_env, new_run(report)), SOCKET_ENV: str(tmp_path / socket_path) if socket_path else ""}
    ended = subprocess.run(CLIENT, env=env, cwd=tmp_path, capture_output=True, timeout=120)
    assert ended.returncode == 0, ended.stderr.decode()[-2000:]
    assert json.loads(report.read_text())["mark"] == "given-by-the-worker"
