"""How much typed native code buys a stage of the check: the sentence splitter, in Python and in typed Cython.

    python bench/native_twin.py [PATH ...] [--first N] [--repeat 5]

Builds ``bench/native_twin/segment_typed.pyx`` (Cython and a C compiler are
needed; neither is a dependency of factrules) into a scratch directory,
checks that it gives exactly the paragraphs and sentences of
``factrules.segment`` on every document, and prints the CPU time of each,
best of ``--repeat``, with the time of the two ``regex`` passes the
splitter makes (the part no rewrite of the Python around them removes).
PATHs are real copy (default: the first 1,200 documents of
``../shared/corpus/``).  Nothing here is asserted; the figures go in
``bench/RESULTS.md``.

Why: the issue's 2 MB/s needs the check about twice as fast, and the
untyped compilers (Cython, mypyc) gave 2-6 %.  This measures the other
route, code rewritten with C types, on the stage that is simplest to
rewrite exactly.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import corpus  # noqa: E402
from throughput import DEFAULT_CORPUS  # noqa: E402

from factrules import segment  # noqa: E402

SOURCE = HERE / "native_twin" / "segment_typed.pyx"


def build(scratch: Path):
    """Compile the twin with Cython and the system C compiler; the imported module."""
    c_file = scratch / "segment_typed.c"
    subprocess.run([sys.executable, "-m", "cython", "-3", str(SOURCE), "-o", str(c_file)], check=True)
    library = scratch / ("segment_typed" + sysconfig.get_config_var("EXT_SUFFIX"))
    include = sysconfig.get_paths()["include"]
    subprocess.run(["cc", "-O2", "-shared", "-fPIC", f"-I{include}", str(c_file), "-o", str(library)], check=True)
    spec = importlib.util.spec_from_file_location("segment_typed", library)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def best(repeat: int, run: Callable[[], object]) -> float:
    times = []
    for _ in range(repeat):
        start = time.process_time()
        run()
        times.append(time.process_time() - start)
    return min(times)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="*", type=Path)
    parser.add_argument("--first", type=int, default=1200)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args()
    paths = [str(path) for path in args.paths or [DEFAULT_CORPUS]]
    texts = corpus.read(paths)[: args.first]
    if not texts:
        print(f"no documents in {', '.join(map(str, paths))}", file=sys.stderr)
        return 1
    with tempfile.TemporaryDirectory() as scratch:
        try:
            twin = build(Path(scratch))
        except (OSError, subprocess.CalledProcessError) as error:
            print(f"cannot build the typed twin (Cython and a C compiler are needed): {error}", file=sys.stderr)
            return 1
        paragraphs = [segment.paragraphs(text) for text in texts]
        for text, spans in zip(texts, paragraphs, strict=True):
            if twin.paragraphs(text) != spans or twin.sentences(text, spans) != segment._sentences(text, spans):
                print(f"the twin disagrees on a document starting {text[:40]!r}", file=sys.stderr)
                return 1

        def python_splitter() -> None:
            for text in texts:
                segment._sentences(text, segment.paragraphs(text))

        def typed_splitter() -> None:
            for text in texts:
                twin.sentences(text, twin.paragraphs(text))

        def regex_passes() -> None:
            for text, spans in zip(texts, paragraphs, strict=True):
                for _ in segment._PARAGRAPH_BREAK.finditer(text):
                    pass
                for start, end in spans:
                    for _ in segment._BOUNDARY.finditer(text, start, end):
                        pass

        python_time = best(args.repeat, python_splitter)
        typed_time = best(args.repeat, typed_splitter)
        regex_time = best(args.repeat, regex_passes)
    megabytes = sum(len(text.encode("utf-8")) for text in texts) / 1e6
    print(f"{len(texts)} documents, {megabytes:.2f} MB; the twin gives the same spans on every one")
    print(f"python splitter   {python_time:.4f} s CPU")
    print(f"typed twin        {typed_time:.4f} s CPU  ({python_time / typed_time:.2f}x)")
    print(f"its regex passes  {regex_time:.4f} s CPU  (in both; what is left of the Python splitter's own work: "
          f"{python_time - regex_time:.4f} s, the twin's: {typed_time - regex_time:.4f} s, "
          f"{(python_time - regex_time) / max(typed_time - regex_time, 1e-9):.2f}x)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
