"""Where a check's instructions go: the interpreter, or the C engines it calls (``regex``, ``re``, Aho–Corasick).

    python bench/instruction_share.py [PATH] [--first 300]

Runs the built-in rule set over the first ``--first`` documents of PATH
(default: the shared corpus of real wire copy) under valgrind's callgrind,
once with one pass over the documents and once with three, and prints the
difference (two passes, start-up and the first pass's warm-up removed)
grouped by where the instructions ran: the ``regex`` module's matcher, the
standard library's ``_sre``, pyahocorasick, the C library, and the
interpreter with its built-in types.  Instruction counts do not drift with
the host's load, as CPU time here does by up to 1.5x.

Why: a native rewrite can remove only the interpreter's share; the
engines' share stays whatever the rest costs.  Needs valgrind (not a
dependency); nothing is asserted.
"""

from __future__ import annotations

import argparse
import collections
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from throughput import DEFAULT_CORPUS  # noqa: E402

#: reads only the first documents (not ``corpus.read``'s whole corpus: parsing 18 MB of JSON would swamp the
#: instructions measured, and vary between the two runs by more than a few stories cost)
CHILD = """\
import json, sys
from pathlib import Path
from factrules.api import Options, build_engine
from factrules.config import Config
from factrules.document import Document

path, first, passes = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
files = sorted(path.rglob("*.jsonl")) if path.is_dir() else [path]
texts = []
for file in files:
    with file.open(encoding="utf-8") as handle:
        for line in handle:
            if len(texts) < first:
                texts.append(json.loads(line)["text"])
engine = build_engine(Options(), Config())
for _ in range(passes):
    for index, text in enumerate(texts):
        engine.check(Document(path=f"doc{index}", text=text, metadata={}))
"""

#: ``callgrind_annotate`` line: "1,234 (5.6%)  file:function [object]"
LINE = re.compile(r"\s*([\d,]+)\s+\([^)]*\)\s+(\S+?):(\S+)\s+\[(.+)\]")


def where(function: str, source: str, library: str) -> str:
    """The group an entry of the annotation belongs to."""
    if "regex" in library:
        return "regex module matcher (C)"
    if "ahocorasick" in library:
        return "pyahocorasick (C)"
    if "rapidfuzz" in library:
        return "rapidfuzz (C)"
    if "_sre" in source or function.startswith("sre_"):
        return "re's _sre matcher (C)"
    if "libpython" in library or library.endswith("/python3.11") or "/bin/python" in library:
        return "interpreter, built-in types and calls"
    if "libc." in library:
        return "C library (memory, strings)"
    return "other: " + Path(library).name


def profile(child: Path, corpus: Path, first: int, passes: int, scratch: Path) -> dict[str, int]:
    """Self instructions per group for a child that checks ``first`` documents ``passes`` times."""
    output = scratch / f"callgrind.{passes}"
    python = Path(sys.executable).resolve()
    subprocess.run(["valgrind", "--tool=callgrind", f"--callgrind-out-file={output}", str(python), str(child),
                    str(corpus), str(first), str(passes)], check=True, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL)
    annotated = subprocess.run(["callgrind_annotate", "--threshold=100", str(output)], check=True,
                               capture_output=True, text=True).stdout
    totals: collections.Counter[str] = collections.Counter()
    for line in annotated.splitlines():
        match = LINE.match(line)
        if match:
            totals[where(match.group(3), match.group(2), match.group(4))] += int(match.group(1).replace(",", ""))
    return totals


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("path", nargs="?", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--first", type=int, default=300)
    args = parser.parse_args()
    for tool in ("valgrind", "callgrind_annotate"):
        if shutil.which(tool) is None:
            print(f"{tool} is not installed: this measurement needs valgrind", file=sys.stderr)
            return 1
    with tempfile.TemporaryDirectory() as directory:
        scratch = Path(directory)
        child = scratch / "child.py"
        child.write_text(CHILD, encoding="utf-8")
        one = profile(child, args.path, args.first, 1, scratch)
        three = profile(child, args.path, args.first, 3, scratch)
    difference = {group: three[group] - one.get(group, 0) for group in three}
    total = sum(difference.values())
    print(f"{args.first} documents of {args.path}, two passes (three less one), self instructions by where they ran:")
    for group, count in sorted(difference.items(), key=lambda item: -item[1]):
        if count > total / 1000:
            print(f"  {group:40s} {count / 1e6:9.0f}M  {100 * count / total:5.1f}%")
    print(f"  {'total':40s} {total / 1e6:9.0f}M")
    return 0


if __name__ == "__main__":
    sys.exit(main())
