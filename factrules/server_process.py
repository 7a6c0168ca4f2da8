"""Run ``factrules serve`` as a child process on a free loopback port, for tests and benchmarks.

The suite and ``bench/load.py`` talk to the real server, started the way a
user starts it; this module starts it with ``--port 0``, reads the port it
announces, waits for ``/healthz`` and stops it (SIGTERM, then SIGKILL).
"""

from __future__ import annotations

import json
import os
import re
import select
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Sequence
from types import TracebackType
from typing import IO

_ANNOUNCE = re.compile(r"serving on (http://\S+?)/? ")


class ServerProcess:
    """``with ServerProcess(["--max-body", "1K"], env={...}) as server: server.url``."""

    def __init__(self, args: Sequence[str] = (), *, env: dict[str, str | None] | None = None,
                 cwd: str | None = None, startup_timeout: float = 60.0, python: str = sys.executable):
        """``env`` adds to this process's environment (``None`` removes a variable); ``python`` runs it."""
        self.args = list(args)
        self.python = python
        merged: dict[str, str | None] = {**os.environ, "PYTHONUNBUFFERED": "1", **(env or {})}
        self.env = {key: value for key, value in merged.items() if value is not None}
        self.cwd = cwd
        self.startup_timeout = startup_timeout
        self.url = ""
        self.process: subprocess.Popen[bytes] | None = None
        self._stderr: IO[bytes] | None = None

    def __enter__(self) -> ServerProcess:
        self.start()
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 trace: TracebackType | None) -> None:
        self.stop()

    def start(self) -> None:
        self._stderr = tempfile.TemporaryFile()
        self.process = subprocess.Popen(
            [self.python, "-m", "factrules", "serve", "--port", "0", "--no-access-log", *self.args],
            stdout=subprocess.PIPE, stderr=self._stderr, env=self.env, cwd=self.cwd,
        )
        deadline = time.monotonic() + self.startup_timeout
        line = self._read_line(deadline)
        found = _ANNOUNCE.search(line)
        if not found:
            self.stop()
            raise RuntimeError(f"factrules serve did not start: {line!r} {self.stderr_text()}")
        self.url = found.group(1)
        while time.monotonic() < deadline:
            try:
                with urllib.request.urlopen(self.url + "/healthz", timeout=5) as response:  # noqa: S310 - loopback
                    if response.status == 200 and json.load(response)["status"] == "ok":
                        return
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.1)
        self.stop()
        raise RuntimeError(f"factrules serve never answered /healthz: {self.stderr_text()}")

    def _read_line(self, deadline: float) -> str:
        assert self.process is not None and self.process.stdout is not None
        stream = self.process.stdout
        while time.monotonic() < deadline:
            ready, _, _ = select.select([stream], [], [], 0.2)
            if ready:
                return stream.readline().decode("utf-8", "replace")
            if self.process.poll() is not None:
                return ""
        return ""

    def stderr_text(self) -> str:
        if self._stderr is None:
            return ""
        self._stderr.seek(0)
        return self._stderr.read().decode("utf-8", "replace")

    def stop(self) -> int | None:
        """Stop the server; returns its exit status."""
        if self.process is None:
            return None
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        if self.process.stdout is not None:
            self.process.stdout.close()
        return self.process.returncode

