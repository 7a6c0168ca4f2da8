"""A cache of compiled rule packs in the user's cache directory, so a ``check`` does not recompile them.

Loading and compiling the built-in packs (YAML, schema validation, about a
hundred regexes) was most of a short ``factrules check``; every pre-commit
hook and CI step paid it.  A compiled ``Pack`` is pickled to one file per
pack, named by a key of everything its compiled form depends on:

- the pack file's path as given and the SHA-256 of its bytes;
- factrules' version and the size and modification time of every module and
  lexicon of this install (a checkout's edits count, not only releases);
- the Python, ``regex`` and pyahocorasick builds, the pickle protocol;
- the matcher class behind every kind (a plugin overriding ``pattern`` is
  another key) and the rule time limit.

A stale file is never read: its name is another key.  A foreign file is never
unpickled: each file carries an HMAC-SHA256 of its key and content under a
random secret kept in the same directory (created ``0600``, ignored unless it
belongs to this user and nobody else may write it), checked before
``pickle.loads``.  Anything wrong (corrupt, truncated, wrong MAC, unreadable,
a pickle that fails) means the pack is compiled from YAML again and the file
rewritten, with no message.  Packs that use a matcher kind from outside
factrules are not cached: their code's version is not part of the key.

``FACTRULES_CACHE_DIR`` moves the cache; ``FACTRULES_NO_CACHE=1`` turns it off.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import pickle
import stat
import sys
from collections.abc import Callable, Mapping
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from factrules.matchers.base import Matcher
    from factrules.packs import Pack

#: first bytes of every cache file; bump the digit when the layout changes
MAGIC = b"FRPACK2\n"
_MAC_SIZE = 32
#: cache files kept; past it the oldest fifth goes
MAX_ENTRIES = 500
_SECRET_NAME = "secret.key"
_PACKAGE_DIR = Path(__file__).resolve().parent


def cache_dir() -> Path | None:
    """Where compiled packs go, or None when caching is off."""
    if os.environ.get("FACTRULES_NO_CACHE", "") not in ("", "0"):
        return None
    configured = os.environ.get("FACTRULES_CACHE_DIR")
    if configured:
        return Path(configured)
    import platformdirs

    return Path(platformdirs.user_cache_dir("factrules", appauthor=False)) / "packs"


@cache
def _code_state() -> str:
    """What the compiled form depends on besides the pack: versions, and this install's code, lexicons and
    schemas."""
    import ahocorasick
    import regex

    from factrules._version import __version__

    parts = [MAGIC.decode().strip(), __version__, sys.version, f"regex {regex.__version__}",
             f"pickle {pickle.HIGHEST_PROTOCOL}"]
    roots = [_PACKAGE_DIR]
    # the word lists the kinds read, and the schemas a pack is validated against (an edited schema in a
    # checkout must not leave packs compiled under the old one in the cache)
    for data in ("lexicons", "schemas"):
        for candidate in (_PACKAGE_DIR / "_data" / data, _PACKAGE_DIR.parent / data):
            if candidate.is_dir():
                roots.append(candidate)
                break
    for module_file in (getattr(ahocorasick, "__file__", None),):
        if module_file:
            info = os.stat(module_file)
            parts.append(f"ahocorasick {info.st_size} {info.st_mtime_ns}")
    for root in roots:
        for directory, subdirectories, files in os.walk(root):
            subdirectories[:] = sorted(d for d in subdirectories if d not in ("__pycache__", "_data"))
            for name in sorted(files):
                if name.endswith((".py", ".txt", ".tsv", ".json", ".yaml")):
                    info = os.stat(os.path.join(directory, name))
                    parts.append(f"{os.path.join(directory, name)} {info.st_size} {info.st_mtime_ns}")
    return "\n".join(parts)


def _kinds_state(matcher_kinds: Mapping[str, type[Matcher]]) -> str | None:
    """The class behind each kind; None when one comes from outside factrules (its code is not in the key)."""
    parts = []
    for kind in sorted(matcher_kinds):
        matcher_class = matcher_kinds[kind]
        if not matcher_class.__module__.startswith("factrules."):
            return None
        parts.append(f"{kind}={matcher_class.__module__}.{matcher_class.__qualname__}")
    return ",".join(parts)


def _secret(directory: Path) -> bytes | None:
    """This user's random HMAC key for the cache, created on first use; None when it cannot be trusted."""
    path = directory / _SECRET_NAME
    for _ in range(2):
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except FileNotFoundError:
            try:
                directory.mkdir(parents=True, exist_ok=True, mode=0o700)
                fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_NOFOLLOW", 0), 0o600)
            except FileExistsError:
                continue  # another process made it first: read theirs
            except OSError:
                return None
            try:
                import secrets  # (here and tempfile below: a run that only reads the cache never needs them)

                os.write(fd, secrets.token_bytes(32))
            finally:
                os.close(fd)
            continue
        except OSError:
            return None
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode) or info.st_mode & 0o022:
                return None
            if hasattr(os, "getuid") and info.st_uid != os.getuid():
                return None
            key = os.read(fd, 64)
        finally:
            os.close(fd)
        return key if len(key) == 32 else None
    return None


def _mac(secret: bytes, key: bytes, payload: bytes) -> bytes:
    return hmac.new(secret, MAGIC + key + payload, hashlib.sha256).digest()


def load_cached(path: Path, matcher_kinds: Mapping[str, type[Matcher]], timeout: float,
                compile_pack: Callable[[], Pack]) -> Pack:
    """The compiled pack of ``path``: from the cache when a verified entry exists, else ``compile_pack()``.

    ``compile_pack`` raises ``PackError`` for a bad pack as it would without the cache; a bad pack is
    never cached, so its error is reported on every run.
    """
    directory = cache_dir()
    kinds = _kinds_state(matcher_kinds) if directory is not None else None
    if directory is None or kinds is None:
        return compile_pack()
    try:
        content = path.read_bytes()
    except OSError:
        return compile_pack()  # the loader reports why it cannot be read
    identity = "\n".join((_code_state(), kinds, f"timeout {timeout!r}", f"path {path}",
                          hashlib.sha256(content).hexdigest()))
    key = hashlib.sha256(identity.encode("utf-8", "surrogatepass")).digest()
    entry = directory / f"pack-{key.hex()[:40]}.bin"
    secret = _secret(directory)
    if secret is None:
        return compile_pack()
    cached = read_verified(entry, secret, key)
    if cached is not None:
        return cached
    pack = compile_pack()
    if all(type(rule.matcher).__module__.startswith("factrules.") for rule in pack.rules):
        write_verified(entry, secret, key, pack)
    return pack


def read_verified(entry: Path, secret: bytes, key: bytes) -> Any:
    """The object pickled in ``entry``, or None unless its MAC under ``secret`` for ``key`` is right."""
    try:
        data = entry.read_bytes()
    except OSError:
        return None
    head = len(MAGIC) + _MAC_SIZE
    if len(data) <= head or not data.startswith(MAGIC):
        return None
    payload = data[head:]
    if not hmac.compare_digest(data[len(MAGIC) : head], _mac(secret, key, payload)):
        return None  # not written by this user's factrules for this key: never unpickled
    try:
        return pickle.loads(payload)  # noqa: S301 - verified above as written by us for exactly this key
    except Exception:  # a verified file that no longer loads (a class renamed in a development tree)
        return None


def write_verified(entry: Path, secret: bytes, key: bytes, value: Any) -> None:
    """Pickle ``value`` with its MAC, atomically (a temporary file renamed into place); failures change nothing."""
    try:
        payload = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    except Exception:  # something in a compiled rule that does not pickle: just do not cache it
        return
    try:
        entry.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        import tempfile

        fd, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".entry-", suffix=".tmp")
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(MAGIC + _mac(secret, key, payload) + payload)
        os.replace(temporary, entry)
    except OSError:
        try:
            os.unlink(temporary)
        except OSError:
            pass
        return
    _prune(entry.parent)


def _prune(directory: Path) -> None:
    """Past ``MAX_ENTRIES`` files (every edit of a pack or of factrules makes new keys), drop the oldest."""
    try:
        entries = [e for e in os.scandir(directory) if e.name.endswith(".bin") and e.is_file()]
        if len(entries) <= MAX_ENTRIES:
            return
        entries.sort(key=lambda e: e.stat().st_mtime_ns)
        for stale in entries[: len(entries) - MAX_ENTRIES * 4 // 5]:
            os.unlink(stale.path)
    except OSError:
        pass
