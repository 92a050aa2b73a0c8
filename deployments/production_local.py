"""``make production-local``: the production profile on one machine, one command, Ctrl-C stops everything.

The same pieces as a council's several machines (deployments/README.md, "Production"): a Prefect server
on PostgreSQL (database ``ehcp_prefect``) with the API auth string on, the records on PostgreSQL
(database ``ehcp``), a ``process`` work pool served by two ``prefect worker`` processes, the deployments
of ``deployments/prefect.yaml`` created by ``prefect deploy`` (the clock on its cron schedule), result
storage in one folder both workers share, the operators' automations, the front door when this version
has it, and a local mail sink. Everything lives under ``data/production/`` (git-ignored), including the
generated API auth string. Once up it prints what an operator exports in another terminal.
"""

from __future__ import annotations

import os
import signal
import time

from deployments.embedded import say
from deployments.production_stack import ProductionStack, Profile

DEMO_PLANS = int(os.environ.get("EHCP_DEMO_PLANS", "200"))


def _report(stack: ProductionStack, total_s: float, portal: bool) -> None:
    profile = stack.profile
    for step, seconds in stack.timings.items():
        say(f"  {seconds:6.1f} s  {step}")
    say(f"production profile up in {total_s:.1f} s")
    say(f"Prefect UI: {profile.api_url.removesuffix('/api')} (user and password: the auth string below)")
    say(f"workers: {', '.join(stack.workers)} on pool ehcp-process; results shared in {profile.results}")
    say(f"mail lands in {profile.mailbox}/ (SMTP sink on 127.0.0.1:{profile.mail_port})")
    say(f"operators' alerts go to {stack.webhook_url}")
    say("front door: `ehcp portal` started" if portal else "front door: not in this version yet (no `ehcp portal`)")
    say("in another terminal:")
    for line in stack.exports():
        print(line, flush=True)  # noqa: T201  (the operator copies these lines)
    say("then `ehcp doctor` checks the installation. Ctrl-C here stops everything.")


def _watch(stack: ProductionStack) -> None:
    """Return when the server or a worker stops by itself (Ctrl-C raises KeyboardInterrupt instead)."""
    while True:
        if stack.server is not None and stack.server.poll() is not None:
            say(f"the Prefect server stopped unexpectedly; see {stack.profile.logs}/server.log")
            return
        for name, process in stack.workers.items():
            if process.poll() is not None:
                say(f"worker {name} stopped unexpectedly; see {stack.profile.logs}/{name}.log")
                return
        time.sleep(1)


def main() -> None:
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started in the background
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    began = time.monotonic()
    stack = ProductionStack(Profile())
    try:
        say("starting the production profile (PostgreSQL, auth on, two workers); logs in data/production/logs/")
        stack.start(demo_plans=DEMO_PLANS)
        portal = stack.start_portal()
        _report(stack, time.monotonic() - began, portal)
        _watch(stack)
    except KeyboardInterrupt:
        say("Ctrl-C: shutting down gracefully")
    finally:
        stack.stop()


if __name__ == "__main__":
    main()
