"""An SMTP server on loopback for the tests that send real mail."""

from __future__ import annotations

import socket
import threading
import time
from email import message_from_bytes, policy
from email.message import EmailMessage

from aiosmtpd.controller import Controller


class SmtpSink:
    """An SMTP server on 127.0.0.1 that keeps what it receives and can refuse on demand."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.refusals = 0  # how many of the next messages to refuse with a temporary error
        self.refuse_to: set[str] = set()  # addresses whose messages are always refused
        self.attempts = 0
        self._lock = threading.Lock()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        with self._lock:
            self.attempts += 1
            if set(envelope.rcpt_tos) & self.refuse_to:
                return "451 4.3.0 Mailbox temporarily unavailable"
            if self.refusals:
                self.refusals -= 1
                return "451 4.3.0 Try again later"
            self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def reset(self) -> None:
        with self._lock:
            self.messages.clear()
            self.refusals = 0
            self.refuse_to = set()
            self.attempts = 0

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages if address in m["To"]]

    def wait_for(self, count: int, timeout: float = 30) -> list[EmailMessage]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and len(self.messages) < count:
            time.sleep(0.1)
        return list(self.messages)
