"""YAML front matter of a draft: the article's date, title and language.

The date matters most: relative dates ("last Tuesday") resolve against it
when ``--date`` is not given.  Front matter that is not valid YAML, or a
date that cannot be read, leaves the metadata out rather than failing the
file: the draft itself can still be checked.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from factrules.memo import Memo, package_files_state

#: front matter's metadata by its text, kept between runs while the same PyYAML is installed
READ = Memo("front-matter", lambda: package_files_state("yaml"))


def parse_date(value: Any) -> dt.date | None:
    """A YAML date, datetime or ISO-like string as a ``datetime.date``; ``None`` when unreadable."""
    date, needs_dateparser = _plain_date(value)
    return _dateparser_date(value.strip()) if needs_dateparser else date


def _plain_date(value: Any) -> tuple[dt.date | None, bool]:
    """The date without dateparser, and whether dateparser must still be asked (a string that is no ISO date)."""
    if isinstance(value, dt.datetime):
        return value.date(), False
    if isinstance(value, dt.date):
        return value, False
    if not isinstance(value, str) or not value.strip():
        return None, False
    try:
        return dt.date.fromisoformat(value.strip()[:10]), False
    except ValueError:
        return None, True


def _dateparser_date(text: str) -> dt.date | None:
    import dateparser

    parsed = dateparser.parse(text, languages=["en"], settings={"STRICT_PARSING": True})
    return parsed.date() if parsed else None


def metadata_from_yaml(text: str, notes: list[str] | None = None, first_line: int = 1) -> dict[str, Any]:
    """``date``, ``title`` and ``language`` from front matter text; other keys are not used.

    Front matter whose aliases would expand past ``safeyaml.MAX_ALIAS_NODES`` is not read; a line saying
    so (the file line, counting the text from ``first_line``) is added to ``notes`` when it is given.

    The metadata of front matter read before comes from ``READ`` (a draft's front matter changes far less
    often than its text, and PyYAML's import was a tenth of checking a Markdown draft); front matter with
    a note, or with a date only dateparser reads (it may read one relative to today), is never remembered.
    """
    key = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    found, metadata = READ.lookup(key)
    if found:
        return dict(metadata)
    own_notes: list[str] = []
    metadata, lasting = _read_metadata(text, own_notes, first_line)
    if notes is not None:
        notes.extend(own_notes)
    if lasting and not own_notes:
        READ.add(key, dict(metadata))
    return metadata


def _read_metadata(text: str, notes: list[str], first_line: int) -> tuple[dict[str, Any], bool]:
    """The metadata, and whether it depends on the text alone (no date read by dateparser)."""
    import yaml  # here: the HTML reader and a draft without front matter never need PyYAML

    from factrules.safeyaml import AliasLimitError, safe_load

    try:
        data = safe_load(text)
    except AliasLimitError as error:
        line = first_line + error.problem_mark.line if error.problem_mark else first_line
        notes.append(f"line {line}: front matter not read: {error.problem}")
        return {}, True
    except (yaml.YAMLError, ValueError, OverflowError, RecursionError):
        # PyYAML reads "date: 2018-02-30" as a timestamp and raises ValueError; deep nesting recurses
        return {}, True
    if not isinstance(data, dict):
        return {}, True
    metadata: dict[str, Any] = {}
    date, needs_dateparser = _plain_date(data.get("date"))
    if needs_dateparser:
        date = _dateparser_date(data["date"].strip())
    if date is not None:
        metadata["date"] = date
    for key in ("title", "language"):
        if isinstance(data.get(key), str | int | float) and str(data[key]).strip():
            metadata[key] = str(data[key]).strip()
    if "language" not in metadata and isinstance(data.get("lang"), str):
        metadata["language"] = data["lang"].strip()
    return metadata, not needs_dateparser
