"""Rule selectors (``select``, ``ignore``, ``enable``) matched in time linear in what the user sent.

A selector names a rule by full id, pack or category (``all`` names every rule), or is a glob over the
full id (``numbers.*``).  Names are looked up in a set.  Globs are never handed to ``fnmatch``: its
pattern conversion is quadratic in the pattern (``"[" * 40000`` took 40 s while the HTTP server held its
check lock), and a translated ``a*a*a*...`` can backtrack.  Here a glob is split on ``*`` into pieces of
fixed length (literals, ``?``, ``[...]`` classes, as ``fnmatch`` reads them); each piece becomes a regex
with no quantifier, and the pieces are placed left to right, each at its first fit, which is exact for
``*``-separated fixed-length pieces and costs at most (id length x piece length) per piece.

Lists, selectors and globs have limits, so one request cannot make the cost large either: going past
one is a ``SelectorError``, a one-line error (exit 2 in the CLI).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from factrules.errors import UsageError

#: selectors in one list (select, ignore or enable); a rule set has tens of rules, not thousands
MAX_SELECTORS = 1000
#: characters in one selector
MAX_SELECTOR_LENGTH = 200
#: globs in one list (each is tried against every rule)
MAX_GLOBS = 64

_GLOB_CHARS = frozenset("*?[")


class SelectorError(UsageError):
    """A selector list past its limits; the message is one line naming the limit."""


@dataclass(frozen=True)
class Glob:
    """A glob as ``*``-separated pieces, each a quantifier-free regex of fixed length."""

    pieces: tuple[tuple[re.Pattern[str], int], ...]
    #: whether the glob starts / ends with ``*`` (else the first / last piece is anchored)
    open_start: bool
    open_end: bool

    def matches(self, name: str) -> bool:
        pieces = self.pieces
        if sum(length for _, length in pieces) > len(name):
            return False
        if not pieces:  # only stars, or the empty glob
            return self.open_start or not name
        if len(pieces) == 1 and not self.open_start and not self.open_end:
            return pieces[0][1] == len(name) and pieces[0][0].fullmatch(name) is not None
        position, end = 0, len(name)
        first, last = 0, len(pieces)
        if not self.open_start:
            pattern, length = pieces[0]
            if pattern.match(name) is None:
                return False
            position, first = length, 1
        if not self.open_end:
            pattern, length = pieces[-1]
            if end - length < position or pattern.fullmatch(name, end - length) is None:
                return False
            end, last = end - length, last - 1
        for pattern, _ in pieces[first:last]:
            found = pattern.search(name, position, end)
            if found is None:
                return False
            position = found.end()
        return True


def _class(pattern: str, start: int, close: int) -> str:
    """The regex class for ``pattern[start:close]`` (between ``[`` and ``]``), read as ``fnmatch`` does."""
    body = pattern[start:close]
    negate = body.startswith("!")
    if negate:
        body = body[1:]
    parts: list[str] = []
    index = 0
    while index < len(body):
        if index + 2 < len(body) and body[index + 1] == "-":
            low, high = body[index], body[index + 2]
            if low <= high:  # fnmatch drops a reversed range
                parts.append(f"{re.escape(low)}-{re.escape(high)}")
            index += 3
        else:
            parts.append(re.escape(body[index]))
            index += 1
    if not parts:
        return "." if negate else "(?!)"
    return "[" + ("^" if negate else "") + "".join(parts) + "]"


def compile_glob(pattern: str) -> Glob:
    """Split a glob into fixed-length pieces; one pass over the pattern (a ``]`` is found once per class)."""
    # where the next ']' is at or after each index, found in one backward pass
    next_close = [len(pattern)] * (len(pattern) + 1)
    for index in range(len(pattern) - 1, -1, -1):
        next_close[index] = index if pattern[index] == "]" else next_close[index + 1]
    pieces: list[tuple[re.Pattern[str], int]] = []
    current: list[str] = []
    length = 0
    index = 0

    def close_piece() -> None:
        nonlocal current, length
        if current:
            pieces.append((re.compile("".join(current), re.DOTALL), length))
        current, length = [], 0

    while index < len(pattern):
        char = pattern[index]
        index += 1
        if char == "*":
            close_piece()
        elif char == "?":
            current.append(".")
            length += 1
        elif char == "[":
            start = index + 1 if index < len(pattern) and pattern[index] == "!" else index
            if start < len(pattern) and pattern[start] == "]":
                start += 1  # a ']' first in the class is a member
            close = next_close[start] if start <= len(pattern) else len(pattern)
            if close >= len(pattern):  # no closing ']': a literal '['
                current.append(re.escape("["))
            else:
                current.append(_class(pattern, index, close))
                index = close + 1
            length += 1
        else:
            current.append(re.escape(char))
            length += 1
    close_piece()
    return Glob(tuple(pieces), pattern.startswith("*"), pattern.endswith("*"))


@dataclass(frozen=True)
class Selection:
    """A compiled selector list: names for lookup, globs for ``Glob.matches``."""

    names: frozenset[str]
    globs: tuple[Glob, ...]

    def matches(self, full_id: str, pack: str, category: str) -> bool:
        names = self.names
        if "all" in names or full_id in names or pack in names or category in names:
            return True
        return any(glob.matches(full_id) for glob in self.globs)


@lru_cache(maxsize=64)
def compile_selection(selectors: tuple[str, ...], what: str = "selectors") -> Selection:
    """Check a list against the limits and compile it; raises ``SelectorError`` past a limit."""
    if len(selectors) > MAX_SELECTORS:
        raise SelectorError(f"{what}: {len(selectors)} selectors (at most {MAX_SELECTORS})")
    names: set[str] = set()
    globs: list[Glob] = []
    for raw in selectors:
        if len(raw) > MAX_SELECTOR_LENGTH:
            raise SelectorError(f"{what}: selector '{raw[:40]}...' is {len(raw)} characters long (at most "
                                f"{MAX_SELECTOR_LENGTH})")
        selector = raw.strip()
        names.add(selector)
        if _GLOB_CHARS.intersection(selector):
            globs.append(compile_glob(selector))
            if len(globs) > MAX_GLOBS:
                raise SelectorError(f"{what}: more than {MAX_GLOBS} glob selectors (with '*', '?' or '[')")
    return Selection(frozenset(names), tuple(globs))


@lru_cache(maxsize=1024)
def _cached_glob(pattern: str) -> Glob:
    return compile_glob(pattern)


def glob_matches(name: str, pattern: str) -> bool:
    """``fnmatchcase(name, pattern)`` in bounded time; a pattern past ``MAX_SELECTOR_LENGTH`` matches nothing.

    For selectors that come one at a time from a document (suppression comments), where a too-long one is
    reported as an unused suppression rather than raised.
    """
    if len(pattern) > MAX_SELECTOR_LENGTH:
        return False
    if not _GLOB_CHARS.intersection(pattern):
        return name == pattern
    return _cached_glob(pattern).matches(name)


class UnknownSelectorError(SelectorError):
    """A selector that names no loaded rule, pack or category: a typo would otherwise switch a check off.

    ``field`` is where the selector came from (``select``, ``ignore``, ``enable``), for the HTTP server's 422.
    """

    def __init__(self, selector: str, where: str, field: str, nearest: list[str]):
        self.selector, self.where, self.field, self.nearest = selector, where, field, nearest
        hint = f"; did you mean {', '.join(repr(n) for n in nearest)}?" if nearest else ""
        kind = "glob matches no loaded rule" if _GLOB_CHARS.intersection(selector) else (
            "names no loaded rule, pack or category")
        shown = selector if len(selector) <= 60 else selector[:57] + "..."
        super().__init__(f"{where}: '{shown}' {kind}{hint}")


def known_names(rules: Iterable[Any]) -> set[str]:
    """Every name a selector may use for ``rules``: full ids, packs, categories and ``all``."""
    names = {"all"}
    for rule in rules:
        names.update((rule.full_id, rule.pack, rule.category))
    return names


def nearest_names(selector: str, names: Iterable[str], limit: int = 3) -> list[str]:
    """The known names closest to a mistyped selector (a glob is compared by its text before the first ``*``)."""
    names = sorted(names)
    stem = selector
    for index, char in enumerate(selector):
        if char in _GLOB_CHARS:
            stem = selector[:index].rstrip(".")
            break
    import difflib  # imported here, not at module load: only this message needs it
    close = difflib.get_close_matches(stem, names, n=limit, cutoff=0.6)
    if stem != selector:  # offer the glob with the stem corrected
        close = [name + selector[len(stem):] for name in close]
    return close


def require_known(selectors: Iterable[str], rules: Sequence[Any], where: str, field: str) -> None:
    """Raise ``UnknownSelectorError`` for the first selector that names nothing among ``rules``.

    Names are set lookups and each glob is matched once per rule with the linear ``Glob.matches``, so this
    costs what selecting does.
    """
    selectors = tuple(selectors)
    compile_selection(selectors, field)  # the limits first: a 40 KB selector is refused, not looked up
    names: set[str] | None = None
    for raw in selectors:
        selector = raw.strip()
        if _GLOB_CHARS.intersection(selector):
            if len(selector) <= MAX_SELECTOR_LENGTH and any(
                    _cached_glob(selector).matches(rule.full_id) for rule in rules):
                continue
        else:
            names = names if names is not None else known_names(rules)
            if selector in names:
                continue
        if _GLOB_CHARS.intersection(selector):  # a glob runs over full ids: offer pack prefixes
            candidates = {rule.pack for rule in rules}
        else:
            candidates = names if names is not None else known_names(rules)
        raise UnknownSelectorError(selector, where, field, nearest_names(selector, candidates))
