"""A document's sentence, paragraph and quotation spans, held as two arrays of integers.

A list of ``(start, end)`` tuples costs about 120 bytes a span (the tuple, two integer objects, the list's
slot); a 50 MB draft has over half a million sentences and the lists were a tenth of its check's peak.
``Spans`` keeps 16 bytes a span and reads as the list of tuples it replaces: indexing, iterating,
``len``, comparing with a list.
"""

from __future__ import annotations

from array import array
from collections.abc import Iterable, Iterator, Sequence
from typing import overload


class Spans(Sequence[tuple[int, int]]):
    """``(start, end)`` pairs; ``starts`` and ``ends`` are the arrays themselves (``bisect`` reads them)."""

    __slots__ = ("starts", "ends")

    def __init__(self, pairs: Iterable[tuple[int, int]] = ()) -> None:
        pairs = pairs if isinstance(pairs, (list, tuple)) else list(pairs)
        self.starts = array("q", [start for start, _ in pairs])
        self.ends = array("q", [end for _, end in pairs])

    def __len__(self) -> int:
        return len(self.starts)

    @overload
    def __getitem__(self, index: int) -> tuple[int, int]: ...

    @overload
    def __getitem__(self, index: slice) -> list[tuple[int, int]]: ...

    def __getitem__(self, index: int | slice) -> tuple[int, int] | list[tuple[int, int]]:
        if isinstance(index, slice):
            return list(zip(self.starts[index], self.ends[index], strict=True))
        return self.starts[index], self.ends[index]

    def __iter__(self) -> Iterator[tuple[int, int]]:
        return zip(self.starts, self.ends, strict=True)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, Spans):
            return self.starts == other.starts and self.ends == other.ends
        if isinstance(other, (list, tuple)):
            return list(self) == list(other)
        return NotImplemented

    __hash__ = None  # type: ignore[assignment]  # compares equal to a list, which is unhashable

    def __repr__(self) -> str:
        return f"Spans({list(self)!r})"
