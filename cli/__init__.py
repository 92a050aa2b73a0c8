"""The ``ehcp`` command: the composition root where clock, calendar and settings are built.

Prefect reads its settings once, on first import, so the defaults this package sets must come first.
Run from the project folder while `make run` is up, the commands reach that embedded stack: its
Prefect API and its local mail sink, as the stack wrote them to ``data/embedded-stack.env``. Without
that file, the Prefect API defaults to http://127.0.0.1:4200/api. Variables already set always win.
"""

import os
from pathlib import Path

EMBEDDED_STACK_ENV = Path("data") / "embedded-stack.env"

if EMBEDDED_STACK_ENV.is_file():
    for line in EMBEDDED_STACK_ENV.read_text(encoding="utf-8").splitlines():
        name, _, value = line.partition("=")
        if name.strip() and value:
            os.environ.setdefault(name.strip(), value.strip())
os.environ.setdefault("PREFECT_API_URL", "http://127.0.0.1:4200/api")
