"""One huge draft through ``factrules check``: wall time, peak memory of the child, findings.

A desk may paste 50 MB of anything into one file. This writes generated news-like text
(``bench/corpus.py``, or the documents given as arguments, repeated up to the size) into one file
under a temporary directory, runs ``python -m factrules check FILE --format jsonl --output OUT`` as a
subprocess and prints what it cost. Peak RSS is the child's (``RUSAGE_CHILDREN`` after it exits), so
the harness's own memory does not count.

    python bench/big_input.py                       # 50 MB, generated
    python bench/big_input.py --megabytes 10 --format json
    python bench/big_input.py --input-format markdown ../shared/corpus/
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402  (bench/ is not a package)


def write_input(path: Path, megabytes: float, sources: list[str]) -> int:
    """Write about ``megabytes`` MB of documents separated by blank lines; return the byte count."""
    documents = corpus.read(sources) if sources else corpus.generate(megabytes)
    if not documents:
        raise SystemExit("no documents in the given paths")
    target, written, index = int(megabytes * 1_000_000), 0, 0
    with open(path, "w", encoding="utf-8", newline="") as handle:
        while written < target:
            chunk = documents[index % len(documents)] + "\n\n"
            handle.write(chunk)
            written += len(chunk.encode("utf-8"))
            index += 1
    return written


def count_findings(out: Path, output_format: str) -> tuple[int, int | None]:
    """Findings in the output file (and errors, when the format carries them)."""
    if output_format == "jsonl":
        with open(out, "rb") as handle:
            return sum(1 for line in handle if line.strip()), None
    with open(out, encoding="utf-8") as handle:
        report = json.load(handle)
    return len(report["findings"]), len(report["errors"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sources", nargs="*", help="text to repeat up to the size (default: generated news)")
    parser.add_argument("--megabytes", type=float, default=50.0)
    parser.add_argument("--format", default="jsonl", choices=["jsonl", "json"], help="output format of the check")
    parser.add_argument("--input-format", default=None, help="reader to use (text, markdown, html)")
    parser.add_argument("--date", default="2018-02-16")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory and print its path")
    args = parser.parse_args(argv)

    folder = Path(tempfile.mkdtemp(prefix="factrules-big-"))
    suffix = {"markdown": ".md", "html": ".html"}.get(args.input_format or "", ".txt")
    draft, out = folder / f"big{suffix}", folder / f"findings.{args.format}"
    size = write_input(draft, args.megabytes, args.sources)
    command = [sys.executable, "-m", "factrules", "check", str(draft), "--format", args.format,
               "--output", str(out), "--date", args.date, "--fail-on", "never"]
    if args.input_format:
        command += ["--input-format", args.input_format]
    began = time.perf_counter()
    completed = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    wall = time.perf_counter() - began
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    if completed.returncode != 0:
        print(completed.stderr[-2000:], file=sys.stderr)
        print(f"check exited with status {completed.returncode}", file=sys.stderr)
        return 1
    findings, errors = count_findings(out, args.format)
    print(f"command:        {' '.join(command[1:])}")
    print(f"input:          {size / 1e6:.1f} MB in one file ({args.input_format or 'text'})")
    print(f"wall time:      {wall:.1f} s  ({size / 1e6 / wall:.2f} MB/s)")
    print(f"CPU (child):    {usage.ru_utime + usage.ru_stime:.1f} s")
    print(f"peak RSS:       {usage.ru_maxrss / 1024:.0f} MB (child)")
    print(f"findings:       {findings}" + (f", errors: {errors}" if errors is not None else ""))
    print(f"output:         {out.stat().st_size / 1e6:.1f} MB")
    if args.keep:
        print(f"kept:           {folder}")
    else:
        for path in (draft, out):
            path.unlink()
        os.rmdir(folder)
    return 0


if __name__ == "__main__":
    sys.exit(main())
