"""``factrules scan CORPUS --out FILE``: archive-scale checks (the scanning is ``factrules.scan``'s)."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import IO

from factrules.api import parse_date
from factrules.cli.options import add_rule_options, options_from_args
from factrules.errors import UsageError
from factrules.hookspecs import hookimpl


@hookimpl
def factrules_add_commands(commands: argparse._SubParsersAction) -> None:
    parser = commands.add_parser("scan", help="scan an archive: a directory, a JSONL corpus or a glob")
    parser.add_argument("corpus", metavar="CORPUS")
    parser.add_argument("--out", required=True, metavar="FILE", help="JSONL output, one record per document")
    parser.add_argument("--jobs", "-j", type=int, default=1, metavar="N", help="worker processes (default 1)")
    parser.add_argument("--engine", choices=("local", "dask"), default="local")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS", help="Dask scheduler, e.g. tcp://host:8786")
    parser.add_argument("--resume", action="store_true", help="skip documents already in --out")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing --out")
    parser.add_argument("--report", default=None, metavar="FILE.html", help="also write an HTML report")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar even on a terminal")
    parser.add_argument("--date", default=None, help="article date for documents that give none")
    add_rule_options(parser, date=False)
    parser.set_defaults(handler=run)


def run(args: argparse.Namespace, stdout: IO[str]) -> int:
    # imported here, not at the top: the scan machinery (multiprocessing, Dask hooks) is for this command only
    from factrules.scan import ScanOptions, check_output_path, run_dask, scan
    from factrules.scan.report_html import write_report

    options = options_from_args(args)  # --date is the documents' default date, not a date that overrides theirs
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if args.engine == "dask" and not args.scheduler:
        raise UsageError("--engine dask needs --scheduler ADDRESS")
    scan_options = ScanOptions(options, default_date=parse_date(args.date))
    runner = run_dask(args.scheduler) if args.engine == "dask" else None
    out = Path(args.out)
    if args.report:
        check_output_path(Path(args.report), "--report")
    result = scan(args.corpus, out, scan_options, jobs=args.jobs, runner=runner, resume=args.resume,
                  overwrite=args.overwrite, progress=sys.stderr.isatty() and not args.no_progress)
    print(f"scanned {result.documents} documents ({result.skipped} already done): "
          f"{result.findings} findings, {result.errors} errors -> {out}", file=stdout)
    if args.report:
        write_report(out, Path(args.report))
        print(f"report -> {args.report}", file=stdout)
    return 0
