"""``--format json``: the whole report, valid against ``schemas/report.schema.json``."""

from __future__ import annotations

import json
from typing import IO, Any


def format_json(report: dict[str, Any], stream: IO[str], *, color: bool = False, **_: Any) -> None:
    json.dump(report, stream, ensure_ascii=False, indent=2)
    stream.write("\n")
