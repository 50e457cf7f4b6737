"""A small SMTP server for the fault tests: accepts every message and keeps it, until stopped.

Only what Django's SMTP backend sends (EHLO/HELO, MAIL, RCPT, DATA, RSET, NOOP, QUIT), no TLS or
authentication. A stopped server's port refuses connections, as a mail server that is down does.
"""

from __future__ import annotations

import email
import socketserver
import threading
from email.message import Message


class _Handler(socketserver.StreamRequestHandler):
    def _reply(self, line: str) -> None:
        self.wfile.write(line.encode("ascii") + b"\r\n")

    def handle(self) -> None:
        self._reply("220 faults-smtp ready")
        while line := self.rfile.readline():
            command = line.decode("ascii", "replace").strip().upper()
            if command.startswith("EHLO"):
                self._reply("250-faults-smtp")
                self._reply("250 8BITMIME")
            elif command.startswith("DATA"):
                self._reply("354 end with <CRLF>.<CRLF>")
                self.server.messages_add(self._data())
                self._reply("250 OK queued")
            elif command.startswith("QUIT"):
                self._reply("221 bye")
                return
            else:  # HELO, MAIL FROM, RCPT TO, RSET, NOOP
                self._reply("250 OK")

    def _data(self) -> bytes:
        lines = []
        while (line := self.rfile.readline()) not in (b".\r\n", b".\n", b""):
            lines.append(line[1:] if line.startswith(b"..") else line)
        return b"".join(lines)


class _Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True

    def __init__(self, port: int) -> None:
        super().__init__(("127.0.0.1", port), _Handler)
        self.lock = threading.Lock()
        self.received: list[Message] = []

    def messages_add(self, raw: bytes) -> None:
        with self.lock:
            self.received.append(email.message_from_bytes(raw))


class SmtpSink:
    """start() and stop() as often as needed, always on the same port; `messages` keeps what every run received."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.messages: list[Message] = []
        self._server: _Server | None = None
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        self._server = _Server(self.port)
        self._server.received = self.messages
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
            self._server = None

    def subjects(self) -> list[str]:
        return [str(message["Subject"]) for message in list(self.messages)]
