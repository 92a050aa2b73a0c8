"""A warm engine for the process work pool: flow runs forked from a parent that imported Prefect once.

Why: every start or resume of a review is a flow-run execution, and each one spent about 2.6 core-seconds
importing Prefect and the flows, in two processes (Prefect's workspace supervisor and the engine), before
doing a fraction of a second of work. A worker on a 2-core machine applied about half an input a second.

How: ``serve`` runs beside each worker (``deployments.worker`` starts it): it imports Prefect's engine and
our flows once, starts no thread and opens no connection, and listens on a Unix socket. The work pool's
command is ``ehcp-engine`` (``main`` here, which imports nothing but the standard library). It hands the
warm parent its environment, working folder and standard streams; the parent forks a child that becomes
``python -m prefect.engine`` for that flow run, with the worker's environment, so Prefect's settings,
the control channel and cancellation are those of a cold start. The client waits for the child, passes
signals on to it, and exits with its status, so the worker sees one process as before.

Without a warm parent (``EHCP_WARM_ENGINE_SOCKET`` unset, or nothing listening) ``ehcp-engine`` replaces
itself with ``python -m prefect.engine``: a cold start, never a lost run.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import struct
import sys
from typing import Any, NoReturn

SOCKET_ENV = "EHCP_WARM_ENGINE_SOCKET"
"""Where the warm parent listens; the worker's flow-run processes inherit it."""

PRELOAD = (
    "prefect.engine",
    "prefect.flow_engine",
    "prefect.task_engine",
    "prefect._internal.metrics",
    "prefect.deployments.steps",
    "prefect.results",
    "prefect.events.clients",
    "prefect.logging.handlers",
    "prefect.utilities.visualization",  # imported by every task call (graphviz)
    "anyio._backends._asyncio",
    "flows.annual_review",
    "flows.statutory_clock",
    "flows.review_liveness",
)
"""What a flow run imports anyway, imported once by the parent (importing starts no thread)."""

PRELOAD_IF_INSTALLED = ("sqlalchemy.dialects.postgresql.psycopg", "psycopg")
"""The records' PostgreSQL driver, imported by a flow run's first query (measured: about 0.15 s a run)."""

_LENGTH = struct.Struct("!I")
_STREAMS = (0, 1, 2)


# --- the client: the work pool's command (standard library only) -----------------------------------------------


def main() -> NoReturn:
    """Run one flow-run execution in a child of the warm parent, or cold when there is none."""
    connection = _connect(os.environ.get(SOCKET_ENV, ""))
    if connection is None:
        _cold()
    request = json.dumps({"cwd": os.getcwd(), "env": dict(os.environ), "args": sys.argv[1:]}).encode()
    try:
        socket.send_fds(connection, [_LENGTH.pack(len(request)) + request], list(_STREAMS))
        reply = connection.makefile("rb")
        first = reply.readline().decode().split()
    except OSError:
        first = []
    if not first or first[0] != "pid":
        reason = " ".join(first[1:]) or "no answer"
        sys.stderr.write(f"ehcp-engine: warm engine unavailable ({reason}); starting cold\n")
        connection.close()
        _cold()
    child = int(first[1])
    for signum in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(signum, lambda received, _frame: _forward(child, received))
    last = reply.readline().decode().split()
    if len(last) == 2 and last[0] == "exit":
        sys.exit(int(last[1]))
    sys.stderr.write("ehcp-engine: the flow-run process ended without an exit status\n")
    sys.exit(1)


def _connect(path: str) -> socket.socket | None:
    if not path:
        return None
    connection = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    try:
        connection.connect(path)
    except OSError:
        connection.close()
        return None
    return connection


def _forward(child: int, signum: int) -> None:
    try:
        os.kill(child, signum)
    except ProcessLookupError:
        pass


def _cold() -> NoReturn:
    """Become ``python -m prefect.engine`` (the work pool's default command) in this process."""
    os.execv(sys.executable, [sys.executable, "-m", "prefect.engine", *sys.argv[1:]])


# --- the warm parent ---------------------------------------------------------------------------------------------


def serve(path: str) -> None:
    """Import once, then fork one child per flow-run execution asked for on the socket at ``path``."""
    import gc
    import threading

    prepare()
    if threading.active_count() > 1:
        names = ", ".join(thread.name for thread in threading.enumerate())
        raise SystemExit(f"warm engine: importing started threads ({names}); forking would not be safe")
    gc.collect()
    gc.freeze()  # the imported objects stay out of the children's collections: fewer pages copied after the fork
    listener = _listen(path)
    signal.signal(signal.SIGCHLD, _reap)  # reaped here, so their CPU time counts as this parent's
    signal.signal(signal.SIGTERM, _stop)
    sys.stderr.write(f"warm engine: ready on {path} (pid {os.getpid()})\n")
    sys.stderr.flush()
    try:
        while True:
            connection, _ = listener.accept()
            _fork_for(connection, listener)
    except KeyboardInterrupt:
        pass
    finally:
        listener.close()
        if os.path.exists(path):
            os.unlink(path)


def prepare() -> None:
    """Import what every flow run imports, then warm it up (``warm_up``)."""
    import importlib

    for module in PRELOAD:
        importlib.import_module(module)
    for module in PRELOAD_IF_INSTALLED:
        try:
            importlib.import_module(module)
        except ImportError:
            pass
    warm_up()


def warm_up() -> None:
    """Do once here what every flow run would do first, in pure computation: no connection, no thread.

    Profiling 115 executions (``bench/scale.py --profile-engine``) found each child configuring the records'
    SQLAlchemy mappers (about a twentieth of an execution's time) and completing Prefect's and pydantic's deferred
    models on first use (a fiftieth): work whose result is the same for every run, so it is done before the fork."""
    from pydantic import BaseModel
    from sqlalchemy.orm import configure_mappers

    configure_mappers()
    for model in _subclasses(BaseModel):
        if not model.__pydantic_complete__ and not model.__pydantic_generic_metadata__["parameters"]:
            try:
                model.model_rebuild()
            except Exception:  # a model whose references only its user can resolve: it completes on first use
                pass


def _subclasses(root: type[Any]) -> list[type[Any]]:
    found: list[type[Any]] = []
    pending: list[type[Any]] = [root]
    while pending:
        subs: list[type[Any]] = pending.pop().__subclasses__()
        for sub in subs:
            if sub not in found:
                found.append(sub)
                pending.append(sub)
    return found


def _listen(path: str) -> socket.socket:
    if os.path.exists(path):
        os.unlink(path)  # a stale socket of a parent that was killed
    os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    old_mask = os.umask(0o177)  # only the worker's user may ask for an execution
    try:
        listener.bind(path)
    finally:
        os.umask(old_mask)
    listener.listen(128)
    return listener


def _reap(_signum: int, _frame: Any) -> None:
    try:
        while os.waitpid(-1, os.WNOHANG)[0] > 0:
            pass
    except ChildProcessError:
        pass


def _stop(_signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt


def _fork_for(connection: socket.socket, listener: socket.socket) -> None:
    try:
        request, streams = _receive(connection)
    except (OSError, ValueError) as refused:
        _refuse(connection, f"bad request: {type(refused).__name__}")
        return
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        listener.close()
        _child(connection, request, streams)
    for stream in streams:
        os.close(stream)
    connection.close()


def _receive(connection: socket.socket) -> tuple[dict[str, Any], list[int]]:
    data, streams, _flags, _address = socket.recv_fds(connection, 65536, len(_STREAMS))
    if len(streams) != len(_STREAMS):
        for stream in streams:
            os.close(stream)
        raise ValueError("three standard streams expected")
    (length,) = _LENGTH.unpack_from(data)
    body = bytearray(data[_LENGTH.size :])
    while len(body) < length:
        more = connection.recv(length - len(body))
        if not more:
            raise ValueError("request cut short")
        body += more
    request = json.loads(bytes(body))
    if not isinstance(request.get("env"), dict) or not isinstance(request.get("cwd"), str):
        raise ValueError("env and cwd expected")
    return request, streams


def _refuse(connection: socket.socket, reason: str) -> None:
    try:
        connection.sendall(f"cold {reason}\n".encode())
    except OSError:
        pass
    connection.close()


def _child(connection: socket.socket, request: dict[str, Any], streams: list[int]) -> NoReturn:
    """Become the flow run's engine process, as ``python -m prefect.engine`` would be with this environment."""
    code = 1
    try:
        for signum in (signal.SIGCHLD, signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, signal.SIG_DFL if signum != signal.SIGINT else signal.default_int_handler)
        for target, stream in zip(_STREAMS, streams, strict=True):
            os.dup2(stream, target)
            os.close(stream)
        os.chdir(request["cwd"])
        os.environ.clear()
        os.environ.update({str(key): str(value) for key, value in request["env"].items()})
        from prefect.context import refresh_global_settings_context

        refresh_global_settings_context()  # Prefect's settings from the worker's environment, not the parent's
        connection.sendall(f"pid {os.getpid()}\n".encode())
        _die_with_client(connection)
        code = _profiled(request.get("args") or [], os.environ.get("EHCP_ENGINE_PROFILE"))
    except BaseException:  # whatever happens, the client is told and this process ends
        import traceback

        traceback.print_exc()
    finally:
        sys.stdout.flush()
        sys.stderr.flush()
        try:
            connection.sendall(f"exit {code}\n".encode())
        except OSError:
            pass
        os._exit(code)


def _profiled(args: list[str], folder: str | None) -> int:
    """Run the engine; with ``EHCP_ENGINE_PROFILE`` set to a folder, under cProfile, kept there as ``<pid>.prof``.

    For measuring what an execution costs (``bench/scale.py --profile-engine``); off unless the pool's
    environment sets it."""
    if not folder:
        return _run_engine(args)
    import cProfile

    profile = cProfile.Profile()
    try:
        return profile.runcall(_run_engine, args)
    finally:
        profile.dump_stats(os.path.join(folder, f"{os.getpid()}.prof"))


def _run_engine(args: list[str]) -> int:
    import runpy

    sys.modules.pop("prefect.engine", None)  # run a fresh ``__main__`` instance, as ``python -m`` would
    sys.argv = ["prefect.engine", *args]
    try:
        runpy.run_module("prefect.engine", run_name="__main__", alter_sys=True)
    except SystemExit as ended:
        return ended.code if isinstance(ended.code, int) else (0 if ended.code is None else 1)
    return 0


def _die_with_client(connection: socket.socket) -> None:
    """End this process when its client does (a worker killed with its flow-run processes, as a cold start would)."""
    import threading

    def watch() -> None:
        try:
            while connection.recv(1):
                pass
        except OSError:
            pass
        os.kill(os.getpid(), signal.SIGKILL)

    threading.Thread(target=watch, name="ehcp-warm-engine-client", daemon=True).start()


if __name__ == "__main__":
    if sys.argv[1:2] == ["serve"]:
        serve(sys.argv[2] if len(sys.argv) > 2 else os.environ[SOCKET_ENV])
    else:
        main()
