"""``--format jsonl``: one finding per line, each valid against ``schemas/finding.schema.json``.

For streaming into ``jq``, a log pipeline or a database loader: a consumer
can start on the first finding before the run ends, and concatenating the
output of several runs stays valid.  Errors go to stderr (the CLI prints
them), not into the stream of findings.
"""

from __future__ import annotations

import json
from typing import IO, Any


def format_jsonl(report: dict[str, Any], stream: IO[str], *, color: bool = False, **_: Any) -> None:
    for finding in report["findings"]:
        stream.write(json.dumps(finding, ensure_ascii=False, separators=(",", ":")) + "\n")
