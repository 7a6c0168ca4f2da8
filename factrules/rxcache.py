"""``compile`` for the regexes the matcher modules build at import time, kept compiled across runs.

The ``regex`` module parses a pattern in Python before its C compiler runs;
for the few hundred large patterns the number, date and consistency modules
build when imported that parse was most of a short ``factrules check``
(about 0.3 s of CPU), paid again by every process.  A compiled
``regex.Pattern`` pickles as its compiled code, and unpickling hands that
code straight to the C compiler, so one table of them, written when a
process exits having compiled something new, makes the next import cheap.

The table lives next to the compiled packs (``factrules.packcache``): one
file per code state (factrules' version, this install's modules, the Python
and ``regex`` builds), verified with the same per-user HMAC before it is
unpickled; a missing, stale, foreign or corrupt table just means compiling
as usual.  Only fixed patterns of factrules' own modules come here (module
level, never text from a pack or a document), so the table stays small.

``compile_re`` does the same for the standard library's ``re``, whose
patterns pickle as their source and so would be parsed again: the table
keeps what ``re``'s compiler hands its C engine (``_sre.compile``'s
arguments) instead.  That is internal to each Python version, so an entry
is made only when rebuilding the pattern from those arguments gives a
pattern equal to ``re.compile``'s own (``re.Pattern`` equality compares the
compiled code), and the table is keyed by the exact Python build; anything
unexpected means ``re.compile`` as usual.
"""

from __future__ import annotations

import atexit
import hashlib
import re
from typing import Any

import regex

from factrules import packcache

#: the table holds at most this many patterns (the matcher modules compile about a hundred)
MAX_PATTERNS = 2000
#: (pattern, flags) -> a compiled ``regex`` pattern; ("re", pattern, flags) -> ``_sre.compile``'s arguments
_table: dict[tuple[Any, ...], Any] | None = None
_new: set[tuple[Any, ...]] = set()
_key: bytes = b""
#: where the table was read from, and so is written back to (not wherever the cache directory is at exit)
_directory: Any = None


def _load() -> dict[tuple[Any, ...], Any]:
    global _table, _key, _directory
    _table = {}
    _directory = directory = packcache.cache_dir()
    if directory is None:
        return _table
    try:
        _key = hashlib.sha256(("regex table\n" + packcache._code_state()).encode("utf-8", "surrogatepass")).digest()
        secret = packcache._secret(directory)
    except OSError:
        return _table
    if secret is None:
        return _table
    loaded = packcache.read_verified(directory / f"regex-{_key.hex()[:40]}.bin", secret, _key)
    if isinstance(loaded, dict):
        _table = loaded
    return _table


def compile(pattern: str, flags: int = 0) -> regex.Pattern[str]:  # noqa: A001 - the name says what it replaces
    """``regex.compile(pattern, flags)``, from the table when this pattern was compiled by an earlier run."""
    table = _table if _table is not None else _load()
    key = (pattern, flags)
    compiled = table.get(key)
    if compiled is None:
        compiled = regex.compile(pattern, flags)
        _remember(table, key, compiled)
    return compiled


def compile_re(pattern: str, flags: int = 0) -> re.Pattern[str]:
    """``re.compile(pattern, flags)``, built from the table's compiled code when an earlier run verified it."""
    table = _table if _table is not None else _load()
    key = ("re", pattern, int(flags))
    arguments = table.get(key)
    if arguments is not None:
        try:
            import _sre

            return _sre.compile(pattern, *arguments)
        except Exception:  # not what this Python's engine takes after all: compile as usual
            pass
    compiled = re.compile(pattern, flags)
    arguments = _engine_arguments(pattern, int(flags))
    if arguments is not None:
        _remember(table, key, arguments)
    return compiled


def _engine_arguments(pattern: str, flags: int) -> tuple[Any, ...] | None:
    """What ``re._compiler.compile`` passes ``_sre.compile`` after the pattern (3.11 to 3.13 alike), or None
    when the pattern rebuilt from them is not exactly ``re.compile``'s."""
    try:
        import _sre
        from re import _compiler, _parser

        parsed = _parser.parse(pattern, flags)
        code = [int(op) for op in _compiler._code(parsed, flags)]  # plain ints: its opcodes do not pickle
        groupindex = dict(parsed.state.groupdict)
        indexgroup: list[str | None] = [None] * parsed.state.groups
        for name, index in groupindex.items():
            indexgroup[index] = name
        arguments = (flags | parsed.state.flags, code, parsed.state.groups - 1, groupindex, tuple(indexgroup))
        if _sre.compile(pattern, *arguments) != re.compile(pattern, flags):
            return None
    except Exception:  # another Python's internals: no entry, re.compile every time
        return None
    return arguments


def _remember(table: dict[tuple[Any, ...], Any], key: tuple[Any, ...], value: Any) -> None:
    if len(table) >= MAX_PATTERNS:  # a pattern built from something that varies by run: never grow without end
        return
    if not _new:
        atexit.register(_save)
    _new.add(key)
    table[key] = value


def _save() -> None:
    """Write the table when this process compiled a pattern the file did not have (at exit, once)."""
    directory = _directory
    if directory is None or _table is None or not _new or not _key:
        return
    secret = packcache._secret(directory)
    if secret is not None:
        packcache.write_verified(directory / f"regex-{_key.hex()[:40]}.bin", secret, _key, _table)
    _new.clear()


def _reset() -> Any:
    """Forget the table in memory (tests)."""
    global _table
    _table = None
    _new.clear()
