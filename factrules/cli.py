"""The ``factrules`` command line (``python -m factrules`` too).

Every user error ends as one line on stderr and exit status 2, never a
traceback: argparse's own errors included.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import IO, Any

from factrules import __version__
from factrules.errors import FactrulesError, UsageError
from factrules.packs import PackError

FAIL_ON = ("info", "warning", "error", "never")


class _Parser(argparse.ArgumentParser):
    """argparse that raises instead of printing usage and exiting, so errors stay one line."""

    def error(self, message: str) -> None:  # type: ignore[override]
        raise UsageError(f"{message} (see `{self.prog} --help`)")


def _split(values: list[str] | None) -> list[str]:
    return [part.strip() for value in values or [] for part in value.split(",") if part.strip()]


def use_color(stream: IO[str]) -> bool:
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="factrules", description="A fact-check linter for news drafts.")
    parser.add_argument("--version", action="version", version=f"factrules {__version__}")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    check = commands.add_parser("check", help="check drafts (files, directories, or - for stdin)")
    check.add_argument("paths", nargs="+", metavar="PATH")
    _add_rule_options(check)
    check.add_argument("--format", default="text", help="output format: text, json, ... (see --help of plugins)")
    check.add_argument("--fail-on", choices=FAIL_ON, default=None,
                       help="exit 1 when a finding is at or above this severity (default: warning)")
    check.add_argument("--input-format", dest="input_format", default=None,
                       help="reader to use for every input (text, markdown, html, ...), e.g. for stdin")
    check.add_argument("--output", "-o", default=None, help="write the report to this file instead of stdout")
    check.add_argument("--baseline", default=None, metavar="FILE",
                       help="report only findings not in this baseline (see `factrules baseline create`)")

    rules = commands.add_parser("rules", help="list, explain, test, validate and create rule packs")
    rules_commands = rules.add_subparsers(dest="rules_command", metavar="SUBCOMMAND", parser_class=_Parser)
    listing = rules_commands.add_parser("list", help="list every loaded rule")
    _add_rule_options(listing, date=False)
    explain = rules_commands.add_parser("explain", help="explain one rule")
    explain.add_argument("rule_id", metavar="ID")
    _add_rule_options(explain, date=False)
    test = rules_commands.add_parser("test", help="run every pack's match/no_match examples")
    test.add_argument("paths", nargs="*", metavar="PATH")
    _add_rule_options(test, date=False)
    validate = rules_commands.add_parser("validate", help="validate pack files against the schema")
    validate.add_argument("paths", nargs="+", metavar="PATH")
    _add_rule_options(validate, date=False)
    new = rules_commands.add_parser("new", help="write a pack skeleton NAME.yaml that passes `rules test`")
    new.add_argument("name", metavar="NAME")
    new.add_argument("--dir", default=".", help="directory to write it in (default: current)")

    evaluate = commands.add_parser("eval", help="score the engine on a gold JSONL file")
    evaluate.add_argument("gold", metavar="GOLD.jsonl")
    evaluate.add_argument("--errors", type=int, default=0, metavar="N", help="list up to N misses and false alarms")
    evaluate.add_argument("--by-rule", action="store_true",
                          help="true and false positives per rule (which rule is noisy, which carries a category)")
    _add_rule_options(evaluate, date=False)

    from factrules.commands import register_extra_commands

    register_extra_commands(commands)
    return parser


def _add_rule_options(parser: argparse.ArgumentParser, *, date: bool = True) -> None:
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


def rule_kwargs(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "rules": args.rules,
        "select": _split(args.select) if args.select is not None else None,
        "ignore": _split(args.ignore),
        "enable": _split(args.enable),
        "config": args.config,
        "plugins": args.plugin,
    }


def cmd_check(args: argparse.Namespace, stdout: IO[str]) -> int:
    from factrules.api import check_paths
    from factrules.plugins import registry

    formatters = registry(tuple(args.plugin)).formatters
    if args.format not in formatters:
        raise UsageError(f"unknown format '{args.format}' (known: {', '.join(sorted(formatters))})")
    formatter = formatters[args.format]
    from factrules.baseline import load_baseline, new_findings

    baseline = load_baseline(args.baseline) if args.baseline else None
    if getattr(formatter, "stream", None) is not None:
        return _check_streaming(args, formatter.stream, baseline, stdout)
    report = check_paths(
        args.paths,
        args.date,
        fail_on=args.fail_on,
        format=args.input_format,
        stdin=sys.stdin.buffer if "-" in args.paths else None,
        keep_sources=args.format == "text" or getattr(formatter, "needs_sources", False),
        **rule_kwargs(args),
    )
    if baseline is not None:
        report.findings = new_findings(report.findings, baseline)
    extra: dict[str, Any] = {}
    if getattr(formatter, "needs_rules", False):  # e.g. SARIF describes every rule of the run
        from factrules.formatters.catalog import rule_catalog

        extra["rules"] = rule_catalog(args.paths, date=args.date, **rule_kwargs(args))
    if args.output:
        from factrules.output import write_atomically

        with write_atomically(Path(args.output)) as handle:
            formatter(report.to_dict(), handle, color=False, sources=report.sources, **extra)
    else:
        formatter(report.to_dict(), stdout, color=use_color(stdout), sources=report.sources, **extra)
    if args.format != "text":
        for error in report.errors:
            if error.get("kind") != "empty-file":
                print(f"factrules: {error['message']}", file=sys.stderr)
    return report.exit_code


def _check_streaming(args: argparse.Namespace, write: Any, baseline: Any, stdout: IO[str]) -> int:
    """``check`` for a line format: each file's findings are written as soon as it is checked, then dropped.

    With ``--output`` the lines go to a temporary file renamed into place at the end, so a run that fails
    (a broken pack in a subdirectory's config, an interrupt) leaves no half-written report behind.
    """
    from factrules.api import check_paths
    from factrules.baseline import BaselineFilter

    keep = BaselineFilter(baseline).new if baseline is not None else None

    def run(handle: IO[str]) -> Any:
        def on_findings(findings: list[Any]) -> list[Any]:
            written = keep(findings) if keep is not None else findings
            if written:
                write((finding.to_dict() for finding in written), handle)
                handle.flush()  # a pipe (``| jq``) sees each file's lines now, not when a buffer fills
            return written

        return check_paths(
            args.paths,
            args.date,
            fail_on=args.fail_on,
            format=args.input_format,
            stdin=sys.stdin.buffer if "-" in args.paths else None,
            on_findings=on_findings,
            **rule_kwargs(args),
        )

    if args.output:
        from factrules.output import write_atomically

        with write_atomically(Path(args.output)) as handle:
            report = run(handle)
    else:
        report = run(stdout)
    for error in report.errors:
        if error.get("kind") != "empty-file":
            print(f"factrules: {error['message']}", file=sys.stderr)
    return report.exit_code


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point; returns the exit status (0 clean, 1 findings, 2 errors)."""
    stdout = sys.stdout
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:
            parser.print_help(stdout)
            return 2
        if args.command == "check":
            return cmd_check(args, stdout)
        if args.command == "rules":
            from factrules.rulecmds import run_rules_command

            if args.rules_command is None:
                raise UsageError("factrules rules: choose list, explain, test, validate or new")
            return run_rules_command(args, stdout)
        if args.command == "eval":
            from factrules.api import Options
            from factrules.config import Config
            from factrules.evaluate import evaluate, format_evaluation, read_gold

            kwargs = rule_kwargs(args)
            options = Options(rules=tuple(kwargs["rules"]), select=tuple(kwargs["select"]) if kwargs["select"]
                              else None, ignore=tuple(kwargs["ignore"]), enable=tuple(kwargs["enable"]),
                              plugins=tuple(kwargs["plugins"]), config=kwargs["config"])
            # Scores must not depend on the directory eval runs in: only an explicit --config applies.
            from factrules.api import resolve_config

            config = resolve_config(options, Path.cwd()) if options.config else Config()
            result = evaluate(read_gold(Path(args.gold)), options, config)
            print(format_evaluation(result, args.errors, args.by_rule), file=stdout)
            return 0
        return args.handler(args, stdout)
    except (FactrulesError, PackError) as error:
        print(f"factrules: error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("factrules: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
