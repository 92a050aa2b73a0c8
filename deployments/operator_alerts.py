"""Operators are told when something breaks: the automations of ``deployments/automations/*.yaml``, created in Prefect.

Each file is one Prefect automation whose action posts to the operators' webhook (a Prefect Webhook
block named ``ehcp-operators``, made from ``EHCP_OPERATORS_WEBHOOK_URL``). The files carry the
placeholder block id ``00000000-0000-0000-0000-000000000000``; this module puts the block's real id
in its place. Creating them again replaces each automation of the same name, so it is safe to rerun
(``make production-local`` runs it at every start; by hand: ``python -m deployments.operator_alerts``
with ``PREFECT_API_URL``, ``PREFECT_API_AUTH_STRING`` and ``EHCP_OPERATORS_WEBHOOK_URL`` set).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Final

import httpx
import yaml  # type: ignore[import-untyped]

AUTOMATIONS: Final = Path(__file__).parent / "automations"
PLACEHOLDER_BLOCK: Final = "00000000-0000-0000-0000-000000000000"
BLOCK_NAME: Final = "ehcp-operators"


def automation_specs(block_id: str) -> list[dict[str, Any]]:
    """Return every automation file's content with the operators' webhook block id filled in."""
    specs = []
    for path in sorted(AUTOMATIONS.glob("*.yaml")):
        text = path.read_text().replace(PLACEHOLDER_BLOCK, block_id)
        specs.append(yaml.safe_load(text))
    return specs


def _save_webhook_block(webhook_url: str, env: dict[str, str]) -> str:
    """Save the ``ehcp-operators`` Webhook block (in a child process configured by ``env``); return its id."""
    code = (
        "import sys; from prefect.blocks.webhook import Webhook; "
        f"print(Webhook(url=sys.argv[1], method='POST').save({BLOCK_NAME!r}, overwrite=True))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code, webhook_url], env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise SystemExit(f"[ehcp] could not save the {BLOCK_NAME} webhook block:\n{result.stderr[-2000:]}")
    return result.stdout.strip().splitlines()[-1]


RETIRED: Final = ("ehcp run heartbeat lost",)
"""Automations an earlier version created and this one deletes: the heartbeat-lost automation crashed healthy runs
that had just suspended (a late heartbeat opened a new window); the liveness flow reads heartbeats itself."""


def _delete(client: httpx.Client, name: str) -> None:
    found = client.post("/automations/filter", json={"automations": {"name": {"any_": [name]}}})
    found.raise_for_status()
    for existing in found.json():
        client.delete(f"/automations/{existing['id']}").raise_for_status()


def _replace(client: httpx.Client, spec: dict[str, Any]) -> None:
    _delete(client, spec["name"])
    client.post("/automations/", content=json.dumps(spec)).raise_for_status()


def create_operator_alerts(api_url: str, api_auth: tuple[str, str] | None, webhook_url: str) -> list[str]:
    """Create (or replace) every operators' automation; return their names."""
    env = {**os.environ, "PREFECT_API_URL": api_url}
    if api_auth:
        env["PREFECT_API_AUTH_STRING"] = ":".join(api_auth)
    block_id = _save_webhook_block(webhook_url, env)
    specs = automation_specs(block_id)
    headers = {"Content-Type": "application/json"}
    with httpx.Client(base_url=api_url, auth=api_auth, timeout=30, headers=headers) as client:
        for name in RETIRED:
            _delete(client, name)
        for spec in specs:
            _replace(client, spec)
    return [spec["name"] for spec in specs]


def main() -> None:
    """Create the automations on the server named by the environment."""
    missing = [name for name in ("PREFECT_API_URL", "EHCP_OPERATORS_WEBHOOK_URL") if not os.environ.get(name)]
    if missing:
        print(f"error: set {' and '.join(missing)} (the operators' Teams/Slack incoming webhook URL)", file=sys.stderr)  # noqa: T201
        raise SystemExit(2)
    secret = os.environ.get("PREFECT_API_AUTH_STRING")
    api_auth = tuple(secret.split(":", 1)) if secret and ":" in secret else None
    names = create_operator_alerts(os.environ["PREFECT_API_URL"], api_auth, os.environ["EHCP_OPERATORS_WEBHOOK_URL"])  # type: ignore[arg-type]
    print(f"{len(names)} automations: {', '.join(names)}")  # noqa: T201


if __name__ == "__main__":
    main()
