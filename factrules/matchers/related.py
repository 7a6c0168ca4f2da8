"""Other places in a document that a document-level finding points at (SARIF ``relatedLocations``)."""

from __future__ import annotations

from collections import defaultdict
from typing import Any


def location(document: Any, start: int, end: int) -> dict[str, Any]:
    """Where the plain-text span ``start``-``end`` is in the source: line, column, end, offset, length, text."""
    src_start, src_end = document.source_span(start, end)
    line, column = document.position(src_start)
    end_line, end_column = document.position(src_end)
    return {"line": line, "column": column, "end_line": end_line, "end_column": end_column,
            "offset": src_start, "length": src_end - src_start, "text": document.text[start:end]}


def describe(locations: list[dict[str, Any]]) -> str:
    """"'Deir ez-Zor' (lines 5, 11), 'Dayr az-Zawr' (line 1)": each text with the lines it is on."""
    lines: dict[str, list[int]] = defaultdict(list)
    for place in locations:
        lines[" ".join(place["text"].split())].append(place["line"])  # a name may wrap a line
    parts = []
    for text, numbers in lines.items():
        label = "line" if len(set(numbers)) == 1 else "lines"
        parts.append(f"'{text}' ({label} {', '.join(str(n) for n in sorted(set(numbers)))})")
    return ", ".join(parts)
