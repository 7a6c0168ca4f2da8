"""How much faster `factrules scan --jobs N` is than `--jobs 1`, and whether memory stays flat.

Usage:
    python bench/scan_speedup.py [CORPUS.jsonl] [--generate MB] [--jobs 2]

Without a corpus, writes a JSONL corpus of news-like documents (bench/corpus.py)
to a temporary directory.  Runs `factrules scan` as a subprocess with --jobs 1
and --jobs N on the same corpus and prints wall times, the speed-up, documents/s,
and the peak RSS of the scanning processes; then the same for a corpus twice the
size, to show memory does not grow with the corpus.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402


def write_jsonl(path: Path, documents: list[str], copies: int = 1) -> int:
    count = 0
    with open(path, "w", encoding="utf-8") as handle:
        for copy in range(copies):
            for index, text in enumerate(documents):
                handle.write(json.dumps({"id": f"{copy}-{index}", "text": text, "date": "2018-02-16"}) + "\n")
                count += 1
    return count


_MEASURE = (
    "import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL); "
    "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)"
)


def timed_scan(corpus_path: Path, jobs: int, out: Path) -> tuple[float, float]:
    """Wall seconds and the peak RSS (MB) of the largest process of this one scan.

    A wrapper process runs the scan so that its RUSAGE_CHILDREN covers exactly this scan
    (the scan process and its workers), not the maximum over earlier runs.
    """
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-c", _MEASURE, sys.executable, "-m", "factrules", "scan", str(corpus_path),
         "--out", str(out), "--overwrite", "--jobs", str(jobs), "--no-progress"],
        check=True, capture_output=True, text=True)
    seconds = time.perf_counter() - start
    return seconds, int(done.stdout.strip().splitlines()[-1]) / 1024


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", nargs="?")
    parser.add_argument("--generate", type=float, default=4.0, metavar="MB")
    parser.add_argument("--jobs", type=int, default=os.cpu_count() or 2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch)
        if args.corpus:
            corpus_path = Path(args.corpus)
            documents = sum(1 for line in open(corpus_path, encoding="utf-8") if line.strip())
        else:
            corpus_path = folder / "corpus.jsonl"
            documents = write_jsonl(corpus_path, corpus.generate(args.generate, document_kb=3))
        size = corpus_path.stat().st_size / 1e6
        print(f"corpus: {corpus_path.name}, {documents} documents, {size:.1f} MB; {os.cpu_count()} cores")
        one, one_rss = timed_scan(corpus_path, 1, folder / "one.jsonl")
        many, many_rss = timed_scan(corpus_path, args.jobs, folder / "many.jsonl")
        print(f"--jobs 1: {one:.1f} s ({documents / one:.0f} docs/s, {size / one:.2f} MB/s)")
        print(f"--jobs {args.jobs}: {many:.1f} s ({documents / many:.0f} docs/s, {size / many:.2f} MB/s)")
        print(f"speed-up: {one / many:.2f}x")
        print(f"peak RSS of one scanning process: {max(one_rss, many_rss):.0f} MB")
        if not args.corpus:
            double = folder / "double.jsonl"
            write_jsonl(double, corpus.generate(args.generate, document_kb=3), copies=2)
            seconds, rss = timed_scan(double, args.jobs, folder / "double-out.jsonl")
            print(f"twice the corpus, --jobs {args.jobs}: {seconds:.1f} s, peak RSS {rss:.0f} MB "
                  f"(flat memory: close to the figure above)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
