"""``--format jsonl``: one finding per line, each valid against ``schemas/finding.schema.json``.

For streaming into ``jq``, a log pipeline or a database loader: a consumer
can start on the first finding before the run ends, and concatenating the
output of several runs stays valid.  Errors go to stderr (the CLI prints
them), not into the stream of findings.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import IO, Any


def write_findings(findings: Iterable[dict[str, Any]], stream: IO[str]) -> None:
    """One line per finding; the CLI calls this as each file is checked (``format_jsonl.stream``)."""
    for finding in findings:
        stream.write(json.dumps(finding, ensure_ascii=False, separators=(",", ":")) + "\n")


def format_jsonl(report: dict[str, Any], stream: IO[str], *, color: bool = False, **_: Any) -> None:
    write_findings(report["findings"], stream)


#: Lets ``factrules check`` write each file's findings as soon as that file is checked and then drop them,
#: rather than hold every finding of the run (and the whole report) until the end: a 50 MB draft's
#: findings are then in memory once, as findings, and never as one report.
format_jsonl.stream = write_findings  # type: ignore[attr-defined]
