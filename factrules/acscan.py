"""An Aho–Corasick pass over a long text a piece at a time, with exactly the hits of one pass.

pyahocorasick's ``Automaton.iter`` copies the *whole* string it is given into a buffer of four bytes a
character before it starts, even when asked to search only part of it (``iter(text, start, end)``).
On a 50 MB draft that is a 200 MB buffer per pass, on top of the draft's findings, and a pass made a
chunk at a time over ranges of the whole text paid it (and the copy's time) once per chunk.
``iter_text`` hands the automaton slices instead.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

#: characters searched per slice: a buffer of 1 MB at four bytes a character
CHUNK = 1 << 18


def iter_text(automaton: Any, text: str, chunk: int = CHUNK) -> Iterator[tuple[int, Any]]:
    """``automaton.iter(text)``: the same ``(end, value)`` pairs in the same order, ``end`` an offset in ``text``.

    Each slice starts ``longest word - 1`` characters before the ends it reports: the automaton's state
    at an end is the longest suffix of what it read that is a prefix of a word, never longer than the
    longest word, so that much lead-in gives the state (and the words ending there) of a pass from the
    start of the text.  A text of one slice gets the automaton's own iterator, with no generator between
    it and the caller (every story pays for several passes, and each hit for the step through it).
    """
    if len(text) <= chunk:
        return automaton.iter(text)  # type: ignore[no-any-return]
    return _iter_slices(automaton, text, chunk)


def _iter_slices(automaton: Any, text: str, chunk: int) -> Iterator[tuple[int, Any]]:
    """``iter_text`` over a text longer than one slice."""
    size = len(text)
    lead = max(0, automaton.get_stats()["longest_word"] - 1)
    for low in range(0, size, chunk):
        begin = max(0, low - lead)
        for end, value in automaton.iter(text[begin : low + chunk]):
            end += begin
            if end >= low:
                yield end, value


def iter_range(automaton: Any, text: str, start: int, stop: int) -> Iterator[tuple[int, Any]]:
    """``automaton.iter(text, start, stop)`` (a pass that begins afresh at ``start``), without the copy of
    the whole text: the ends are offsets in ``text`` (from the start, the automaton's own iterator: they
    are already)."""
    if not start:
        return automaton.iter(text[:stop])  # type: ignore[no-any-return]
    return _shifted(automaton.iter(text[start:stop]), start)


def _shifted(hits: Iterator[tuple[int, Any]], start: int) -> Iterator[tuple[int, Any]]:
    """``hits`` with ``start`` added to each end."""
    for end, value in hits:
        yield end + start, value
