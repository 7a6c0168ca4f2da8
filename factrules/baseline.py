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

import argparse
import json
import os
import sys
from collections import Counter
from pathlib import Path
from typing import IO, Any

import jsonschema

from factrules import __version__
from factrules.errors import FactrulesError
from factrules.findings import Finding

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


class BaselineError(FactrulesError):
    """A baseline file that is missing, unreadable or not a factrules baseline."""


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
    from factrules.output import write_atomically

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


def cmd_baseline_create(args: argparse.Namespace, stdout: IO[str]) -> int:
    """``factrules baseline create PATH... -o FILE``: record today's findings."""
    from factrules.api import FATAL_ERROR_KINDS, check_paths
    from factrules.cli import rule_kwargs

    report = check_paths(
        args.paths,
        args.date,
        fail_on="never",
        format=args.input_format,
        stdin=sys.stdin.buffer if "-" in args.paths else None,
        **rule_kwargs(args),
    )
    fatal = [e for e in report.errors if e.get("kind") in FATAL_ERROR_KINDS]
    for error in report.errors:
        if error.get("kind") != "empty-file":
            print(f"factrules: {error['message']}", file=sys.stderr)
    if fatal:
        print(f"factrules: error: baseline not written: {len(fatal)} input error(s)", file=sys.stderr)
        return 2
    data = write_baseline(report.findings, Path(args.output))
    count = sum(len(entries) for entries in data["files"].values())
    print(f"Wrote {count} finding{'s' if count != 1 else ''} in {len(data['files'])} file"
          f"{'s' if len(data['files']) != 1 else ''} to {args.output}.", file=stdout)
    return 0


def register(commands: argparse._SubParsersAction) -> None:
    """Add ``factrules baseline create`` to the command line."""
    from factrules.cli import _add_rule_options

    baseline = commands.add_parser("baseline", help="accept today's findings so `check --baseline` shows new ones")
    sub = baseline.add_subparsers(dest="baseline_command", metavar="SUBCOMMAND", parser_class=type(baseline))
    create = sub.add_parser("create", help="record the findings in PATH... to a baseline file")
    create.add_argument("paths", nargs="+", metavar="PATH")
    create.add_argument("--output", "-o", required=True, metavar="FILE", help="baseline file to write (JSON)")
    create.add_argument("--input-format", dest="input_format", default=None,
                        help="reader to use for every input (text, markdown, html, ...)")
    _add_rule_options(create)
    create.set_defaults(handler=cmd_baseline_create)

    def missing_subcommand(args: argparse.Namespace, stdout: IO[str]) -> int:
        from factrules.errors import UsageError

        raise UsageError("factrules baseline: choose create")

    baseline.set_defaults(handler=missing_subcommand)
