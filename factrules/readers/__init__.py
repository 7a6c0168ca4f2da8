"""Readers turn a file's bytes into a ``Document``; built-ins are registered as plugins."""

from __future__ import annotations

from factrules.errors import InputError

_SNIFF = 8192


_UTF32_BOMS = (b"\xff\xfe\x00\x00", b"\x00\x00\xfe\xff")


def decode_text(data: bytes, path: str) -> str:
    """Decode a text file as UTF-8 (a BOM is dropped), refusing binary data with a clear message.

    UTF-16 and UTF-32 are read when a BOM says so.  UTF-32 is looked for first: its little-endian BOM
    starts with UTF-16's, and read as UTF-16 the file became text of NULs that no rule matched (reported
    clean).  Without a BOM, UTF-16 and UTF-32 files hold NUL bytes and are refused as binary.
    """
    if data.startswith(_UTF32_BOMS):
        try:
            return data.decode("utf-32")
        except UnicodeDecodeError as error:
            raise InputError(path, f"invalid UTF-32 at byte {error.start}, skipped") from None
    if b"\x00" in data[:_SNIFF] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise InputError(path, "binary file (NUL bytes), skipped")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as error:
            raise InputError(path, f"invalid UTF-16 at byte {error.start}, skipped") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        raise InputError(
            path, f"not valid UTF-8 (byte {error.start}, line {line}); convert the file to UTF-8, skipped"
        ) from None
