"""``factrules quotes PATH...``: the unattributed quotations of drafts, one line each.

A subcommand added through the ``factrules_add_commands`` hook. It takes
the same rule options as ``check`` (``factrules.cli.options``) and runs
only this plugin's rule, so a desk can list the quotations to attribute
without the rest of the report.
"""

from __future__ import annotations

import argparse
import sys
from typing import IO

from factrules.api import check_paths
from factrules.cli.options import add_rule_options, options_from_args

RULE = "attribution.unattributed-quote"


def add_quotes_command(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("quotes", help="list the quotations no one is credited with (factrules-example)")
    parser.add_argument("paths", nargs="+", metavar="PATH")
    add_rule_options(parser)
    parser.set_defaults(handler=run_quotes)


def run_quotes(args: argparse.Namespace, stdout: IO[str]) -> int:
    """Print ``PATH:LINE:COLUMN: "quotation"`` for each, then a count; exit 1 when there is any, as ``check``."""
    options = options_from_args(args, date=args.date)
    report = check_paths(args.paths, options.date, rules=options.rules, select=[RULE], config=options.config,
                         plugins=options.plugins, fail_on="info")
    for error in report.errors:
        if error.get("kind") != "empty-file":
            print(f"factrules: {error['message']}", file=sys.stderr)
    quotes = [f for f in report.findings if f.rule == RULE]
    for finding in quotes:
        print(f"{finding.path}:{finding.line}:{finding.column}: {finding.text}", file=stdout)
    files = len({finding.path for finding in quotes})
    print(f"{len(quotes)} unattributed quotation{'s' if len(quotes) != 1 else ''} in {files} "
          f"file{'s' if files != 1 else ''}", file=stdout)
    return report.exit_code
