"""A table of a slow pure function's answers, kept between runs in the compiled-pack cache.

For answers that depend only on their argument and on code outside the
document: what ``dateparser`` makes of "two days ago" measured from a fixed
day, for one.  Importing ``dateparser`` and its first parse cost about
0.15-0.2 s of CPU, in every process that resolves a counted offset, to learn
what an earlier run already knew.

The table is one file in the cache directory (``factrules.packcache``) per
code state: factrules' version and modules, the Python build, and whatever
else the answers depend on (``identity``, e.g. the installed dateparser's
files), verified with the same per-user HMAC before it is unpickled.  A
missing, stale, foreign or corrupt table means asking the function again;
new answers are written when the process exits.  Only values that pickle
as plain data belong here.
"""

from __future__ import annotations

import atexit
import hashlib
from collections.abc import Callable, Hashable
from pathlib import Path
from typing import Any

from factrules import packcache

#: a table keeps at most this many answers (a corpus of odd phrasings must not grow it without end)
MAX_ENTRIES = 5000


class Memo:
    """``memo.get(key, compute)``: the remembered answer for ``key``, else ``compute()`` (then remembered)."""

    def __init__(self, name: str, identity: Callable[[], str]) -> None:
        self.name = name
        #: what the answers depend on besides factrules' own code; read when the table is first needed
        self.identity = identity
        self._table: dict[Hashable, Any] | None = None
        self._new = False
        self._key = b""
        #: where the table was read from, and so is written back to (not wherever the cache is at exit)
        self._directory: Path | None = None

    def get(self, key: Hashable, compute: Callable[[], Any]) -> Any:
        found, value = self.lookup(key)
        if not found:
            value = compute()
            self.add(key, value)
        return value

    def lookup(self, key: Hashable) -> tuple[bool, Any]:
        """(True, the remembered answer) or (False, None)."""
        table = self._table if self._table is not None else self._load()
        if key in table:
            return True, table[key]
        return False, None

    def add(self, key: Hashable, value: Any) -> None:
        """Remember an answer (written at exit); for a caller that decides which answers may be kept."""
        table = self._table if self._table is not None else self._load()
        if len(table) < MAX_ENTRIES:
            if not self._new:
                atexit.register(self.save)
            self._new = True
            table[key] = value

    def _load(self) -> dict[Hashable, Any]:
        self._table = {}
        self._directory = directory = packcache.cache_dir()
        if directory is None:
            return self._table
        try:
            state = "\n".join((f"memo {self.name}", packcache._code_state(), self.identity()))
            self._key = hashlib.sha256(state.encode("utf-8", "surrogatepass")).digest()
            secret = packcache._secret(directory)
        except OSError:
            return self._table
        if secret is None:
            return self._table
        loaded = packcache.read_verified(self._path(directory), secret, self._key)
        if isinstance(loaded, dict):
            self._table = loaded
        return self._table

    def _path(self, directory: Path) -> Path:
        return directory / f"memo-{self.name}-{self._key.hex()[:40]}.bin"

    def save(self) -> None:
        """Write the table when this process added an answer (at exit, once)."""
        directory = self._directory
        if directory is None or self._table is None or not self._new or not self._key:
            return
        secret = packcache._secret(directory)
        if secret is not None:
            packcache.write_verified(self._path(directory), secret, self._key, self._table)
        self._new = False

    def reset(self) -> None:
        """Forget the table in memory (tests)."""
        self._table = None
        self._new = False


def package_files_state(name: str) -> str:
    """The installed package ``name`` as the sizes and modification times of its top folder's files, found
    without importing it: installing another version rewrites them (its ``__init__.py`` holds the version).
    "" when it is not installed."""
    import importlib.util
    import os

    spec = importlib.util.find_spec(name)
    if spec is None or not spec.origin:
        return ""
    root = os.path.dirname(spec.origin)
    parts = [f"{name} {spec.origin}"]
    for entry in sorted(os.scandir(root), key=lambda entry: entry.name):
        if entry.is_file():
            info = entry.stat()
            parts.append(f"{entry.name} {info.st_size} {info.st_mtime_ns}")
    return "\n".join(parts)
