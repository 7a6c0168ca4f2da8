"""Baselines: accept today's findings once, then report only the ones that are new.

A desk adopting factrules on an existing archive of drafts cannot fix every
finding at once.  ``factrules baseline create PATH... -o FILE`` records each
finding's fingerprint (see ``factrules.findings.assign_fingerprints``: it
hashes the rule, the flagged words and their sentence, not the line) per
file; ``factrules check --baseline FILE`` then drops findings whose
fingerprint the baseline already holds for that file.  Fingerprints are
counted, not just collected, so a second copy of an accepted sentence in the
same file is still reported.

Paths are stored normalised (relative to the current directory, forward
slashes), so ``check ./drafts`` matches a baseline made with ``drafts/``;
run both from the same directory (the repository root in CI).
"""

from __future__ import annotations

import json
import os
from collections import Counter
from pathlib import Path
from typing import Any

import jsonschema

from factrules._version import __version__
from factrules.errors import BaselineError
from factrules.findings import Finding
from factrules.output import write_atomically

FORMAT_VERSION = 1

#: the shape a baseline file must have; checked on load so a hand-edited file fails clearly
BASELINE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["version", "files"],
    "properties": {
        "version": {"const": FORMAT_VERSION},
        "tool": {"type": "object"},
        "files": {
            "type": "object",
            "additionalProperties": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["fingerprint"],
                    "properties": {"fingerprint": {"type": "string", "minLength": 1}},
                },
            },
        },
    },
}


def normalise_path(path: str) -> str:
    """The key a path is stored under: relative to the working directory, forward slashes."""
    if path == "-":
        return path
    try:
        relative = os.path.relpath(os.path.abspath(path))
    except ValueError:  # another drive on Windows
        relative = os.path.abspath(path)
    return Path(relative).as_posix()


def baseline_data(findings: list[Finding]) -> dict[str, Any]:
    """The baseline document for these findings (what ``baseline create`` writes)."""
    files: dict[str, list[dict[str, Any]]] = {}
    for finding in sorted(findings, key=lambda f: (normalise_path(f.path), f.span["start"], f.rule)):
        if not finding.fingerprint:
            continue
        files.setdefault(normalise_path(finding.path), []).append(
            {"fingerprint": finding.fingerprint, "rule": finding.rule, "text": finding.text, "line": finding.line}
        )
    return {"version": FORMAT_VERSION, "tool": {"name": "factrules", "version": __version__}, "files": files}


def write_baseline(findings: list[Finding], path: Path) -> dict[str, Any]:
    """Write the baseline atomically (a crash never leaves a truncated file behind) and return it."""
    data = baseline_data(findings)
    with write_atomically(path) as stream:
        json.dump(data, stream, ensure_ascii=False, indent=2)
        stream.write("\n")
    return data


def load_baseline(path: str | Path) -> dict[str, Counter[str]]:
    """Read a baseline file into ``{path: Counter(fingerprint)}``; any problem is one ``BaselineError``."""
    shown = str(path)
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BaselineError(f"{shown}: baseline file not found (create it with `factrules baseline create`)") from None
    except (OSError, UnicodeDecodeError) as error:
        raise BaselineError(f"{shown}: cannot read baseline: {getattr(error, 'strerror', None) or error}") from None
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as error:
        raise BaselineError(f"{shown}:{error.lineno}: not a valid baseline (invalid JSON: {error.msg})") from None
    problem = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(BASELINE_SCHEMA).iter_errors(data))
    if problem is not None:
        where = "/".join(str(p) for p in problem.absolute_path) or "top level"
        raise BaselineError(f"{shown}: not a factrules baseline ({where}: {problem.message})")
    return {name: Counter(entry["fingerprint"] for entry in entries) for name, entries in data["files"].items()}


class BaselineFilter:
    """Drops the findings a baseline accounts for, across several calls (one per file, when output streams).

    Each recorded fingerprint accounts for as many findings as it was recorded times, once each.
    """

    def __init__(self, baseline: dict[str, Counter[str]]) -> None:
        self.remaining = {name: Counter(counts) for name, counts in baseline.items()}

    def new(self, findings: list[Finding]) -> list[Finding]:
        """The findings the baseline does not account for, in their original order."""
        kept = []
        for finding in findings:
            accepted = self.remaining.get(normalise_path(finding.path))
            if accepted is not None and finding.fingerprint and accepted[finding.fingerprint] > 0:
                accepted[finding.fingerprint] -= 1
                continue
            kept.append(finding)
        return kept


def new_findings(findings: list[Finding], baseline: dict[str, Counter[str]]) -> list[Finding]:
    """The findings the baseline does not account for, in their original order."""
    return BaselineFilter(baseline).new(findings)
