"""``factrules rules list | explain | test | validate | new``: the rule-pack author's commands.

The work is ``factrules.authoring``'s (the language server uses it too); this module parses and prints.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import IO

from factrules.api import Options, build_engine, resolve_config
from factrules.authoring import (
    RULE_HEADER,
    explain_text,
    find_rule,
    rule_line,
    rules_document,
    test_packs,
    write_pack_skeleton,
)
from factrules.cli.options import add_rule_options, options_from_args
from factrules.cli.parser import choose_subcommand
from factrules.engine import Settings, is_selected
from factrules.errors import PackError, PackErrors
from factrules.hookspecs import hookimpl
from factrules.packs import Pack, Rule, load_pack, load_packs, pack_files
from factrules.plugins import registry
from factrules.selectors import require_known
from factrules.templates import template_problems


@hookimpl
def factrules_add_commands(commands: argparse._SubParsersAction) -> None:
    rules = commands.add_parser("rules", help="list, explain, test, validate and create rule packs")
    choose_subcommand(rules, "list, explain, test, validate or new")
    sub = rules.add_subparsers(dest="rules_command", metavar="SUBCOMMAND", parser_class=type(rules))
    listing = sub.add_parser("list", help="list every loaded rule")
    listing.add_argument("--format", choices=("text", "json"), default="text",
                         help="text (a table with a header line) or json ({\"packs\": [...], \"rules\": [...]})")
    add_rule_options(listing, date=False)
    listing.set_defaults(handler=run_list)
    explain = sub.add_parser("explain", help="explain one rule")
    explain.add_argument("rule_id", metavar="ID")
    add_rule_options(explain, date=False)
    explain.set_defaults(handler=run_explain)
    test = sub.add_parser("test", help="run every pack's match/no_match examples",
                          description="Run the match/no_match examples of every loaded pack, or of the packs in "
                          "PATH... With --select, --ignore or --enable, only the rules a `check` with those "
                          "options would run have their examples run.")
    test.add_argument("paths", nargs="*", metavar="PATH")
    add_rule_options(test, date=False)
    test.set_defaults(handler=run_test)
    validate = sub.add_parser("validate", help="validate pack files against the schema")
    validate.add_argument("paths", nargs="+", metavar="PATH")
    add_rule_options(validate, date=False)
    validate.set_defaults(handler=run_validate)
    new = sub.add_parser("new", help="write a pack skeleton NAME.yaml that passes `rules test`")
    new.add_argument("name", metavar="NAME")
    new.add_argument("--dir", default=".", help="directory to write it in (default: current)")
    new.set_defaults(handler=run_new)


def _pack_options(args: argparse.Namespace) -> Options:
    """The run's packs and plugins without its selection: listing and explaining show every loaded rule."""
    options = options_from_args(args)
    return Options(rules=options.rules, config=options.config, plugins=options.plugins)


def _all_packs(args: argparse.Namespace) -> list[Pack]:
    options = _pack_options(args)
    return build_engine(options, resolve_config(options, Path.cwd())).packs


def run_list(args: argparse.Namespace, stdout: IO[str]) -> int:
    packs = _all_packs(args)
    if args.format == "json":
        json.dump(rules_document(packs), stdout, ensure_ascii=False, indent=2)
        stdout.write("\n")
        return 0
    print(RULE_HEADER, file=stdout)
    for pack in packs:
        for rule in pack.rules:
            print(rule_line(rule), file=stdout)
    return 0


def run_explain(args: argparse.Namespace, stdout: IO[str]) -> int:
    print(explain_text(find_rule(_all_packs(args), args.rule_id)), file=stdout)
    return 0


def run_validate(args: argparse.Namespace, stdout: IO[str]) -> int:
    """Validate each file on its own, going on past a bad one: every problem of every file, then exit 2."""
    plugins = registry(tuple(args.plugin))
    bad = 0
    files = 0
    for given in args.paths:
        try:
            paths = pack_files(Path(given))
        except PackError as error:
            bad += 1
            print(f"factrules: error: {error}", file=sys.stderr)
            continue
        for path in paths:
            files += 1
            try:
                pack = load_pack(path, plugins.matchers)
                problems = template_problems(pack, plugins)
                if problems:
                    raise PackErrors.of(problems)
            except PackError as error:
                bad += 1
                for line in str(error).splitlines():
                    print(f"factrules: error: {line}", file=sys.stderr)
                continue
            print(f"{pack.path}: ok (pack '{pack.name}', {len(pack.rules)} rules)", file=stdout)
    if bad:
        if files > 1:  # which of several: one file's problems need no total
            print(f"factrules: error: rules validate: {bad} of {files} pack files invalid", file=sys.stderr)
        return 2
    return 0


def _selection(options: Options) -> Settings | None:
    """The selection ``--select/--ignore/--enable`` make, as a check would apply it; ``None``: every rule."""
    if options.select is None and not options.ignore and not options.enable:
        return None
    return Settings(select=options.select, ignore=options.ignore, enable=options.enable)


def run_test(args: argparse.Namespace, stdout: IO[str]) -> int:
    options = _pack_options(args)
    selection = _selection(options_from_args(args))
    plugins = registry(options.plugins)
    context = _all_packs(args)
    if args.paths:
        packs = load_packs([Path(p) for p in args.paths], plugins.matchers)
        context = [p for p in context if p.name not in {q.name for q in packs}]
    else:
        packs = context

    if selection is not None:  # a typo'd --select would test nothing and pass
        known = [rule for pack in [*packs, *context] for rule in pack.rules]
        for name in ("select", "ignore", "enable"):
            require_known(getattr(selection, name) or (), known, f"--{name}", name)

    def wanted(rule: Rule) -> bool:
        return selection is None or is_selected(rule, selection)

    count, failures = test_packs(packs, context, options, wanted)
    for failure in failures:
        print(failure, file=stdout)
    tested = [[rule for rule in pack.rules if wanted(rule)] for pack in packs]
    rules = sum(len(pack_rules) for pack_rules in tested)
    pack_count = len(packs) if selection is None else sum(1 for pack_rules in tested if pack_rules)
    status = "failed" if failures else "passed"
    print(f"rules test: {count} examples of {rules} rules in {pack_count} packs, "
          f"{len(failures)} failed: {status}", file=stdout)
    return 1 if failures else 0


def run_new(args: argparse.Namespace, stdout: IO[str]) -> int:
    path = write_pack_skeleton(args.name, Path(args.dir))
    print(f"wrote {path}: run `factrules rules test {path}`", file=stdout)
    return 0
