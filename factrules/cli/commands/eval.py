"""``factrules eval GOLD.jsonl``: score the engine on a gold file (the scoring is ``factrules.evaluate``'s)."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import IO

from factrules.api import resolve_config
from factrules.cli.options import add_rule_options, options_from_args
from factrules.config import Config
from factrules.hookspecs import hookimpl


@hookimpl
def factrules_add_commands(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("eval", help="score the engine on a gold JSONL file")
    parser.add_argument("gold", metavar="GOLD.jsonl")
    parser.add_argument("--errors", type=int, default=0, metavar="N", help="list up to N misses and false alarms")
    parser.add_argument("--by-rule", action="store_true",
                        help="true and false positives per rule (which rule is noisy, which carries a category)")
    add_rule_options(parser, date=False)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, stdout: IO[str]) -> int:
    from factrules.evaluate import evaluate, format_evaluation, read_gold

    options = options_from_args(args)
    # Scores must not depend on the directory eval runs in: only an explicit --config applies.
    config = resolve_config(options, Path.cwd()) if options.config else Config()
    result = evaluate(read_gold(Path(args.gold)), options, config)
    print(format_evaluation(result, args.errors, args.by_rule), file=stdout)
    return 0
