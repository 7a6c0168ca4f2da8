"""The plain-text reader: the source is the text, offsets are the identity."""

from __future__ import annotations

from factrules.document import Document
from factrules.readers import decode_text


def read_text(data: bytes, path: str) -> Document:
    return Document(path=path, text=decode_text(data, path))
