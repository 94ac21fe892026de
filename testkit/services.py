"""Real parts for fault tests: a Redis server and an SMTP sink, each on a free port, each
started and stopped by the test (the machine's own Redis is never stopped)."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from contextlib import closing

import pytest


def free_port() -> int:
    with closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for_port(port: int, *, timeout: float = 10.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise TimeoutError(f"nothing listens on port {port}")


def redis_server_path() -> str | None:
    return shutil.which("redis-server")


# A test mark: without a redis-server binary the test is skipped, except under CI, where it fails.
needs_redis = pytest.mark.skipif(
    redis_server_path() is None and os.environ.get("CI") != "true",
    reason="needs redis-server (Debian's redis-server package)",
)


class RedisServer:
    """A throwaway redis-server that keeps nothing on disk, as production's (docs/deploy.md)."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [redis_server_path(), "--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=os.getcwd(),
        )
        wait_for_port(self.port)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(timeout=10)
            self.process = None


class SMTPSink:
    """A real SMTP server (aiosmtpd) that keeps what it receives, in memory."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.messages: list = []
        self._controller = None

    def start(self) -> None:
        from aiosmtpd.controller import Controller

        sink = self

        class Handler:
            async def handle_DATA(self, server, session, envelope):
                sink.messages.append(envelope)
                return "250 OK"

        self._controller = Controller(Handler(), hostname="127.0.0.1", port=self.port)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None
