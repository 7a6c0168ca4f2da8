"""``factrules baseline create PATH... -o FILE``: record today's findings (the baseline is ``factrules.baseline``)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import IO

from factrules.api import FATAL_ERROR_KINDS, check_paths
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


def run_create(args: argparse.Namespace, stdout: IO[str]) -> int:
    """Check PATH... and write every finding's fingerprint; input errors leave no baseline behind (exit 2)."""
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
    from factrules.baseline import write_baseline  # here: it brings jsonschema, which other commands skip

    data = write_baseline(report.findings, Path(args.output))
    count = sum(len(entries) for entries in data["files"].values())
    print(f"Wrote {count} finding{'s' if count != 1 else ''} in {len(data['files'])} file"
          f"{'s' if len(data['files']) != 1 else ''} to {args.output}.", file=stdout)
    return 0
