"""Building plain text with a map back to the source, shared by the markup readers.

Markup readers (Markdown, HTML, Word) drop tags, decode entities and join
blocks with blank lines.  Each plain-text character they emit carries the
source offsets it came from, so a finding over ``text[i:j]`` can be reported
at the exact characters of the source file, markup inside the match included.

One plain-text character can come from several source characters (``&amp;``
is one ``&``), so a start offset alone is not enough: a match that ends on an
entity must end after its ``;``.  ``MappedDocument`` keeps the end offset of
each character too and uses it in ``source_span``.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from factrules import rxcache
from factrules.document import Document

#: Characters that are invisible in the rendered draft and would split a word ("report&shy;edly").
INVISIBLE = frozenset("\u00ad\u200b\u2060\ufeff")
#: Spaces a rule should see as an ordinary space (they are whitespace to the segmenter already).
SPACES = {"\u00a0": " ", "\u202f": " ", "\u2007": " "}

_SPECIAL = rxcache.compile("[" + "".join(INVISIBLE) + "".join(SPACES) + "]")
_WHITESPACE_AS_SPACE = str.maketrans(dict.fromkeys("\n\r\t\f\v", " "))

_URL = rxcache.compile(r"\b(?:https?://|ftp://|www\.)[^\s<>\"]+|\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")


@dataclass
class MappedDocument(Document):
    """A ``Document`` whose characters may each stand for several source characters."""

    #: ``ends[i]`` is the source offset just after the source characters of ``text[i]``.
    ends: Sequence[int] | None = None

    def source_span(self, start: int, end: int) -> tuple[int, int]:
        if self.ends is None or self.offsets is None or end <= start:
            return super().source_span(start, end)
        return self.offsets[start], self.ends[end - 1]


class LineMap:
    """Maps offsets in a string extracted line by line (Markdown's block content) to source offsets.

    ``line_bases[k]`` is the source offset where line ``k`` of the extracted
    string starts: container markers (``> ``, list indentation) before it are
    not part of the extracted string but are part of the source.
    """

    def __init__(self, content: str, line_bases: Sequence[int]):
        self.starts = [0]
        index = content.find("\n")
        while index != -1:
            self.starts.append(index + 1)
            index = content.find("\n", index + 1)
        self.bases = list(line_bases)
        # A line without a known base continues from the previous line's base.
        while len(self.bases) < len(self.starts):
            previous = len(self.bases) - 1
            self.bases.append(self.bases[previous] + self.starts[previous + 1] - self.starts[previous]
                              if previous >= 0 else 0)

    def __call__(self, index: int) -> int:
        line = bisect.bisect_right(self.starts, index) - 1
        return self.bases[line] + index - self.starts[line]

    def span(self, start: int, end: int) -> list[int]:
        """Source offsets of ``content[start:end]``, one per character (a whole run at once)."""
        offsets: list[int] = []
        line = bisect.bisect_right(self.starts, start) - 1
        while start < end:
            line_end = self.starts[line + 1] if line + 1 < len(self.starts) else end
            stop = min(end, line_end)
            shift = self.bases[line] - self.starts[line]
            offsets.extend(range(start + shift, stop + shift))
            start = stop
            line += 1
        return offsets


class IdentityMap:
    """Maps offsets in a slice of the source that starts at ``base`` (an HTML file: ``base`` is 0)."""

    def __init__(self, base: int = 0):
        self.base = base

    def __call__(self, index: int) -> int:
        return self.base + index

    def span(self, start: int, end: int) -> range:
        return range(self.base + start, self.base + end)


class TextBuilder:
    """Accumulates plain text, one source span per character, with paragraph breaks between blocks."""

    def __init__(self) -> None:
        self._chars: list[str] = []
        # 4-byte machine integers, not lists of int objects: 8 bytes per character of text instead of about 72
        # (a 50 MB Markdown file held 3.6 GB of offsets as lists). Sources past 2**31 code points overflow,
        # which the reader reports as an input error; nothing that size fits in memory here anyway.
        self.offsets: array[int] = array("i")
        self.ends: array[int] = array("i")
        self.skipped: list[tuple[int, int]] = []

    def __len__(self) -> int:
        return len(self._chars)

    def add(self, char: str, start: int, end: int | None = None) -> None:
        """Add one character that came from ``source[start:end]`` (one source character by default)."""
        if char in INVISIBLE:
            return
        self._chars.append(SPACES.get(char, char))
        self.offsets.append(start)
        self.ends.append(start + 1 if end is None else end)

    def add_run(self, text: str, offsets: Sequence[int], *, whitespace_as_space: bool = False) -> None:
        """Add characters copied one for one from the source, each at its own source offset."""
        if whitespace_as_space:
            text = text.translate(_WHITESPACE_AS_SPACE)
        if len(text) != len(offsets):
            raise ValueError("one source offset per character")
        if _SPECIAL.search(text) is None:  # the common case: no character to drop or replace
            self._chars.extend(text)
            self.offsets.extend(offsets)
            self.ends.extend(offset + 1 for offset in offsets)
            return
        for char, offset in zip(text, offsets, strict=True):
            self.add(char, offset)

    def add_decoded(self, decoded: str, start: int, end: int) -> None:
        """Add the characters an entity or escape at ``source[start:end]`` stands for."""
        for char in decoded:
            self.add(char, start, end)

    @property
    def last(self) -> str:
        """The last character added, or a newline at the start (so leading whitespace can be dropped)."""
        return self._chars[-1] if self._chars else "\n"

    def ends_with(self, suffix: str) -> bool:
        return len(self._chars) >= len(suffix) and "".join(self._chars[-len(suffix):]) == suffix

    def paragraph_break(self, offset: int | None = None) -> None:
        """End the current paragraph with a blank line (mapped to ``offset``, or to where the text so far ends)."""
        if not self._chars:
            return
        if offset is None:
            offset = self.ends[-1]
        while self._chars and self._chars[-1] in " \t":  # trailing spaces would sit between the newlines
            self._chars.pop()
            self.offsets.pop()
            self.ends.pop()
        while not self.ends_with("\n\n"):
            self._chars.append("\n")
            self.offsets.append(offset)
            self.ends.append(offset)

    def skip_from(self, start: int) -> None:
        """Mark ``text[start:]`` (what was added since ``start``) as not checked."""
        if len(self._chars) > start:
            self.skipped.append((start, len(self._chars)))

    def build(self, path: str, source: str, metadata: dict[str, Any], *, skip_urls: bool = True) -> MappedDocument:
        text = "".join(self._chars)
        skipped = [(start, min(end, len(text))) for start, end in self.skipped if start < len(text)]
        if skip_urls:
            skipped.extend(match.span() for match in _URL.finditer(text))
        return MappedDocument(path=path, text=text, source=source, offsets=self.offsets, metadata=metadata,
                              skipped=sorted(skipped), ends=self.ends)
