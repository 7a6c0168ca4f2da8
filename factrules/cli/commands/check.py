"""``factrules check PATH...``: check drafts and write the report in the chosen format."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import IO, Any

from factrules.api import check_paths
from factrules.cli.options import add_rule_options, rule_kwargs
from factrules.errors import UsageError
from factrules.hookspecs import hookimpl
from factrules.output import write_atomically
from factrules.plugins import registry

FAIL_ON = ("info", "warning", "error", "never")


@hookimpl
def factrules_add_commands(commands: argparse._SubParsersAction) -> None:
    check = commands.add_parser("check", help="check drafts (files, directories, or - for stdin)")
    check.add_argument("paths", nargs="+", metavar="PATH")
    add_rule_options(check)
    check.add_argument("--format", default="text", help="output format: text, json, ... (see --help of plugins)")
    check.add_argument("--fail-on", choices=FAIL_ON, default=None,
                       help="exit 1 when a finding is at or above this severity (default: warning)")
    check.add_argument("--input-format", dest="input_format", default=None,
                       help="reader to use for every input (text, markdown, html, ...), e.g. for stdin")
    check.add_argument("--output", "-o", default=None, help="write the report to this file instead of stdout")
    check.add_argument("--baseline", default=None, metavar="FILE",
                       help="report only findings not in this baseline (see `factrules baseline create`)")
    check.set_defaults(handler=run)


def use_color(stream: IO[str]) -> bool:
    """Colour on a terminal; ``NO_COLOR`` turns it off and ``FORCE_COLOR`` on, whatever the stream."""
    if os.environ.get("NO_COLOR"):
        return False
    if os.environ.get("FORCE_COLOR"):
        return True
    return hasattr(stream, "isatty") and stream.isatty()


def run(args: argparse.Namespace, stdout: IO[str]) -> int:
    formatters = registry(tuple(args.plugin)).formatters
    if args.format not in formatters:
        raise UsageError(f"unknown format '{args.format}' (known: {', '.join(sorted(formatters))})")
    formatter = formatters[args.format]
    baseline = None
    if args.baseline:  # imported here: the baseline module brings jsonschema, which a plain check never needs
        from factrules.baseline import load_baseline

        baseline = load_baseline(args.baseline)
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
        from factrules.baseline import new_findings

        report.findings = new_findings(report.findings, baseline)
    extra: dict[str, Any] = {}
    if getattr(formatter, "needs_rules", False):  # e.g. SARIF describes every rule of the run
        from factrules.formatters.catalog import rule_catalog

        extra["rules"] = rule_catalog(args.paths, date=args.date, **rule_kwargs(args))
    if args.output:
        with write_atomically(Path(args.output)) as handle:
            formatter(report.to_dict(), handle, color=False, sources=report.sources, **extra)
    else:
        formatter(report.to_dict(), stdout, color=use_color(stdout), sources=report.sources, **extra)
    if args.format != "text":
        print_input_errors(report.errors)
    return report.exit_code


def print_input_errors(errors: list[dict[str, Any]]) -> None:
    """Each error of the report but empty files, one line on stderr (formats other than text omit them)."""
    for error in errors:
        if error.get("kind") != "empty-file":
            print(f"factrules: {error['message']}", file=sys.stderr)


def _check_streaming(args: argparse.Namespace, write: Any, baseline: Any, stdout: IO[str]) -> int:
    """``check`` for a line format: each file's findings are written as soon as it is checked, then dropped.

    With ``--output`` the lines go to a temporary file renamed into place at the end, so a run that fails
    (a broken pack in a subdirectory's config, an interrupt) leaves no half-written report behind.
    """
    from factrules.baseline import BaselineFilter

    keep = BaselineFilter(baseline).new if baseline is not None else None

    def run_into(handle: IO[str]) -> Any:
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
        with write_atomically(Path(args.output)) as handle:
            report = run_into(handle)
    else:
        report = run_into(stdout)
    print_input_errors(report.errors)
    return report.exit_code
