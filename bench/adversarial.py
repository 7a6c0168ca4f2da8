"""Hostile input at 100, 200 and 400 KB: time, peak memory and output size of ``factrules check``.

Each shape is one a careless paste or an attacker can send, and each once cost the square of its size
(issue 15): text without sentence-ending punctuation, text all in lower case (the splitter wants a capital
after a period, so both were one sentence), unclosed HTML tags (Python 3.11's ``html.parser``, CPython
gh-135462), deeply nested Markdown, and selector bombs (``fnmatch``'s quadratic pattern conversion, and a
lookup per rule and selector).  For each shape and size this writes the input under a temporary
directory, runs ``python -m factrules check FILE --format json --output OUT --date 2026-01-01 --fail-on
never`` as a child process, and prints wall time, the child's peak RSS (``os.wait4``, so each run is
measured alone) and the output's size; then, per shape, the 400 KB / 100 KB ratio of each, which must be
at most 5 (linear growth is 4).

    python bench/adversarial.py                 # every shape, 100/200/400 KB
    python bench/adversarial.py --shapes unclosed-tags --sizes 100 400
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

UNPUNCTUATED = ("officials said on Monday the company reportedly sold 300 units to Acme for $5 million last "
                "week and critics claim up to 40 percent were lost on Tuesday ")
LOWER_CASE = ("officials said on monday the company reportedly sold 300 units. critics claim up to 40 percent "
              "were lost last tuesday. ")
NESTED_MARKDOWN = "> " * 30 + "- " * 10 + "[" * 20 + "It reportedly fell on Monday" + "]" * 20 + "\n"


def repeated(unit: str, size: int) -> str:
    return (unit * (size // len(unit) + 1))[:size]


def _text(unit: str) -> Callable[[Path, int], list[str]]:
    def make(folder: Path, size: int) -> list[str]:
        path = folder / "draft.txt"
        path.write_text(repeated(unit, size), encoding="utf-8")
        return [str(path)]

    return make


def _unclosed_tags(folder: Path, size: int) -> list[str]:
    path = folder / "draft.html"
    path.write_text("<p>It reportedly fell.</p>" + repeated("<div ", size), encoding="utf-8")
    return [str(path)]


def _nested_markdown(folder: Path, size: int) -> list[str]:
    path = folder / "draft.md"
    path.write_text(repeated(NESTED_MARKDOWN, size), encoding="utf-8")
    return [str(path)]


def _selector_bomb(folder: Path, size: int) -> list[str]:
    """A config whose ``select`` holds one glob of ``size`` '[' and whose ``ignore`` lists ``size`` bytes of ids."""
    draft = folder / "draft.txt"
    draft.write_text("It reportedly fell.", encoding="utf-8")
    config = folder / "bomb.yaml"
    ids = ", ".join(f"hedges.r{n:05d}" for n in range(size // 15))
    config.write_text(f"select: ['{'[' * size}']\nignore: [{ids}]\n", encoding="utf-8")
    return [str(draft), "--config", str(config)]


SHAPES: dict[str, Callable[[Path, int], list[str]]] = {
    "unpunctuated": _text(UNPUNCTUATED),
    "lower-case": _text(LOWER_CASE),
    "unclosed-tags": _unclosed_tags,
    "nested-markdown": _nested_markdown,
    "selector-bomb": _selector_bomb,
}


#: shapes that must be refused with one line and exit 2
REFUSED = frozenset({"selector-bomb"})


def run(arguments: list[str], out: Path, refused: bool = False) -> tuple[float, float, int, int]:
    """(wall seconds, peak RSS in MB, output bytes, exit status) of one ``factrules check``.

    ``refused``: the run is expected to stop with one error line and exit 2 (its output is that line).
    """
    command = [sys.executable, "-m", "factrules", "check", *arguments, "--format", "json", "--output", str(out),
               "--date", "2026-01-01", "--fail-on", "never"]
    began = time.perf_counter()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    wall = time.perf_counter() - began
    child.returncode = os.waitstatus_to_exitcode(status)
    stderr = child.stderr.read().decode("utf-8", "replace") if child.stderr else ""
    if child.returncode not in ((2,) if refused else (0, 1)):
        raise SystemExit(f"factrules failed ({child.returncode}): {stderr.strip()}")
    size = out.stat().st_size if out.exists() else len(stderr.encode())
    return wall, usage.ru_maxrss / 1024, size, child.returncode


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shapes", nargs="*", default=list(SHAPES), choices=list(SHAPES))
    parser.add_argument("--sizes", nargs="*", type=int, default=[100, 200, 400], help="kilobytes (default 100 200 400)")
    args = parser.parse_args(argv)
    print(f"{'shape':16} {'KB':>4} {'wall s':>8} {'peak MB':>8} {'output B':>11} exit")
    worst = 0.0
    for shape in args.shapes:
        results = {}
        for kilobytes in args.sizes:
            with tempfile.TemporaryDirectory(prefix="factrules-adversarial-") as folder:
                arguments = SHAPES[shape](Path(folder), kilobytes * 1000)
                wall, rss, output, code = run(arguments, Path(folder) / "out.json", shape in REFUSED)
            results[kilobytes] = (wall, rss, output)
            print(f"{shape:16} {kilobytes:>4} {wall:>8.2f} {rss:>8.0f} {output:>11,} {code}", flush=True)
        low, high = min(args.sizes), max(args.sizes)
        if low != high:
            ratios = [results[high][i] / max(results[low][i], 1e-9) for i in range(3)]
            worst = max(worst, ratios[0], ratios[2])
            print(f"{shape:16} {high}/{low} KB: time x{ratios[0]:.2f}, peak RSS x{ratios[1]:.2f}, "
                  f"output x{ratios[2]:.2f}", flush=True)
    if worst:
        verdict = "at most linear" if worst <= 5 else "MORE than linear"
        print(f"worst growth of time or output: x{worst:.2f} ({verdict}; the bound is x5)")
    return 0 if worst <= 5 else 1


if __name__ == "__main__":
    sys.exit(main())
