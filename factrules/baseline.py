"""Baselines: accept today's findings once, then report only the ones that are new.

A desk adopting factrules on an existing archive of drafts cannot fix every
finding at once.  ``factrules baseline create PATH... -o FILE`` records each
finding's fingerprint (see ``factrules.findings.assign_fingerprints``: it
hashes the rule, the flagged words and their sentence, not the line) per
file; ``factrules check --baseline FILE`` then drops findings whose
fingerprint the baseline already holds for that file.  Fingerprints are
counted, not just collected, so a second copy of an accepted sentence in the
same file is still reported.

Paths are stored relative to the baseline file's own directory (format 2),
forward slashes, so ``check`` finds the same entries from any working
directory and however the path is spelled (``./drafts/``, absolute).  A
format-1 file (paths relative to the directory it was made in) is still read,
relative to the working directory as before; ``update`` and ``prune`` rewrite
it as format 2.

A run with a baseline counts what it hid and which entries are **stale**
(their finding is gone from a file the run checked, or their file is gone),
so a baseline that silently matches nothing, or keeps accepting findings that
were fixed long ago, shows.  ``baseline update`` re-records the checked files
(new findings accepted, stale entries dropped); ``baseline prune`` only drops
stale entries.
"""

from __future__ import annotations

import json
import os
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from factrules._version import __version__
from factrules.errors import BaselineError
from factrules.findings import Finding
from factrules.output import write_atomically

FORMAT_VERSION = 2

#: the shape a baseline file must have; checked on load so a hand-edited file fails clearly
BASELINE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["version", "files"],
    "properties": {
        "version": {"enum": [1, FORMAT_VERSION]},
        "paths": {"type": "string"},
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


def normalise_path(path: str, root: Path | None = None) -> str:
    """The key a path is stored under: relative to ``root`` (default: the working directory), forward slashes."""
    if path == "-":
        return path
    try:
        relative = os.path.relpath(os.path.abspath(path), root if root is not None else os.getcwd())
    except ValueError:  # another drive on Windows
        relative = os.path.abspath(path)
    return Path(relative).as_posix()


def entries_by_file(findings: list[Finding], root: Path | None = None) -> dict[str, list[dict[str, Any]]]:
    """Baseline entries for ``findings``, keyed by path relative to ``root``, in file order."""
    files: dict[str, list[dict[str, Any]]] = {}
    keyed = [(normalise_path(f.path, root), f) for f in findings if f.fingerprint]
    for key, finding in sorted(keyed, key=lambda kf: (kf[0], kf[1].span["start"], kf[1].rule)):
        files.setdefault(key, []).append(
            {"fingerprint": finding.fingerprint, "rule": finding.rule, "text": finding.text, "line": finding.line}
        )
    return files


def baseline_document(files: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    return {"version": FORMAT_VERSION, "tool": {"name": "factrules", "version": __version__},
            "paths": "relative to this file", "files": dict(sorted(files.items()))}


def baseline_data(findings: list[Finding], root: Path | None = None) -> dict[str, Any]:
    """The baseline document for these findings (what ``baseline create`` writes), paths relative to ``root``."""
    return baseline_document(entries_by_file(findings, root))


def _write(data: dict[str, Any], path: Path) -> None:
    with write_atomically(path) as stream:
        json.dump(data, stream, ensure_ascii=False, indent=2)
        stream.write("\n")


def write_baseline(findings: list[Finding], path: Path) -> dict[str, Any]:
    """Write the baseline atomically (a crash never leaves a truncated file behind) and return it."""
    data = baseline_data(findings, path.resolve().parent)
    _write(data, path)
    return data


@dataclass
class Baseline:
    """A loaded baseline: its entries per file and the directory their paths are relative to."""

    path: Path
    root: Path
    entries: dict[str, list[dict[str, Any]]]

    @property
    def files(self) -> dict[str, Counter[str]]:
        return {name: Counter(e["fingerprint"] for e in entries) for name, entries in self.entries.items()}

    def key(self, path: str) -> str:
        return normalise_path(path, self.root)

    def in_scope(self, key: str, checked: list[str]) -> bool:
        """Whether the run over ``checked`` paths looked at this entry's file (it, or a directory holding it)."""
        target = os.path.abspath(self.root / key)
        for given in checked:
            if given == "-":
                continue
            top = os.path.abspath(given)
            if target == top or target.startswith(top.rstrip(os.sep) + os.sep):
                return True
        return False

    def stale(self, remaining: dict[str, Counter[str]], checked: list[str]) -> int:
        """Entries no current finding used: in a file the run checked, or in a file that no longer exists."""
        count = 0
        for key, counts in remaining.items():
            left = sum(n for n in counts.values() if n > 0)
            if left and (self.in_scope(key, checked) or not (self.root / key).exists()):
                count += left
        return count


def load_baseline(path: str | Path) -> Baseline:
    """Read a baseline file; any problem is one ``BaselineError``."""
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
    import jsonschema  # here, not at the top: `check` imports this module, and only --baseline needs it

    problem = jsonschema.exceptions.best_match(jsonschema.Draft202012Validator(BASELINE_SCHEMA).iter_errors(data))
    if problem is not None:
        where = "/".join(str(p) for p in problem.absolute_path) or "top level"
        raise BaselineError(f"{shown}: not a factrules baseline ({where}: {problem.message})")
    # format 1 stored paths relative to the directory it was made in, assumed to be this one
    root = Path(path).resolve().parent if data["version"] >= 2 else Path.cwd()
    return Baseline(Path(path), root, {name: list(entries) for name, entries in data["files"].items()})


class BaselineFilter:
    """Drops the findings a baseline accounts for, across several calls (one per file, when output streams).

    Each recorded fingerprint accounts for as many findings as it was recorded times, once each; ``hidden``
    counts what was dropped and ``remaining`` what no finding used (stale, where the file was checked).
    """

    def __init__(self, baseline: Baseline) -> None:
        self.baseline = baseline
        self.remaining = baseline.files
        self.hidden = 0

    def new(self, findings: list[Finding]) -> list[Finding]:
        """The findings the baseline does not account for, in their original order."""
        kept = []
        for finding in findings:
            accepted = self.remaining.get(self.baseline.key(finding.path))
            if accepted is not None and finding.fingerprint and accepted[finding.fingerprint] > 0:
                accepted[finding.fingerprint] -= 1
                self.hidden += 1
                continue
            kept.append(finding)
        return kept

    def summary(self, checked: list[str]) -> dict[str, Any]:
        """``{"file", "hidden", "stale"}`` for the report's summary, once every file went through ``new``."""
        return {"file": str(self.baseline.path), "hidden": self.hidden,
                "stale": self.baseline.stale(self.remaining, checked)}


def new_findings(findings: list[Finding], baseline: Baseline) -> list[Finding]:
    """The findings the baseline does not account for, in their original order."""
    return BaselineFilter(baseline).new(findings)


def updated_entries(baseline: Baseline, findings: list[Finding], checked: list[str], *,
                    add: bool) -> tuple[dict[str, list[dict[str, Any]]], int, int]:
    """The entries after re-checking ``checked``, and how many were added and removed.

    Files the run checked get the current findings' entries (``add``, for ``update``) or keep only their
    entries a current finding still matches (``prune``); files outside the run are kept while they exist.
    """
    current = entries_by_file(findings, baseline.root)
    result: dict[str, list[dict[str, Any]]] = {}
    added = removed = 0
    for key, entries in baseline.entries.items():
        if baseline.in_scope(key, checked):
            if add:
                continue  # replaced below
            left = Counter(e["fingerprint"] for e in current.get(key, []))
            kept = []
            for entry in entries:
                if left[entry["fingerprint"]] > 0:
                    left[entry["fingerprint"]] -= 1
                    kept.append(entry)
            removed += len(entries) - len(kept)
            if kept:
                result[key] = kept
        elif (baseline.root / key).exists():
            result[key] = entries
        else:
            removed += len(entries)
    if add:
        for key, entries in current.items():
            before = Counter(e["fingerprint"] for e in baseline.entries.get(key, []))
            now = Counter(e["fingerprint"] for e in entries)
            added += sum((now - before).values())
            removed += sum((before - now).values())
            result[key] = entries
        for key, entries in baseline.entries.items():
            if key not in current and baseline.in_scope(key, checked):
                removed += len(entries)
    return result, added, removed


def rewrite_baseline(baseline: Baseline, entries: dict[str, list[dict[str, Any]]]) -> None:
    """Write ``entries`` back to the baseline's file, atomically, as format 2 (paths relative to the file)."""
    target_root = baseline.path.resolve().parent
    if target_root != baseline.root:  # a format-1 file: re-key relative to the file
        entries = {normalise_path(str(baseline.root / key), target_root): value for key, value in entries.items()}
    _write(baseline_document(entries), baseline.path)
