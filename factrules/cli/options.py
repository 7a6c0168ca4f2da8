"""The options every checking subcommand shares, and how they become ``factrules.api.Options``.

Public for plugins that add a subcommand (``factrules_add_commands``): one
call to ``add_rule_options`` gives a command the same ``--rules``,
``--select``, ``--ignore``, ``--enable``, ``--config`` and ``--plugin`` as
``check``, and ``options_from_args`` reads them back.
"""

from __future__ import annotations

import argparse
import datetime as dt
from collections.abc import Sequence
from typing import Any

from factrules.api import Options


def add_rule_options(parser: argparse.ArgumentParser, *, date: bool = True) -> None:
    """Add the rule-selection options (and ``--date``, the article's date, unless ``date=False``)."""
    if date:
        parser.add_argument("--date", default=None, help="the article's date (YYYY-MM-DD) for relative dates")
    parser.add_argument("--rules", action="append", default=[], metavar="PATH", help="extra rule packs")
    parser.add_argument("--select", action="append", default=None, metavar="ID,...",
                        help="only these packs, rules, categories or globs")
    parser.add_argument("--ignore", action="append", default=[], metavar="ID,...", help="turn these off")
    parser.add_argument("--enable", action="append", default=[], metavar="ID,...",
                        help="turn on rules that are off by default")
    parser.add_argument("--config", default=None, metavar="FILE", help="config file (default: found upwards)")
    parser.add_argument("--plugin", action="append", default=[], metavar="MODULE", help="load a plugin module")


def split_values(values: Sequence[str] | None) -> list[str]:
    """``["a,b", "c"]`` -> ``["a", "b", "c"]``: the options may be repeated, comma-separated or both."""
    return [part.strip() for value in values or [] for part in value.split(",") if part.strip()]


def rule_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    """The options of ``add_rule_options`` as keyword arguments of ``check_paths`` and ``check_text``."""
    return {
        "rules": args.rules,
        "select": split_values(args.select) if args.select is not None else None,
        "ignore": split_values(args.ignore),
        "enable": split_values(args.enable),
        "config": args.config,
        "plugins": args.plugin,
    }


def options_from_args(args: argparse.Namespace, *, date: str | dt.date | None = None) -> Options:
    """The ``Options`` of the options ``add_rule_options`` added (``date``: the run's article date, if any)."""
    return Options.from_values(date, **rule_kwargs(args))


def plugins_named(argv: Sequence[str]) -> tuple[str, ...]:
    """The ``--plugin`` modules of a command line, read before it is parsed (they may add subcommands)."""
    names: list[str] = []
    tokens = iter(argv)
    for token in tokens:
        if token == "--":
            break
        if token == "--plugin":
            value = next(tokens, None)
            if value is not None:
                names.append(value)
        elif token.startswith("--plugin="):
            names.append(token.partition("=")[2])
    return tuple(names)
