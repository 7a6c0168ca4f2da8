"""YAML front matter of a draft: the article's date, title and language.

The date matters most: relative dates ("last Tuesday") resolve against it
when ``--date`` is not given.  Front matter that is not valid YAML, or a
date that cannot be read, leaves the metadata out rather than failing the
file: the draft itself can still be checked.
"""

from __future__ import annotations

import datetime as dt
from typing import Any


def parse_date(value: Any) -> dt.date | None:
    """A YAML date, datetime or ISO-like string as a ``datetime.date``; ``None`` when unreadable."""
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str) or not value.strip():
        return None
    text = value.strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        pass
    import dateparser

    parsed = dateparser.parse(text, languages=["en"], settings={"STRICT_PARSING": True})
    return parsed.date() if parsed else None


def metadata_from_yaml(text: str, notes: list[str] | None = None, first_line: int = 1) -> dict[str, Any]:
    """``date``, ``title`` and ``language`` from front matter text; other keys are not used.

    Front matter whose aliases would expand past ``safeyaml.MAX_ALIAS_NODES`` is not read; a line saying
    so (the file line, counting the text from ``first_line``) is added to ``notes`` when it is given.
    """
    import yaml  # here: the HTML reader and a draft without front matter never need PyYAML

    from factrules.safeyaml import AliasLimitError, safe_load

    try:
        data = safe_load(text)
    except AliasLimitError as error:
        if notes is not None:
            line = first_line + error.problem_mark.line if error.problem_mark else first_line
            notes.append(f"line {line}: front matter not read: {error.problem}")
        return {}
    except (yaml.YAMLError, ValueError, OverflowError, RecursionError):
        # PyYAML reads "date: 2018-02-30" as a timestamp and raises ValueError; deep nesting recurses
        return {}
    if not isinstance(data, dict):
        return {}
    metadata: dict[str, Any] = {}
    date = parse_date(data.get("date"))
    if date is not None:
        metadata["date"] = date
    for key in ("title", "language"):
        if isinstance(data.get(key), str | int | float) and str(data[key]).strip():
            metadata[key] = str(data[key]).strip()
    if "language" not in metadata and isinstance(data.get("lang"), str):
        metadata["language"] = data["lang"].strip()
    return metadata
