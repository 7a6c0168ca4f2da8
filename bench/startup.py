"""Start-up: ``factrules --version`` and ``factrules check`` on a ~1,000-word draft, as whole processes.

    python bench/startup.py [--runs 10] [--words 1000] [--draft FILE]

Each command runs ``--runs`` times (after one unmeasured warm-up run, which
also fills the compiled-pack cache), interleaved with a bare ``python -c
pass`` so a loaded machine shows as a slower interpreter too; prints the
median wall-clock and CPU seconds (user + system, of the child) of each.
The draft is ``bench/load.py``'s generated one; nothing here is asserted.

The children run without ``PYTHONDONTWRITEBYTECODE`` (``--no-bytecode``
keeps it): an installed factrules has its ``.pyc`` files (pip compiles them
at install), and with the variable set, as in some shells and containers, a
checkout's modules are compiled from source on every run, which is then most
of what is measured.
"""

from __future__ import annotations

import argparse
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from load import make_draft  # noqa: E402


def timed(command: list[str], environment: dict[str, str] | None = None) -> tuple[float, float]:
    """(wall, CPU) seconds of one run of ``command``, its output thrown away."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False, env=environment)
    wall = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return wall, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--words", type=int, default=1000)
    parser.add_argument("--draft", type=Path, default=None, help="a draft of your own instead of the generated one")
    parser.add_argument("--no-bytecode", action="store_true",
                        help="keep PYTHONDONTWRITEBYTECODE for the children (modules compiled from source each run)")
    args = parser.parse_args()
    environment = dict(os.environ)
    if not args.no_bytecode:
        environment.pop("PYTHONDONTWRITEBYTECODE", None)

    with tempfile.TemporaryDirectory() as scratch:
        draft = args.draft or Path(scratch) / "draft.txt"
        if args.draft is None:
            draft.write_text(make_draft(args.words), encoding="utf-8")
        words = len(draft.read_text(encoding="utf-8").split())
        python = sys.executable
        commands = {
            "python -c pass": [python, "-c", "pass"],
            "factrules --version": [python, "-m", "factrules", "--version"],
            f"factrules check ({words} words)": [python, "-m", "factrules", "check", str(draft), "--fail-on",
                                                 "never"],
        }
        for command in commands.values():  # warm-up: disk caches, .pyc files, the compiled-pack cache
            timed(command, environment)
        results: dict[str, list[tuple[float, float]]] = {name: [] for name in commands}
        for _ in range(args.runs):
            for name, command in commands.items():
                results[name].append(timed(command, environment))
    load = os.getloadavg()[0] if hasattr(os, "getloadavg") else float("nan")
    bytecode = "from source (PYTHONDONTWRITEBYTECODE)" if environment.get("PYTHONDONTWRITEBYTECODE") else ".pyc"
    print(f"{args.runs} runs each, interleaved; load average {load:.1f} on {os.cpu_count()} CPUs; modules: {bytecode}")
    for name, runs in results.items():
        walls = [wall for wall, _ in runs]
        cpus = [cpu for _, cpu in runs]
        print(f"  {name:32} wall median {statistics.median(walls):.3f} s (min {min(walls):.3f})  "
              f"CPU median {statistics.median(cpus):.3f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
