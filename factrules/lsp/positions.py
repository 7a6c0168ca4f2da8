"""Positions between factrules and an LSP client.

factrules locates findings by 1-based line and column counted in code
points; LSP positions are 0-based lines and columns counted in the code
units of the negotiated encoding (UTF-16 unless the client offers
otherwise).  A character outside the Basic Multilingual Plane (an emoji,
a rare CJK ideograph) is one code point but two UTF-16 units, so every
column after it on the same line must be converted, never copied.

This module is free of pygls so it can be tested and reused on its own.
"""

from __future__ import annotations

import bisect
from dataclasses import dataclass
from functools import cached_property

UTF8 = "utf-8"
UTF16 = "utf-16"
UTF32 = "utf-32"


def code_units(text: str, encoding: str = UTF16) -> int:
    """The length of ``text`` in the code units of an LSP position encoding."""
    if encoding == UTF32:
        return len(text)
    if encoding == UTF8:
        return len(text.encode("utf-8", "surrogatepass"))
    return len(text.encode("utf-16-le", "surrogatepass")) // 2


def code_points_in(text: str, units: int, encoding: str = UTF16) -> int:
    """How many code points of ``text`` the first ``units`` code units cover (clamped to the text).

    A unit count that falls inside a character (half a surrogate pair)
    counts that character as not covered, as the LSP specification asks.
    """
    if encoding == UTF32:
        return max(0, min(units, len(text)))
    seen = 0
    for index, char in enumerate(text):
        width = code_units(char, encoding)
        if seen + width > units:
            return index
        seen += width
    return len(text)


@dataclass
class LineIndex:
    """Line starts of a text, with LSP's line breaks (``\\n``, ``\\r\\n``, ``\\r``)."""

    text: str

    @cached_property
    def starts(self) -> list[int]:
        starts = [0]
        text = self.text
        index, length = 0, len(text)
        while index < length:
            char = text[index]
            if char == "\n":
                starts.append(index + 1)
            elif char == "\r":
                if index + 1 < length and text[index + 1] == "\n":
                    index += 1
                starts.append(index + 1)
            index += 1
        return starts

    def line(self, line: int) -> str:
        """The 0-based line ``line`` without its line break ('' past the end)."""
        starts = self.starts
        if line < 0 or line >= len(starts):
            return ""
        end = starts[line + 1] if line + 1 < len(starts) else len(self.text)
        return self.text[starts[line] : end].rstrip("\r\n")

    def line_break(self, line: int) -> str:
        """The line break that ends 0-based ``line`` (the document's first one for the last line)."""
        starts = self.starts
        if line + 1 < len(starts):
            raw = self.text[starts[line] : starts[line + 1]]
            return raw[len(raw.rstrip("\r\n")) :]
        for first in ("\r\n", "\n", "\r"):
            if first in self.text:
                return first
        return "\n"

    def position(self, offset: int) -> tuple[int, int]:
        """0-based (line, code-point column) of a code-point offset."""
        line = bisect.bisect_right(self.starts, offset) - 1
        return line, offset - self.starts[line]

    def offset(self, line: int, column: int) -> int:
        """The code-point offset of a 0-based line and code-point column."""
        if line >= len(self.starts):
            return len(self.text)
        return self.starts[max(line, 0)] + column


def to_lsp(lines: LineIndex, line: int, column: int, encoding: str = UTF16, *, lead: int = 0) -> tuple[int, int]:
    """Convert a factrules 1-based (line, code-point column) to an LSP 0-based (line, character).

    ``lead`` is the number of code points the editor has at the very start
    of the text that the reader dropped (a byte-order mark), which shifts
    columns of the first line only.
    """
    line0 = line - 1
    column0 = column - 1 + (lead if line0 == 0 else 0)
    return line0, code_units(lines.line(line0)[:column0], encoding)


def from_lsp(lines: LineIndex, line: int, character: int, encoding: str = UTF16) -> int:
    """Convert an LSP (line, character) to a code-point offset into the text."""
    return lines.offset(line, code_points_in(lines.line(line), character, encoding))
