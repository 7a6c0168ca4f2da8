"""``factrules check PATH...``: check drafts and write the report in the chosen format."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import IO, Any

from factrules.api import check_paths
from factrules.baseline import BaselineFilter, load_baseline
from factrules.cli.options import add_rule_options, rule_kwargs
from factrules.errors import UsageError
from factrules.fixes import plan_fixes, write_fix
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
    check.add_argument("--fix", action="store_true",
                       help="apply the suggestions of findings that have one (e.g. a consistent spelling), "
                       "writing each file atomically; the report then shows what is left")
    check.add_argument("--dry-run", action="store_true",
                       help="with --fix: print the changes as a unified diff and write nothing")
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
    baseline = load_baseline(args.baseline) if args.baseline else None
    if args.dry_run and not args.fix:
        raise UsageError("--dry-run goes with --fix")
    if args.fix:
        if "-" in args.paths:
            raise UsageError("--fix rewrites files: it cannot fix standard input")
        done = run_fixes(args, baseline, stdout)
        if done is not None:
            return done
    if getattr(formatter, "stream", None) is not None:
        return _check_streaming(args, formatter.stream, baseline, stdout)
    report = check_paths(
        **_inputs(args),
        keep_sources=args.format == "text" or getattr(formatter, "needs_sources", False),
        **rule_kwargs(args),
    )
    accepted = BaselineFilter(baseline) if baseline is not None else None
    if accepted is not None:
        report.findings = accepted.new(report.findings)
    data = report.to_dict()
    if accepted is not None:
        data["summary"]["baseline"] = accepted.summary(args.paths)
    extra: dict[str, Any] = {"errors_stream": sys.stderr}  # text: errors on stderr, as the README says
    if getattr(formatter, "needs_rules", False):  # e.g. SARIF describes every rule of the run
        from factrules.formatters.catalog import rule_catalog

        extra["rules"] = rule_catalog(args.paths, date=args.date, **rule_kwargs(args))
    if args.output:
        with write_atomically(Path(args.output)) as handle:
            formatter(data, handle, color=False, sources=report.sources, **extra)
    else:
        formatter(data, stdout, color=use_color(stdout), sources=report.sources, **extra)
    if args.format != "text":
        print_input_errors(report.errors)
    if accepted is not None:
        print_baseline_summary(data["summary"]["baseline"])
    return report.exit_code


def run_fixes(args: argparse.Namespace, baseline: Any, stdout: IO[str]) -> int | None:
    """Apply (or, with ``--dry-run``, show) the suggestions; ``None`` lets the check run and report what is left.

    Only findings the report would show are fixed: those a baseline accepts are left as they are.
    """
    report = check_paths(args.paths, args.date, fail_on="never", format=args.input_format, keep_sources=True,
                         exclude=(args.output or "", args.baseline or ""), **rule_kwargs(args))
    findings = BaselineFilter(baseline).new(report.findings) if baseline is not None else report.findings
    plans, notes = plan_fixes(findings, report.sources)
    for note in notes:
        print(f"factrules: {note}", file=sys.stderr)
    fixed = sum(plan.fixed for plan in plans)
    if args.dry_run:
        for plan in plans:
            stdout.write(plan.diff())
        print(f"factrules: --fix would fix {fixed} finding{'s' if fixed != 1 else ''} in {len(plans)} "
              f"file{'s' if len(plans) != 1 else ''} (dry run: nothing written)", file=sys.stderr)
        return 1 if plans else 0
    for plan in plans:
        write_fix(plan)
    print(f"factrules: fixed {fixed} finding{'s' if fixed != 1 else ''} in {len(plans)} "
          f"file{'s' if len(plans) != 1 else ''}", file=sys.stderr)
    return None


def print_baseline_summary(summary: dict[str, Any]) -> None:
    """One line on stderr: what the baseline hid and how many of its entries are stale.

    A baseline that matches nothing (made elsewhere, or for other files) or that keeps accepting findings
    fixed long ago would otherwise pass silently.
    """
    hidden, stale = summary["hidden"], summary["stale"]
    line = f"factrules: baseline {summary['file']}: {hidden} known finding{'s' if hidden != 1 else ''} hidden"
    if stale:
        line += (f"; {stale} stale entr{'ies' if stale != 1 else 'y'} (their finding is gone: "
                 f"`factrules baseline prune --baseline {summary['file']} PATH...` drops them)")
    print(line, file=sys.stderr)


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
    accepted = BaselineFilter(baseline) if baseline is not None else None
    keep = accepted.new if accepted is not None else None

    def run_into(handle: IO[str]) -> Any:
        def on_findings(findings: list[Any]) -> list[Any]:
            written = keep(findings) if keep is not None else findings
            if written:
                write((finding.to_dict() for finding in written), handle)
                handle.flush()  # a pipe (``| jq``) sees each file's lines now, not when a buffer fills
            return written

        return check_paths(
            **_inputs(args),
            on_findings=on_findings,
            **rule_kwargs(args),
        )

    if args.output:
        with write_atomically(Path(args.output)) as handle:
            report = run_into(handle)
    else:
        report = run_into(stdout)
    print_input_errors(report.errors)
    if accepted is not None:
        print_baseline_summary(accepted.summary(args.paths))
    return report.exit_code


def _inputs(args: argparse.Namespace) -> dict[str, Any]:
    """What to read and how, the same for a whole report and for a streamed one."""
    return {"paths": args.paths, "date": args.date, "fail_on": args.fail_on, "format": args.input_format,
            "stdin": sys.stdin.buffer if "-" in args.paths else None,
            "exclude": (args.output or "", args.baseline or "")}
