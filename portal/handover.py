"""After a stage's input is stored in the review's inbox: hand it to the review's run, and say so in plain words.

Both the pages and the JSON API call this once their transaction has committed. When the run is busy
(starting, or working on something else), a short follow-up in the background hands the input over
again as soon as the run waits, so it never waits for the liveness pass; the follow-up sleeps between
looks without holding one of the server's worker threads.
"""

from __future__ import annotations

import asyncio
from typing import Final

from starlette.concurrency import run_in_threadpool

from portal.web import Portal
from records.inbox import InboxLine
from services.inbox import HandOver, Received, hand_over, line

FOLLOW_UP_SECONDS: Final = 90.0
FOLLOW_UP_EVERY_S: Final = 2.0

_LATER: Final = (
    "Received and saved. The service that records it is not answering just now: it will be recorded "
    "automatically as soon as it is. You do not need to enter it again."
)
SAID: Final = {HandOver.UNAVAILABLE: _LATER, HandOver.FAILED: _LATER}
BEING_RECORDED: Final = "Received. It is being recorded now; this page shows it once it is (usually within a minute)."


def said(outcome: HandOver) -> str:
    """What the person is told right after sending (never "recorded": that comes from the record)."""
    return SAID.get(outcome, BEING_RECORDED)


def hand_over_now(portal: Portal, received: Received, actor: str) -> HandOver:
    """Hand the stored input to the review's run now (blocking: call it from a worker thread)."""
    return hand_over(portal.factory, portal.bridge, received.entry_id, actor=actor)


async def follow_up(portal: Portal, entry_id: int, actor: str) -> None:
    """While the run is busy, look every few seconds and hand the input over once it waits; stop when settled."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + FOLLOW_UP_SECONDS
    while loop.time() < deadline:
        await asyncio.sleep(FOLLOW_UP_EVERY_S)
        found: InboxLine = await run_in_threadpool(line, portal.factory, entry_id)
        if found.status != "received":
            return
        outcome = await run_in_threadpool(hand_over, portal.factory, portal.bridge, entry_id, actor=actor)
        if outcome not in (HandOver.BUSY, HandOver.UNAVAILABLE):
            return  # the run has it (or it is settled): nothing more to do here
