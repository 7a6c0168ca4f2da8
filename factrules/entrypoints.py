"""The installed plugins' entry points, remembered between runs while the installed distributions stay the same.

Finding them means importing ``importlib.metadata`` and reading the
metadata of every distribution on ``sys.path``: 50-70 ms of a
``factrules --version`` or a short ``factrules check``, almost always to
learn that no plugin is installed.  What the scan found (each entry point's
name and value, its distribution's name and version) is kept in the
compiled-pack cache (``factrules.packcache``: same directory, same per-user
HMAC, checked before anything is unpickled) under a fingerprint of where
distributions can come from: the Python build, ``sys.path``, and the
name and modification time of every ``*.dist-info`` / ``*.egg-info`` in its
folders and of their ``entry_points.txt`` (of a zip on it, the zip's).  Installing,
removing or upgrading a distribution, or editing an ``entry_points.txt``,
changes the fingerprint, and a file under another fingerprint fails its
check, so the scan runs again; so does anything unusual (caching off, a
finder on ``sys.meta_path`` that finds distributions of its own, a cache
that cannot be read or written).

An entry point loads exactly as ``importlib.metadata.EntryPoint.load``
would: the cached record becomes one, so ``importlib.metadata`` is still
imported, but only when there is a plugin to load.
"""

from __future__ import annotations

import hashlib
import os
import sys
from dataclasses import dataclass
from typing import Any

#: bump when the record layout changes
_LAYOUT = "entry points 1"


@dataclass(frozen=True)
class EntryRecord:
    """One entry point as the scan found it; ``dist_name`` is None for one without a distribution."""

    name: str
    value: str
    group: str
    dist_name: str | None = None
    dist_version: str | None = None

    def load(self) -> Any:
        """What ``importlib.metadata.EntryPoint.load`` returns for this entry point (and raises)."""
        from importlib import metadata

        return metadata.EntryPoint(name=self.name, value=self.value, group=self.group).load()


def entry_points(group: str, *, remember: bool | None = None) -> list[EntryRecord]:
    """The entry points of ``group`` of every installed distribution, in ``importlib.metadata``'s order.

    ``remember``: use the cache; by default only while ``importlib.metadata`` is not imported yet (once it
    is, its import is paid for, and tests that stand in for ``metadata.entry_points`` are obeyed).
    """
    if remember is None:
        remember = "importlib.metadata" not in sys.modules
    if not remember:
        return scan(group)
    from factrules import packcache

    directory = packcache.cache_dir()
    fingerprint = _fingerprint(group) if directory is not None else None
    if directory is None or fingerprint is None:
        return scan(group)
    where = hashlib.sha256("\n".join((_LAYOUT, group, sys.version, *sys.path)).encode("utf-8", "surrogatepass"))
    entry = directory / f"entry-points-{where.hexdigest()[:40]}.bin"
    key = hashlib.sha256(fingerprint.encode("utf-8", "surrogatepass")).digest()
    secret = packcache._secret(directory)
    if secret is None:
        return scan(group)
    cached = packcache.read_verified(entry, secret, key)
    if isinstance(cached, list) and all(isinstance(record, EntryRecord) for record in cached):
        return cached
    found = scan(group)
    packcache.write_verified(entry, secret, key, found)  # one file per sys.path: a new fingerprint overwrites it
    return found


def scan(group: str) -> list[EntryRecord]:
    """Ask ``importlib.metadata`` (read through ``metadata.entry_points``, so tests can stand in for it)."""
    from importlib import metadata

    records = []
    for point in metadata.entry_points(group=group):
        dist = getattr(point, "dist", None)
        records.append(EntryRecord(point.name, point.value, point.group,
                                   dist.metadata["Name"] if dist is not None else None,
                                   dist.version if dist is not None else None))
    return records


def _fingerprint(group: str) -> str | None:
    """What the scan's result depends on, as text; None when it cannot be told (then nothing is cached).

    A folder on ``sys.path`` counts by its ``*.dist-info`` / ``*.egg-info`` entries only, not by its own
    modification time: the script's folder or the working directory is often on ``sys.path``, and a report
    written there must not cost the next run its cache.
    """
    from importlib.machinery import PathFinder

    if any(hasattr(finder, "find_distributions") and finder is not PathFinder for finder in sys.meta_path):
        return None  # a finder of its own may find distributions anywhere
    parts = [_LAYOUT, group, sys.version, sys.executable]
    for entry in sys.path:
        folder = entry or "."
        parts.append(f"path {entry!r}")
        try:
            names = sorted(os.listdir(folder))
        except (NotADirectoryError, FileNotFoundError):
            parts.append(_mtime(folder))  # a zip (its distributions change with it), or nothing there
            continue
        except OSError:
            return None
        for name in names:
            if name.lower().endswith((".dist-info", ".egg-info")):  # as importlib.metadata looks for them
                path = os.path.join(folder, name)
                parts.append(f"{name} {_mtime(path)} {_mtime(os.path.join(path, 'entry_points.txt'))}")
    return "\n".join(parts)


def _mtime(path: str) -> str:
    try:
        info = os.stat(path)
    except OSError:
        return "-"
    return f"{info.st_mtime_ns} {info.st_size}"
