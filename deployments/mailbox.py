"""A local mail sink for the embedded stack and the end-to-end tests: every message lands as a .eml file.

The demo authority has no real mail server; this SMTP server on 127.0.0.1
accepts every message and keeps it under ``data/mailbox/`` so a person can see
what the clock sent, to whom and when. Never for production.
"""

from __future__ import annotations

import itertools
from email import message_from_bytes
from email.message import Message
from pathlib import Path
from typing import Any

from aiosmtpd.controller import Controller


class MailboxHandler:
    """aiosmtpd handler: store each message (with its envelope recipients) as a numbered .eml file."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        start = len(list(folder.glob("*.eml")))
        self._numbers = itertools.count(start + 1)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        content = envelope.content if isinstance(envelope.content, bytes) else envelope.content.encode()
        header = f"X-Envelope-To: {', '.join(envelope.rcpt_tos)}\r\n".encode()
        (self.folder / f"{next(self._numbers):05d}.eml").write_bytes(header + content)
        return "250 Message accepted for delivery"


def start_mailbox(folder: Path, port: int) -> Controller:
    """Start the sink on 127.0.0.1:``port`` in a background thread; call ``.stop()`` to end it."""
    controller = Controller(MailboxHandler(folder), hostname="127.0.0.1", port=port)
    controller.start()
    return controller


def read_mailbox(folder: Path) -> list[Message]:
    """Return every stored message, oldest first."""
    return [message_from_bytes(path.read_bytes()) for path in sorted(folder.glob("*.eml"))]


def main() -> None:
    """Run the sink in the foreground (``python -m deployments.mailbox FOLDER PORT``)."""
    import sys
    import time

    controller = start_mailbox(Path(sys.argv[1]), int(sys.argv[2]))
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        controller.stop()


if __name__ == "__main__":
    main()
