"""The Word reader: a ``.docx`` file's paragraphs and table cells, in document order (python-docx).

A .docx is a zip of XML, so there is no source text to point into.  The
document's ``source`` is therefore the extracted text with one line per
paragraph: a finding's line is the paragraph number (counting table cells'
paragraphs where they stand) and its column the character in that
paragraph, which is how an editor finds it in Word.  ``text`` is the same
paragraphs separated by blank lines, so sentences never run across them.

Not checked: headers, footers, footnotes, comments, text boxes, deleted
(tracked) text.  A file that is not a zip, or a zip without a Word document
in it, is an ``InputError`` for that file alone.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator
from typing import Any

from factrules.document import Document
from factrules.errors import InputError
from factrules.readers.textmap import TextBuilder

#: Line breaks inside a paragraph (``w:br``) would break the one-line-per-paragraph rule.
_LINE_BREAKS = str.maketrans({"\n": " ", "\r": " ", "\v": " ", "\f": " ", "\u2028": " ", "\u2029": " "})


def _open(data: bytes, path: str) -> Any:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputError(path, "not a Word .docx file (not a zip archive), skipped")
    try:
        return docx.Document(io.BytesIO(data))
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError) as error:
        raise InputError(path, f"broken .docx zip archive ({error}), skipped") from None
    except (PackageNotFoundError, KeyError) as error:
        raise InputError(path, f"a zip file but not a Word document ({error}), skipped") from None
    except ValueError as error:  # python-docx: "file ... is not a Word file, content type is ..."
        raise InputError(path, f"not a Word document: {error}, skipped") from None
    except Exception as error:  # noqa: BLE001 - lxml syntax errors and the like inside the package
        raise InputError(path, f"corrupt .docx ({type(error).__name__}: {error}), skipped") from None


def _paragraph_texts(container: Any, seen: set[Any]) -> Iterator[str]:
    """Paragraph texts of a document body or table cell, tables expanded cell by cell, in order."""
    from docx.table import Table

    for block in container.iter_inner_content():
        if isinstance(block, Table):
            for row in block.rows:
                for cell in row.cells:
                    if cell._tc in seen:  # a merged cell is returned once per grid column it spans
                        continue
                    seen.add(cell._tc)
                    yield from _paragraph_texts(cell, seen)
        else:
            yield block.text


def read_docx(data: bytes, path: str) -> Document:
    word = _open(data, path)
    try:
        paragraphs = [text.translate(_LINE_BREAKS) for text in _paragraph_texts(word, set())]
    except Exception as error:  # noqa: BLE001 - malformed XML parts surface only while reading
        raise InputError(path, f"corrupt .docx ({type(error).__name__}: {error}), skipped") from None
    source = "\n".join(paragraphs)
    builder = TextBuilder()
    position = 0
    for text in paragraphs:
        if text.strip():
            builder.paragraph_break(position)
            builder.add_run(text, range(position, position + len(text)))
        position += len(text) + 1
    metadata: dict[str, Any] = {}
    properties = word.core_properties
    if properties.title and properties.title.strip():
        metadata["title"] = properties.title.strip()
    if properties.language and properties.language.strip():
        metadata["language"] = properties.language.strip()
    return builder.build(path, source, metadata)
