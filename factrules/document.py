"""The document every rule runs over: plain text, a map back to the source, metadata.

Readers (plain text, Markdown, HTML, ...) turn a source file into a
``Document``.  Rules only ever see ``Document.text``; findings are reported
against the *source* file, so each plain-text offset is mapped back through
``offsets`` and the source's line table.
"""

from __future__ import annotations

import bisect
from array import array
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar, overload

from factrules import rxcache, segment
from factrules.spans import Spans

#: where ``keywords.spaced`` keeps a document's spaced copy of its folded text (released with it)
SPACED_ATTRIBUTE = "_factrules_spaced"
_LINE_BREAK = rxcache.compile(r"\r\n|\r|\n")
_T = TypeVar("_T")


class cached(Generic[_T]):
    """``functools.cached_property`` without its lock: computed on first read, kept in the instance's
    ``__dict__`` (where later reads find it without calling this), dropped by ``Document.release``.

    Python 3.11's ``cached_property`` takes one ``RLock``, shared by every instance, on each first read; a
    document reads several of these once each, and on a short story that locking was a visible part of the
    check.  Python 3.12 dropped the lock for the same reason.  Two threads reading one new document may both
    compute a value: both are equal, and the last one is kept.
    """

    def __init__(self, func: Callable[[Any], _T]) -> None:
        self.func = func
        self.name: str = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, instance: None, owner: type | None = None) -> cached[_T]: ...

    @overload
    def __get__(self, instance: object, owner: type | None = None) -> _T: ...

    def __get__(self, instance: object | None, owner: type | None = None) -> Any:
        if instance is None:
            return self
        value = instance.__dict__[self.name] = self.func(instance)
        return value


def fold(text: str) -> str:
    """``text`` as every prefilter and phrase lookup compares it: lower case, the curly apostrophe straight,
    the long s as "s" (the ``regex`` module's case-insensitive matching reads "ſaid" as "said")."""
    return text.lower().replace("’", "'").replace("ſ", "s")


@dataclass
class Document:
    """A decoded source file and the plain text extracted from it.

    ``offsets`` maps each plain-text code point to its code-point offset in
    ``source``; it is ``None`` when the two are the same string (plain text),
    which keeps the common case free of a per-character array.
    """

    path: str
    text: str
    source: str | None = None
    offsets: list[int] | None = None
    metadata: dict[str, Any] = field(default_factory=dict)
    #: Spans of ``text`` that readers exclude from checking but keep for offsets.
    skipped: list[tuple[int, int]] = field(default_factory=list)
    #: What the document's reading or segmenting had to cut or leave out, as report ``errors`` entries
    #: (``kind``, ``severity``, ``message``); the engine adds them to every check of the document.
    notes: list[dict[str, Any]] = field(default_factory=list)
    #: ``skipped`` merged and sorted, with the length of ``skipped`` it was made from (readers append to it)
    _skipped_index: tuple[int, list[int], list[tuple[int, int]]] = field(
        default=(-1, [], []), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.source is None:
            self.source = self.text
        if self.offsets is not None and len(self.offsets) != len(self.text):
            raise ValueError("offsets must give one source offset per plain-text code point")

    # -- source map -------------------------------------------------------
    def source_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a plain-text span to the span of the source file it came from."""
        if self.offsets is None:
            return start, end
        if end <= start:
            at = self.offsets[start] if start < len(self.offsets) else len(self.source or "")
            return at, at
        return self.offsets[start], self.offsets[end - 1] + 1

    @cached
    def _line_starts(self) -> array[int]:
        """Where each source line starts: an array, 8 bytes a line, not a list of integer objects.

        Built on the first finding's location, for every document: with only "\n" line breaks
        ``str.find`` is several times faster than the regex."""
        source = self.source or ""
        starts = array("q", [0])
        if "\r" in source:
            starts.extend(match.end() for match in _LINE_BREAK.finditer(source))
            return starts
        at = source.find("\n")
        while at >= 0:
            starts.append(at + 1)
            at = source.find("\n", at + 1)
        return starts

    def position(self, source_offset: int) -> tuple[int, int]:
        """Return the 1-based (line, column) of a source offset, columns in code points."""
        starts = self._line_starts
        line_index = bisect.bisect_right(starts, source_offset) - 1
        return line_index + 1, source_offset - starts[line_index] + 1

    def source_line(self, line: int) -> str:
        """Return the text of a 1-based source line without its line break."""
        starts = self._line_starts
        source = self.source or ""
        begin = starts[line - 1]
        end = starts[line] if line < len(starts) else len(source)
        return source[begin:end].rstrip("\r\n")

    # -- segmentation (computed once, on first use) ------------------------
    @cached
    def folded(self) -> str | None:
        """The text lower-cased, curly apostrophes straightened; ``None`` if that would change its length.

        Keyword prefilters search this copy (``fold``) so their offsets are offsets into ``text``.
        """
        lowered = fold(self.text)
        return lowered if len(lowered) == len(self.text) else None

    #: what ``release`` drops: the copies and span lists that matching reads
    _RELEASED = ("folded", SPACED_ATTRIBUTE, "paragraphs", "sentences", "quotes", "_sentence_starts",
                 "_paragraph_starts", "_quote_starts", "_line_starts")

    def release(self, *names: str) -> None:
        """Drop the named caches (all of ``_RELEASED`` by default); each is made again if read again.

        The engine calls this once its matchers are done: on a huge draft the folded copy is as large as the
        text, the sentence, paragraph and line lists are larger, and the check is at its fullest after them.
        """
        cache = self.__dict__
        for name in names or self._RELEASED:
            if name in cache:  # a test, not ``pop(name, None)``: most are not there, and this runs per document
                del cache[name]

    @cached
    def paragraphs(self) -> Spans:
        return Spans(segment.paragraphs(self.text))

    @cached
    def sentences(self) -> Spans:
        spans, cut = segment.split_sentences(self.text, self.paragraphs)
        if cut and not any(note["kind"] == "long-sentence" for note in self.notes):  # made again: noted once
            self.note("long-sentence", f"{cut} sentence(s) longer than {segment.MAX_SENTENCE} characters "
                      "were checked in pieces (no sentence-ending punctuation, or all in lower case?)")
        return Spans(spans)

    def note(self, kind: str, message: str, severity: str = "info") -> None:
        """Record something the checker cut or left out of this document, for the report's ``errors``."""
        self.notes.append({"path": self.path, "kind": kind, "severity": severity,
                           "message": f"{self.path}: {message}"})

    @cached
    def quotes(self) -> Spans:
        return Spans(segment.quotations(self.text, self.paragraphs))

    @cached
    def _sentence_starts(self) -> array[int]:
        return self.sentences.starts

    def sentence_at(self, offset: int) -> tuple[int, int]:
        """Return the sentence span containing ``offset`` (or the nearest one before it)."""
        sentences = self.sentences
        if not sentences:
            return 0, len(self.text)
        index = bisect.bisect_right(self._sentence_starts, offset) - 1
        return sentences[index if index > 0 else 0]

    @cached
    def _paragraph_starts(self) -> array[int]:
        return self.paragraphs.starts

    def paragraph_at(self, offset: int) -> tuple[int, int]:
        starts = self._paragraph_starts
        if not starts:
            return 0, len(self.text)
        index = max(bisect.bisect_right(starts, offset) - 1, 0)
        return self.paragraphs[index]

    @cached
    def _quote_starts(self) -> array[int]:
        return self.quotes.starts

    def in_quotes(self, start: int, end: int) -> bool:
        """True when the span lies inside one quotation (a bisection: quotations are sorted and disjoint)."""
        index = bisect.bisect_right(self._quote_starts, start) - 1
        return index >= 0 and end <= self.quotes[index][1]

    def overlaps_quote(self, start: int, end: int) -> bool:
        """True when the span shares a character with a quotation."""
        index = bisect.bisect_left(self._quote_starts, end) - 1
        return index >= 0 and self.quotes[index][1] > start

    def is_skipped(self, start: int, end: int) -> bool:
        """True when the span overlaps a skipped span: a bisection over them, merged (one match, one lookup,
        however many links or code spans the document has)."""
        count, starts, spans = self._skipped_index
        if count != len(self.skipped):
            merged: list[tuple[int, int]] = []
            for s_start, s_end in sorted(self.skipped):
                if merged and s_start < merged[-1][1]:  # overlapping (touching spans stay apart, as before)
                    merged[-1] = (merged[-1][0], max(merged[-1][1], s_end))
                else:
                    merged.append((s_start, s_end))
            count, starts, spans = self._skipped_index = (len(self.skipped), [a for a, _ in merged], merged)
        index = bisect.bisect_left(starts, end) - 1
        return index >= 0 and spans[index][1] > start

    @property
    def date(self) -> Any:
        return self.metadata.get("date")
