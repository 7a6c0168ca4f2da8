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


#: the most a .docx may unpack to: Word's XML for a long report is a few MB, and python-docx holds every
#: part in memory, parsed (a 611 KB zip bomb unpacking to 200 MB of XML reached 3.7 GB)
MAX_UNPACKED = 64 * 1024 * 1024
#: the highest compression ratio of a part over ``RATIO_FLOOR`` bytes: repetitive XML compresses 10-50 times
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024


def check_unpacked_size(data: bytes, path: str) -> None:
    """Refuse a zip that would unpack past ``MAX_UNPACKED``, or with a part compressed past ``MAX_RATIO``.

    The sizes are the ones the zip declares; ``zipfile`` never inflates a part past its declared size (a
    part that lies fails its CRC check instead), so they bound what reading can cost.
    """
    try:
        members = zipfile.ZipFile(io.BytesIO(data)).infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as error:
        raise InputError(path, f"broken .docx zip archive ({error}), skipped") from None
    total = sum(member.file_size for member in members)
    if total > MAX_UNPACKED:
        raise InputError(path, f"unpacks to {total:,} bytes, more than the {MAX_UNPACKED:,} a .docx may (a zip "
                               "bomb?), skipped")
    for member in members:
        if member.file_size > RATIO_FLOOR and member.file_size > MAX_RATIO * max(member.compress_size, 1):
            ratio = member.file_size // max(member.compress_size, 1)
            raise InputError(path, f"part '{member.filename}' is compressed {ratio} times, more than the "
                                   f"{MAX_RATIO} a .docx may (a zip bomb?), skipped")


def _open(data: bytes, path: str) -> Any:
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise InputError(path, "not a Word .docx file (not a zip archive), skipped")
    check_unpacked_size(data, path)
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
