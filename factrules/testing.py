"""Helpers for testing factrules and its plugins: a live server and a temporary rule pack.

Public for plugin authors, as tox ships ``tox.pytest``; the suite and
``bench/load.py`` use them too.

- ``ServerProcess`` runs ``factrules serve`` as a child process on a free
  loopback port, the way a user starts it (``--port 0``), reads the port it
  announces, waits for ``/healthz`` and stops it (SIGTERM, then SIGKILL).
- ``temporary_pack`` writes a rule pack into a temporary directory for the
  length of a ``with`` block, to pass as ``rules=[path]`` or ``--rules``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import select
import subprocess
import sys
import tempfile
import textwrap
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from types import TracebackType
from typing import IO, Any

import yaml

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



@contextlib.contextmanager
def temporary_pack(rules: str | Sequence[Mapping[str, Any]], *, name: str = "test",
                   defaults: Mapping[str, Any] | None = None) -> Iterator[Path]:
    """A rule pack file that exists for the ``with`` block: ``with temporary_pack(...) as path: check_text(...,
    rules=[path])``.

    ``rules`` is either the whole pack as YAML text (dedented, written as given) or a list of rule mappings,
    written as pack ``name`` with ``defaults``. The pack is loaded and validated as any other, so a broken one
    raises ``factrules.errors.PackError`` where it is used.
    """
    if isinstance(rules, str):
        text = textwrap.dedent(rules)
    else:
        pack: dict[str, Any] = {"pack": name}
        if defaults:
            pack["defaults"] = dict(defaults)
        pack["rules"] = [dict(rule) for rule in rules]
        text = yaml.safe_dump(pack, allow_unicode=True, sort_keys=False)
    with tempfile.TemporaryDirectory(prefix="factrules-pack-") as directory:
        path = Path(directory) / f"{name}.yaml"
        path.write_text(text, encoding="utf-8")
        yield path
