"""Which engine finds the first-word places of thousands of pattern rules fastest: measured, not assumed.

    python bench/multipattern.py [PATH ...] [--rules 5000] [--repeat 3]

The pattern stage tries a rule only where one of the literal words its
matches begin with occurs (``factrules.prefixes``), so one pass must list
every occurrence (overlapping ones too: "said" inside "unsaid" is a place)
of a few thousand words in the folded text.  Candidates, each given the same
words (those of a ``bench/rule_scale.py`` house pack of ``--rules`` rules
plus the built-in packs) and the same folded copy:

- pyahocorasick (``keywords.WordStarts``, what factrules uses);
- hyperscan (Intel's multi-pattern engine), one literal database, start of
  match reported (``HS_FLAG_SOM_LEFTMOST``), every occurrence;
- google-re2, one alternation of the words (``finditer`` does not report
  overlapping occurrences, so it lists fewer places: shown for its speed);
- the ``regex`` module, the same alternation with ``overlapped=True``.

Prints the compile time and the scan throughput of each, and whether its
places equal pyahocorasick's.  Engines not installed are skipped.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import regex

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402
import rule_scale  # noqa: E402

from factrules.api import Options, build_engine  # noqa: E402
from factrules.config import Config  # noqa: E402
from factrules.document import fold  # noqa: E402
from factrules.keywords import WordStarts  # noqa: E402
from factrules.prefixes import literal_starts  # noqa: E402


def words_of_house(count: int, documents: list[str]) -> list[str]:
    middle, sequences = rule_scale.vocabulary(documents)
    pack = rule_scale.house_pack(count, middle, sequences)
    words: set[str] = set()
    for rule in pack["rules"]:
        if rule["kind"] == "pattern":
            found = literal_starts(regex.compile(rule["pattern"], regex.IGNORECASE))
            words.update(found or ())
    engine = build_engine(Options(), Config())
    for rule in engine.rules:
        for starts in getattr(rule.matcher, "literal_starts", ()):
            words.update(starts or ())
    return sorted(words)


def timed(repeat: int, run) -> tuple[float, object]:
    best, result = float("inf"), None
    for _ in range(repeat):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*")
    parser.add_argument("--rules", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    paths = args.paths or ([str(rule_scale.DEFAULT_CORPUS)] if rule_scale.DEFAULT_CORPUS.is_dir() else [])
    documents = (corpus.read(paths) if paths else corpus.generate(1.0))[:1200]
    texts = [fold(d) for d in documents]
    size_mb = sum(len(d.encode("utf-8")) for d in documents) / 1e6
    words = words_of_house(args.rules, documents)
    print(f"{len(words)} first words; {len(documents)} documents, {size_mb:.2f} MB")

    def reference_places() -> list[set[tuple[str, int]]]:
        index = WordStarts(words)
        results = []
        for text in texts:
            found = index._automaton.iter(text)
            results.append({(word, end - back) for end, (word, back) in found})
        return results

    start = time.perf_counter()
    automaton = WordStarts(words)._automaton
    compile_ac = time.perf_counter() - start
    reference = reference_places()

    def ac_scan_only() -> None:
        for text in texts:
            for _ in automaton.iter(text):
                pass

    seconds, _ = timed(args.repeat, ac_scan_only)
    print(f"  pyahocorasick   compile {compile_ac * 1000:7.1f} ms  scan {size_mb / seconds:7.1f} MB/s "
          "(a Python step per hit, on the str itself: offsets are character offsets)")

    try:
        import hyperscan
    except ImportError:
        print("  hyperscan       not installed")
    else:
        start = time.perf_counter()
        database = hyperscan.Database()
        database.compile(expressions=[regex.escape(w).encode() for w in words], ids=list(range(len(words))),
                         elements=len(words), flags=[hyperscan.HS_FLAG_SOM_LEFTMOST] * len(words))
        compile_hs = time.perf_counter() - start
        scratch = hyperscan.Scratch(database)

        def hs_places() -> list[set[tuple[str, int]]]:
            results = []
            for text in texts:
                data = text.encode("utf-8")
                found: set[tuple[str, int]] = set()

                def on_match(number: int, begin: int, end: int, flags: int, context: object,
                             found: set[tuple[str, int]] = found) -> None:
                    found.add((words[number], begin))

                database.scan(data, match_event_handler=on_match, scratch=scratch)
                results.append((data, found))
            # byte offsets back to characters, for the comparison (copy is nearly all ASCII)
            converted = []
            for data, found in results:
                converted.append({(w, len(data[:b].decode("utf-8", "replace"))) for w, b in found})
            return converted

        def hs_scan_only() -> None:
            for text in texts:
                database.scan(text.encode("utf-8"), match_event_handler=lambda *a: None, scratch=scratch)

        def hs_with_offsets() -> None:
            for text in texts:  # what the engine would need: character offsets of a str
                data = text.encode("utf-8")
                hits: list[int] = []
                database.scan(data, match_event_handler=lambda n, b, e, f, c, hits=hits: hits.append(b),
                              scratch=scratch)
                if not text.isascii():
                    [len(data[:b].decode("utf-8", "replace")) for b in hits]

        seconds, _ = timed(args.repeat, hs_scan_only)
        with_offsets, _ = timed(args.repeat, hs_with_offsets)
        same = hs_places() == reference
        print(f"  hyperscan       compile {compile_hs * 1000:7.1f} ms  scan {size_mb / seconds:7.1f} MB/s "
              f"(a Python callback per hit, on UTF-8 bytes); {size_mb / with_offsets:.1f} MB/s with the "
              f"bytes made character offsets; same places: {same}")

    alternation = "|".join(regex.escape(w) for w in sorted(words, key=len, reverse=True))
    try:
        import re2
    except ImportError:
        print("  google-re2      not installed")
    else:
        start = time.perf_counter()
        compiled = re2.compile(alternation)
        compile_re2 = time.perf_counter() - start
        seconds, found = timed(args.repeat, lambda: [[(m.group(), m.start()) for m in compiled.finditer(t)]
                                                     for t in texts])
        listed = sum(len(f) for f in found)
        print(f"  google-re2      compile {compile_re2 * 1000:7.1f} ms  scan {size_mb / seconds:7.1f} MB/s "
              f"({listed:,} places, reference {sum(len(r) for r in reference):,}: no overlapping ones)")

    start = time.perf_counter()
    compiled_regex = regex.compile(alternation)
    compile_rx = time.perf_counter() - start
    seconds, _ = timed(1, lambda: [[m.start() for m in compiled_regex.finditer(t, overlapped=True)] for t in texts])
    print(f"  regex           compile {compile_rx * 1000:7.1f} ms  scan {size_mb / seconds:7.1f} MB/s (overlapped)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
