"""Throughput with a newsroom-sized house pack against the built-in rules alone, in the same run.

    python bench/rule_scale.py [PATH ...] [--sizes 100,1000,5000] [--megabytes 1] [--repeat 3] [--cpu]

PATHs are real copy (files, directories, ``.jsonl`` corpora); without them
``../shared/corpus/`` is used when it is there, else generated text.  For
each size N a house pack of N rules is written to a temporary directory:
half ``phrase`` rules (two- and three-word sequences that occur in the copy),
half ``pattern`` rules of the shapes style guides use (a word and one of two
followers; a word with an inflection; two words with one between), none with
a ``prefilter``: an author writing a style guide does not write one.  Their
words are drawn, with a fixed seed, from the copy's middle-frequency
vocabulary, so rules hit real text about as often as house rules do.

Prints, per size: compiling the pack cold and loading it from the cache, the
built-in set alone and the built-in set with the house pack, timed
alternately on the same documents (best of ``--repeat`` each), and the ratio
of the two throughputs.  ``--cpu`` times with this process's CPU seconds
instead of the wall clock: on a machine other sessions load, the wall-clock
ratio of the same code moved by 30 points between runs.  Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import regex

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402
from throughput import best_of, check_all, machine  # noqa: E402

from factrules.api import Options, build_engine  # noqa: E402
from factrules.config import Config  # noqa: E402

DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
WORD = regex.compile(r"[a-z]{4,}")
SENTENCE_WORDS = regex.compile(r"[A-Za-z]+")


def vocabulary(documents: list[str]) -> tuple[list[str], list[tuple[str, ...]]]:
    """Middle-frequency words, and two- and three-word sequences that occur at least twice."""
    words: Counter[str] = Counter()
    grams: Counter[tuple[str, ...]] = Counter()
    for text in documents:
        tokens = [t.lower() for t in SENTENCE_WORDS.findall(text)]
        words.update(t for t in tokens if WORD.fullmatch(t))
        for size in (2, 3):
            grams.update(tuple(tokens[i : i + size]) for i in range(len(tokens) - size + 1)
                         if all(len(t) >= 3 for t in tokens[i : i + size]))
    ranked = [w for w, _ in words.most_common()]
    middle = ranked[150:6000] or ranked
    sequences = [g for g, n in grams.most_common() if n >= 2][300:20000]
    return middle, sequences


def house_pack(size: int, middle: list[str], sequences: list[tuple[str, ...]], seed: int = 14) -> dict:
    """A pack of ``size`` rules, half phrase, half pattern, with examples written from the same words."""
    rng = random.Random(seed)
    rules = []
    for number in range(size):
        if number % 2 == 0:
            phrases = [" ".join(rng.choice(sequences)) for _ in range(rng.choice((1, 2, 3)))]
            rules.append({
                "id": f"house-phrase-{number}", "kind": "phrase", "phrases": phrases,
                "message": "House style: '{text}'",
                "examples": {"match": [f"They wrote {phrases[0]} here."], "no_match": ["Nothing to see."]},
            })
            continue
        a, b, c = rng.sample(middle, 3)
        shape = number // 2 % 3
        if shape == 0:
            source, example = rf"\b{a}\s+(?:{b}|{c})\b", f"A {a} {b} today."
        elif shape == 1:
            source, example = rf"\b{a}(?:s|ed|ing)?\s+{b}\b", f"The {a} {b} again."
        else:
            source, example = rf"\b{a}\s+\w+\s+{b}\b", f"One {a} more {b} now."
        rules.append({
            "id": f"house-pattern-{number}", "kind": "pattern", "pattern": source,
            "message": "House style: '{text}'",
            "examples": {"match": [example], "no_match": ["Nothing to see."]},
        })
    return {"pack": "house", "version": "1", "defaults": {"category": "style", "severity": "info"},
            "rules": rules}


def timed(run, cpu: bool) -> float:
    """Seconds ``run`` takes: wall clock (``throughput.best_of``), or this process's CPU seconds."""
    if not cpu:
        return best_of(1, run)
    start = time.process_time()
    run()
    return time.process_time() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--sizes", default="100,1000,5000")
    parser.add_argument("--megabytes", type=float, default=1.0, help="how much of the copy to check (default 1)")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--cpu", action="store_true", help="time with CPU seconds (time.process_time)")
    args = parser.parse_args()

    paths = args.paths or ([str(DEFAULT_CORPUS)] if DEFAULT_CORPUS.is_dir() else [])
    everything = corpus.read(paths) if paths else corpus.generate(args.megabytes)
    documents, size = [], 0
    for text in everything:
        if size >= args.megabytes * 1e6:
            break
        documents.append(text)
        size += len(text.encode("utf-8"))
    size_mb = size / 1e6
    middle, sequences = vocabulary(everything[: max(len(documents), 2000)])
    print(f"machine: {machine()}")
    print(f"copy: {', '.join(paths) or 'generated'}: {len(documents)} documents, {size_mb:.2f} MB; "
          f"vocabulary {len(middle)} words, {len(sequences)} sequences")
    builtin = build_engine(Options(), Config())
    check_all(builtin, documents[:5])
    with tempfile.TemporaryDirectory() as scratch:
        os.environ.setdefault("FACTRULES_CACHE_DIR", str(Path(scratch) / "cache"))
        for count in (int(n) for n in args.sizes.split(",")):
            path = Path(scratch) / f"house-{count}.yaml"
            path.write_text(json.dumps(house_pack(count, middle, sequences)), encoding="utf-8")  # JSON is YAML
            options = Options(rules=(str(path),))
            start = time.perf_counter()
            house = build_engine(options, Config())
            cold = time.perf_counter() - start
            build_engine.__globals__["_compiled_engine"].cache_clear()
            start = time.perf_counter()
            house = build_engine(options, Config())
            warm = time.perf_counter() - start
            check_all(house, documents[:5])
            alone, with_house = [], []
            for _ in range(args.repeat):  # alternate, so a machine that slows down slows both
                alone.append(timed(lambda: check_all(builtin, documents), args.cpu))
                with_house.append(timed(lambda e=house: check_all(e, documents), args.cpu))
            findings = check_all(house, documents) - check_all(builtin, documents)
            a, h = min(alone), min(with_house)
            print(f"{count:>5} house rules: compile {cold:.2f} s, from cache {warm:.2f} s; "
                  f"built-ins alone {size_mb / a:.2f} MB/s, with the house pack {size_mb / h:.2f} MB/s "
                  f"({findings:,} house findings): {a / h:.1%} of the throughput without it")
    return 0


if __name__ == "__main__":
    sys.exit(main())
