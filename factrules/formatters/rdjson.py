"""``--format rdjson`` and ``rdjsonl``: reviewdog's Diagnostic Format, for ``reviewdog -f=rdjson``.

reviewdog posts these as pull-request review comments, and turns a
``suggestion`` into a one-click suggested change.  Its positions differ from
the report's in one way that matters for non-ASCII drafts: columns count
UTF-8 *bytes* (a curly quote is three), so each column is recomputed from the
source line; the end stays exclusive, as in the report.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import IO, Any

from factrules.formatters.sarif import INFORMATION_URI

SEVERITIES = {"error": "ERROR", "warning": "WARNING", "info": "INFO"}
SOURCE = {"name": "factrules", "url": INFORMATION_URI}


class _Lines:
    """Source lines by path: from the documents the run kept, else read again (decoded as the text reader does)."""

    def __init__(self, sources: dict[str, Any] | None) -> None:
        self.sources = sources or {}
        self.read: dict[str, Any] = {}

    def line(self, path: str, number: int) -> str | None:
        document = self.sources.get(path)
        if document is None and path != "-":
            if path not in self.read:
                self.read[path] = self._load(path)
            document = self.read[path]
        if document is None:
            return None
        return document.source_line(number)

    @staticmethod
    def _load(path: str) -> Any:
        from factrules.document import Document
        from factrules.errors import InputError
        from factrules.readers import decode_text

        try:
            return Document(path=path, text=decode_text(Path(path).read_bytes(), path))
        except (OSError, InputError):
            return None


def byte_column(line_text: str | None, column: int) -> int:
    """A 1-based code-point column as reviewdog's 1-based UTF-8 byte column."""
    if line_text is None:
        return column
    return len(line_text[: column - 1].encode("utf-8", "surrogatepass")) + 1


def diagnostic(finding: dict[str, Any], lines: _Lines) -> dict[str, Any]:
    start, end = finding["range"]["start"], finding["range"]["end"]
    path = finding["path"]
    range_ = {
        "start": {"line": start["line"], "column": byte_column(lines.line(path, start["line"]), start["column"])},
        "end": {"line": end["line"], "column": byte_column(lines.line(path, end["line"]), end["column"])},
    }
    code: dict[str, Any] = {"value": finding["rule"]}
    if finding.get("links"):
        code["url"] = finding["links"][0]
    result: dict[str, Any] = {
        "message": finding["message"],
        "location": {"path": path, "range": range_},
        "severity": SEVERITIES[finding["severity"]],
        "source": SOURCE,
        "code": code,
    }
    if finding.get("suggestion") is not None:
        result["suggestions"] = [{"range": range_, "text": finding["suggestion"]}]
    return result


def format_rdjson(report: dict[str, Any], stream: IO[str], *, color: bool = False,
                  sources: dict[str, Any] | None = None, **_: Any) -> None:
    lines = _Lines(sources)
    result = {"source": SOURCE, "diagnostics": [diagnostic(f, lines) for f in report["findings"]]}
    json.dump(result, stream, ensure_ascii=False, indent=2)
    stream.write("\n")


def format_rdjsonl(report: dict[str, Any], stream: IO[str], *, color: bool = False,
                   sources: dict[str, Any] | None = None, **_: Any) -> None:
    lines = _Lines(sources)
    for finding in report["findings"]:
        stream.write(json.dumps(diagnostic(finding, lines), ensure_ascii=False, separators=(",", ":")) + "\n")


#: the CLI keeps each checked document so columns come from the text as read, not a second read
format_rdjson.needs_sources = True  # type: ignore[attr-defined]
format_rdjsonl.needs_sources = True  # type: ignore[attr-defined]
