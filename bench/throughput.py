"""Throughput of the built-in rule set on one core, against a single-regex reference (and proselint).

Usage:
    python bench/throughput.py [PATH ...] [--first N] [--generate MB] [--repeat N] [--stages] [--profile OUT.html]

PATHs are real news text (files, directories, .jsonl corpora).  Without
them the shared corpus of real wire copy next to the project
(``../shared/corpus/``, its first 1,200 documents, about 1 MB) is used when
the machine has it, else ``--generate MB`` (default 5) of generated
news-like text; generated text hides where real copy spends its time, so
real-copy figures come first.  Prints MB/s and words/s of
the full built-in rule set, peak RSS, each pack's share of the time, and, in
the same run over the same text, one pass of a single compiled ``regex``
alternation of every phrase in the built-in packs (the reference limit) and
proselint if it is installed, with the ratios.  Timings are the best of
``--repeat`` runs (the full set, the reference and proselint in interleaved rounds); nothing here is
asserted.

``--stages`` adds where a full run spends its time (each matcher group,
segmentation, building findings and their fingerprints) and the floor: the
same generator's neutral sentences alone, copy with almost nothing to flag.
"""

from __future__ import annotations

import argparse
import os
import platform
import resource
import sys
import time
from collections.abc import Callable
from pathlib import Path

import regex

sys.path.insert(0, str(Path(__file__).resolve().parent))

import corpus  # noqa: E402

from factrules.api import Options, build_engine  # noqa: E402
from factrules.config import Config  # noqa: E402
from factrules.document import Document  # noqa: E402
from factrules.matchers.base import phrase_regex_source  # noqa: E402

WORD = regex.compile(r"\w+")
#: the shared corpus of real wire copy, next to the project, on machines that have it
DEFAULT_CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"


def best_of(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return min(times)


def check_all(engine, documents: list[str]) -> int:
    count = 0
    for index, text in enumerate(documents):
        findings, _ = engine.check(Document(path=f"doc{index}", text=text, metadata={}))
        count += len(findings)
    return count


def stage_times(engine, documents: list[str], repeat: int) -> tuple[float, dict[str, float]]:
    """Seconds per stage of a full run (best of ``repeat`` per stage), measured by wrapping the engine's steps.

    Each group's ``find`` is wrapped (the call and every pair taken from it), since the engine asks a group
    for its first pair itself and calls ``_run_group`` only for a group that has one.  The wrappers cost a
    little themselves, so the stages add up to slightly more than a plain run.
    """
    import factrules.engine as engine_module

    spent: dict[str, float] = {}
    make_finding = engine_module.Engine.make_finding
    fingerprints = engine_module.assign_fingerprints
    building = [0.0]
    clock = time.perf_counter

    class TimedPairs:
        """A group's pairs, the time spent making each one counted under the group's name."""

        def __init__(self, name: str, find, document, prior) -> None:
            self.name = name
            start = clock()
            try:
                self.pairs = iter(find(document, prior))
            finally:
                spent[name] = spent.get(name, 0.0) + clock() - start

        def __iter__(self):
            return self

        def __next__(self):
            start = clock()
            try:
                return next(self.pairs)
            finally:
                spent[self.name] += clock() - start

    def timed_find(name: str, find):
        def find_timed(document, prior=()):
            return TimedPairs(name, find, document, prior)
        return find_timed

    def timed_finding(self, rule, document, match):
        start = clock()
        try:
            return make_finding(self, rule, document, match)
        finally:
            building[0] += clock() - start

    def timed_fingerprints(findings):
        start = clock()
        fingerprints(findings)
        building[0] += clock() - start

    groups = [group for stage in engine._stages.values() for group in stage]
    for group in groups:
        packs = ",".join(sorted({engine._rule_of[id(m)].pack for m in group.matchers}))
        group.find = timed_find(f"{type(group).__name__} ({packs})", group.find)
    best: dict[str, float] = {}
    total = float("inf")
    engine_module.Engine.make_finding = timed_finding
    engine_module.assign_fingerprints = timed_fingerprints
    try:
        for _ in range(repeat):
            spent.clear()
            building[0] = 0.0
            segmenting = 0.0
            began = clock()
            for index, text in enumerate(documents):
                document = Document(path=f"doc{index}", text=text, metadata={})
                start = clock()
                document.sentences, document.folded  # noqa: B018 - computed once, cached on the document
                segmenting += clock() - start
                engine.check(document)
            total = min(total, clock() - began)
            spent["segmentation"] = segmenting
            spent["building findings and fingerprints"] = building[0]
            for name, seconds in spent.items():
                best[name] = min(best.get(name, float("inf")), seconds)
    finally:
        engine_module.Engine.make_finding = make_finding
        engine_module.assign_fingerprints = fingerprints
        for group in groups:
            del group.find  # the class's own method again
    return total, best


def reference_regex(packs) -> regex.Pattern[str]:
    """One alternation of every literal phrase the built-in packs hold (phrase rules and near terms)."""
    phrases: set[str] = set()
    for pack in packs:
        for rule in pack.rules:
            matcher_rule = rule.matcher.rule
            for key in ("phrases", "a", "b"):
                phrases.update(" ".join(p.split()) for p in matcher_rule.get(key) or [])
    alternatives = sorted(phrases, key=len, reverse=True)
    return regex.compile(r"(?<!\w)(?:" + "|".join(phrase_regex_source(p) for p in alternatives) + r")(?!\w)",
                         regex.IGNORECASE), len(alternatives)


def proselint_linter() -> Callable[[str], object] | None:
    """proselint's lint function for a string (0.14+: ``LintFile(...).lint()``; older: ``tools.lint``)."""
    try:
        import proselint.tools as tools  # type: ignore[import-not-found]
    except ImportError:
        return None
    if hasattr(tools, "LintFile"):
        from proselint.checks import __register__  # type: ignore[import-not-found]
        from proselint.registry import CheckRegistry  # type: ignore[import-not-found]

        CheckRegistry().register_many(__register__)
        return lambda text: tools.LintFile("<bench>", text).lint()
    return getattr(tools, "lint", None)


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in open("/proc/cpuinfo", encoding="utf-8"):
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{model}, {os.cpu_count()} cores, Python {platform.python_version()}, {platform.system()}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", help=f"real copy (default: {DEFAULT_CORPUS} when it is there)")
    parser.add_argument("--first", type=int, default=None, metavar="N",
                        help="only the first N documents (default: all; 1,200, about 1 MB, of the default corpus)")
    parser.add_argument("--generate", type=float, default=None, metavar="MB",
                        help="generated news-like text of this size instead of real copy")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", metavar="OUT.html", help="write a pyinstrument profile of one full run")
    parser.add_argument("--no-proselint", action="store_true")
    parser.add_argument("--stages", action="store_true", help="time each stage, and the floor on neutral copy")
    args = parser.parse_args()

    if not args.paths and args.generate is None and DEFAULT_CORPUS.is_dir():
        args.paths = [str(DEFAULT_CORPUS)]
        args.first = args.first or 1200
    generated = args.generate if args.generate is not None else 5.0
    documents = corpus.read(args.paths) if args.paths else corpus.generate(generated)
    documents = documents[: args.first] if args.first else documents
    size_mb = sum(len(d.encode("utf-8")) for d in documents) / 1e6
    words = sum(len(WORD.findall(d)) for d in documents)
    source = ", ".join(args.paths) if args.paths else f"generated news-like text ({generated:g} MB)"
    source += f" (first {args.first} documents)" if args.first else ""
    print(f"machine: {machine()}")
    print(f"corpus: {source}: {len(documents)} documents, {size_mb:.2f} MB, {words:,} words")

    engine = build_engine(Options(), Config())
    findings = check_all(engine, documents[:1])  # warm caches outside the timing
    pattern, count = reference_regex(engine.packs)
    lint = None if args.no_proselint else proselint_linter()
    if lint is not None:
        lint(documents[0])  # its registry and regexes are built on first use: not part of the timing
    # The full set, the reference and proselint are timed in interleaved rounds, the best of ``--repeat``
    # each: the host's speed drifts by up to 1.5x from one minute to the next, and timing one after the
    # other put a fast minute under one and a slow one under another, which moved the ratios by 20 %.
    contenders: dict[str, Callable[[], object]] = {
        "full": lambda: check_all(engine, documents),
        "reference": lambda: [sum(1 for _ in pattern.finditer(d)) for d in documents],
    }
    if lint is not None:
        contenders["proselint"] = lambda: [lint(text) for text in documents]
    best = dict.fromkeys(contenders, float("inf"))
    for _ in range(args.repeat):
        for name, run in contenders.items():
            best[name] = min(best[name], best_of(1, run))
    full, reference = best["full"], best["reference"]
    findings = check_all(engine, documents)
    print(f"full built-in rule set: {full:.2f} s  {size_mb / full:.2f} MB/s  {words / full:,.0f} words/s  "
          f"({findings:,} findings, {findings / size_mb / 1000:.1f} per KB)")
    print(f"reference: one regex alternation of {count} phrases: {reference:.2f} s  {size_mb / reference:.2f} MB/s")
    print(f"ratio full/reference throughput: {reference / full:.1%}")
    if lint is not None:
        seconds = best["proselint"]
        print(f"proselint: {seconds:.2f} s  {size_mb / seconds:.2f} MB/s  "
              f"(factrules' throughput is {seconds / full:.2f}x proselint's)")
    elif not args.no_proselint:
        print("proselint: not installed (pip install proselint), no comparison")
    print(f"(full set, reference and proselint timed in {args.repeat} interleaved rounds, best of each)")

    shares = {}
    for pack in engine.packs:
        pack_engine = build_engine(Options(select=(pack.name,)), Config())
        shares[pack.name] = best_of(max(1, args.repeat - 1), lambda e=pack_engine: check_all(e, documents))
    total = sum(shares.values())
    print("time share per pack (each pack run alone, includes its share of segmentation):")
    for name, seconds in sorted(shares.items(), key=lambda item: -item[1]):
        print(f"  {name:14} {seconds:7.2f} s  {seconds / total:6.1%}  {size_mb / seconds:7.2f} MB/s alone")

    if args.stages:
        total, stages = stage_times(engine, documents, args.repeat)
        print(f"stages of a full run ({total:.2f} s with the timers):")
        for name, seconds in sorted(stages.items(), key=lambda item: -item[1]):
            print(f"  {name:52} {seconds:6.2f} s  {seconds / total:6.1%}")
        rest = total - sum(stages.values())
        print(f"  {'the rest (sorting, suppressions, per-document setup)':52} {rest:6.2f} s  {rest / total:6.1%}")
        per_finding = stages["building findings and fingerprints"] / max(findings, 1) * 1e6
        print(f"building one finding (locate, explain, fingerprint): {per_finding:.1f} µs")
        neutral = corpus.generate(size_mb, claim_share=0.0)
        neutral_mb = sum(len(d.encode("utf-8")) for d in neutral) / 1e6
        neutral_findings = check_all(engine, neutral)
        floor = best_of(args.repeat, lambda: check_all(engine, neutral))
        print(f"floor, the generator's neutral sentences alone ({neutral_mb:.2f} MB, "
              f"{neutral_findings / neutral_mb / 1000:.1f} findings per KB): {floor:.2f} s  "
              f"{neutral_mb / floor:.2f} MB/s")

    print(f"peak RSS: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    if args.profile:
        from pyinstrument import Profiler

        profiler = Profiler()
        profiler.start()
        check_all(engine, documents)
        profiler.stop()
        Path(args.profile).write_text(profiler.output_html(), encoding="utf-8")
        print(profiler.output_text(unicode=False, color=False, show_all=False)[:6000])
    return 0


if __name__ == "__main__":
    sys.exit(main())
