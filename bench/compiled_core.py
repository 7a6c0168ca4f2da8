"""The compiled core against the plain one, on the same real copy, in interleaved rounds.

Usage:
    python bench/compiled_core.py [PATH ...] [--first N] [--rounds N]

Each round runs two fresh processes, one with the compiled core (the install's mypyc build) and one with
``FACTRULES_PURE_PYTHON=1`` (the same modules as plain Python), in alternating order; each process
checks every document three times and reports its best CPU time (``time.process_time``), so a
busy or slow minute of the host weighs on both alike.  Without PATHs: the first 1,200 documents of
the shared wire corpus next to the project (``../shared/corpus/``).  Prints each round, the best
of each core, MB/s and the ratio.  Nothing here is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
DEFAULT_CORPUS = HERE.parent.parent / "shared" / "corpus"

#: one process's work: load the documents, warm up once, then the best of three timed passes
CHILD = r"""
import json, sys, time
sys.path.insert(0, sys.argv[1])
import corpus
from factrules import compiled
from factrules.api import Options, build_engine
from factrules.config import Config
from factrules.document import Document
documents = corpus.read(json.loads(sys.argv[2]))
first = int(sys.argv[3])
documents = documents[:first] if first else documents
engine = build_engine(Options(), Config())
def run():
    for index, text in enumerate(documents):
        engine.check(Document(path=f"doc{index}", text=text, metadata={}))
run()
best = float("inf")
for _ in range(3):
    began = time.process_time()
    run()
    best = min(best, time.process_time() - began)
size = sum(len(text.encode("utf-8")) for text in documents)
print(json.dumps({"mode": compiled.mode(), "seconds": best, "bytes": size, "documents": len(documents)}))
"""


def one_run(paths: list[str], first: int, plain: bool) -> dict[str, float | str]:
    environment = {key: value for key, value in os.environ.items() if key != "FACTRULES_PURE_PYTHON"}
    if plain:
        environment["FACTRULES_PURE_PYTHON"] = "1"
    done = subprocess.run([sys.executable, "-c", CHILD, str(HERE), json.dumps(paths), str(first)],
                          env=environment, capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help="real news text: files, directories, .jsonl corpora")
    parser.add_argument("--first", type=int, default=0, metavar="N", help="only the first N documents")
    parser.add_argument("--rounds", type=int, default=3, metavar="N", help="interleaved rounds (default 3)")
    args = parser.parse_args()
    if not args.paths and DEFAULT_CORPUS.is_dir():
        args.paths, args.first = [str(DEFAULT_CORPUS)], args.first or 1200
    if not args.paths:
        parser.error("give real copy to check: no shared corpus next to the project")
    best: dict[str, float] = {}
    size = 0
    for number in range(args.rounds):
        order = (False, True) if number % 2 == 0 else (True, False)
        for plain in order:
            result = one_run(args.paths, args.first, plain)
            label = "plain" if plain else "compiled"
            if not plain and result["mode"] != "compiled":
                sys.exit(f"compiled_core: this install runs the {result['mode']} core; rebuild with pip install .")
            size = int(result["bytes"])
            best[label] = min(best.get(label, float("inf")), float(result["seconds"]))
            print(f"round {number + 1}: {label:8} {float(result['seconds']):.3f} s CPU "
                  f"({result['documents']} documents, {size / 1e6:.2f} MB)")
    for label in ("compiled", "plain"):
        print(f"best {label:8} {best[label]:.3f} s  {size / 1e6 / best[label]:.2f} MB/s")
    print(f"compiled core: {best['plain'] / best['compiled']:.2f}x the plain core's throughput")


if __name__ == "__main__":
    main()
