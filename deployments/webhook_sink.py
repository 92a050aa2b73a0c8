"""A local stand-in for the operators' Teams/Slack incoming webhook: every POST lands as a numbered file.

``make production-local`` and the drills point the operators' webhook block here when no real
``EHCP_OPERATORS_WEBHOOK_URL`` is given, so an operator (or a drill) can read what Prefect's
automations would have posted. Loopback only; never for production.
"""

from __future__ import annotations

import itertools
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any


class WebhookSink:
    """An HTTP server on 127.0.0.1 that stores each request body under ``folder`` (``00001.json``...)."""

    def __init__(self, folder: Path, port: int) -> None:
        folder.mkdir(parents=True, exist_ok=True)
        numbers = itertools.count(len(list(folder.glob("*.json"))) + 1)
        lock = threading.Lock()

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with lock:
                    (folder / f"{next(numbers):05d}.json").write_bytes(body)
                self.send_response(200)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                return

        self.folder = folder
        self.url = f"http://127.0.0.1:{port}/operators"
        self._server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def posts(self) -> list[bytes]:
        """Return every body received, oldest first."""
        return [path.read_bytes() for path in sorted(self.folder.glob("*.json"))]

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()
