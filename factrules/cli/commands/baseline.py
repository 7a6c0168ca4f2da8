"""``factrules baseline create | update | prune``: record today's findings, re-record them, drop stale entries.

The baseline itself is ``factrules.baseline``; this module parses and prints.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import IO

from factrules.api import FATAL_ERROR_KINDS, Report, check_paths
from factrules.baseline import load_baseline, rewrite_baseline, updated_entries, write_baseline
from factrules.cli.options import add_rule_options, rule_kwargs
from factrules.cli.parser import choose_subcommand
from factrules.hookspecs import hookimpl


@hookimpl
def factrules_add_commands(commands: argparse._SubParsersAction) -> None:
    baseline = commands.add_parser("baseline", help="accept today's findings so `check --baseline` shows new ones")
    choose_subcommand(baseline, "create")
    sub = baseline.add_subparsers(dest="baseline_command", metavar="SUBCOMMAND", parser_class=type(baseline))
    create = sub.add_parser("create", help="record the findings in PATH... to a baseline file")
    create.add_argument("paths", nargs="+", metavar="PATH")
    create.add_argument("--output", "-o", required=True, metavar="FILE", help="baseline file to write (JSON)")
    create.add_argument("--input-format", dest="input_format", default=None,
                        help="reader to use for every input (text, markdown, html, ...)")
    add_rule_options(create)
    create.set_defaults(handler=run_create)
    for name, helptext in (
        ("update", "re-record PATH...: accept their new findings and drop entries whose finding is gone"),
        ("prune", "drop only the entries whose finding is gone from PATH... (or whose file is gone)"),
    ):
        command = sub.add_parser(name, help=helptext)
        command.add_argument("paths", nargs="+", metavar="PATH")
        command.add_argument("--baseline", "-b", required=True, metavar="FILE", help="the baseline file to rewrite")
        command.add_argument("--input-format", dest="input_format", default=None,
                             help="reader to use for every input (text, markdown, html, ...)")
        add_rule_options(command)
        command.set_defaults(handler=run_update if name == "update" else run_prune)


def _check(args: argparse.Namespace) -> Report | None:
    """Check PATH... for a baseline; ``None`` (after one line per error) when an input error makes it unusable."""
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
        return None
    return report


def run_create(args: argparse.Namespace, stdout: IO[str]) -> int:
    """Check PATH... and write every finding's fingerprint; input errors leave no baseline behind (exit 2)."""
    report = _check(args)
    if report is None:
        return 2
    data = write_baseline(report.findings, Path(args.output))
    count = sum(len(entries) for entries in data["files"].values())
    print(f"Wrote {count} finding{'s' if count != 1 else ''} in {len(data['files'])} file"
          f"{'s' if len(data['files']) != 1 else ''} to {args.output}.", file=stdout)
    return 0


def _rewrite(args: argparse.Namespace, stdout: IO[str], *, add: bool) -> int:
    baseline = load_baseline(args.baseline)
    report = _check(args)
    if report is None:
        return 2
    entries, added, removed = updated_entries(baseline, report.findings, args.paths, add=add)
    rewrite_baseline(baseline, entries)
    kept = sum(len(e) for e in entries.values())
    plural = "ies" if removed != 1 else "y"
    done = f"{added} added, {removed} removed" if add else f"{removed} stale entr{plural} removed"
    print(f"Updated {args.baseline}: {done}, {kept} entr{'ies' if kept != 1 else 'y'} in {len(entries)} file"
          f"{'s' if len(entries) != 1 else ''}.", file=stdout)
    return 0


def run_update(args: argparse.Namespace, stdout: IO[str]) -> int:
    """Re-record the checked files' findings in the baseline; other files' entries stay while the file exists."""
    return _rewrite(args, stdout, add=True)


def run_prune(args: argparse.Namespace, stdout: IO[str]) -> int:
    """Drop the entries no current finding of the checked files matches, and those of files that are gone."""
    return _rewrite(args, stdout, add=False)
