"""``factrules scan``: archive-scale checks that stream in and out.

A corpus (a directory, a glob, or a JSONL file of ``{"id", "text", "date"?}``
records) is read lazily, checked in batches by worker processes (or a Dask
cluster), and written as one JSON record per document to ``--out``:

    {"id": ..., "date": ..., "words": N, "findings": [...], "errors": [...]}

One record per document (not per finding) is what makes ``--resume`` exact:
a document is done exactly when its complete line is in the output, so an
interrupted run is continued without losing or duplicating a document.
Only a bounded window of batches is in flight at any time, so memory stays
flat however large the corpus is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from factrules.errors import UsageError
from factrules.plugins import registry
from factrules.scan.check import BatchResult, ScanOptions, check_batch, check_item, engine_for
from factrules.scan.corpus import Item, batches, iter_corpus
from factrules.scan.runners import Runner, run_dask, run_inline, run_processes


def done_ids(out: Path) -> set[str]:
    """The ids of documents whose record is complete in ``out``; a torn last line is cut off."""
    if not out.exists():
        return set()
    done: set[str] = set()
    good_end = 0
    with open(out, "rb") as handle:
        for line in handle:
            if not line.endswith(b"\n"):
                break
            try:
                done.add(str(json.loads(line)["id"]))
            except (ValueError, KeyError, TypeError):
                break
            good_end += len(line)
    if good_end != out.stat().st_size:
        with open(out, "r+b") as handle:
            handle.truncate(good_end)
    return done


def check_output_path(path: Path, option: str) -> None:
    """A one-line ``UsageError`` before any work when ``path`` cannot be written: no directory, or is one."""
    parent = path.parent
    if not parent.is_dir():
        raise UsageError(f"{option} {path}: the directory {parent} does not exist")
    if path.is_dir():
        raise UsageError(f"{option} {path}: is a directory, not a file")


@dataclass
class ScanResult:
    documents: int = 0
    findings: int = 0
    errors: int = 0
    skipped: int = 0


def scan(
    corpus: str,
    out: Path,
    options: ScanOptions,
    *,
    jobs: int = 1,
    runner: Runner | None = None,
    resume: bool = False,
    overwrite: bool = False,
    progress: bool = False,
    extensions: Iterable[str] = (),
) -> ScanResult:
    """Scan a corpus into ``out``; see the module docstring for the record format."""
    check_output_path(out, "--out")
    if out.exists() and not (resume or overwrite):
        raise UsageError(f"{out} exists: pass --resume to continue that scan or --overwrite to replace it")
    engine_for(options)  # a broken pack or config fails here, before any output is written
    skip = done_ids(out) if resume else set()
    if overwrite and out.exists() and not resume:
        out.unlink()
    if not extensions:
        extensions = list(registry(options.options.plugins).readers)
    items = iter_corpus(corpus, extensions)
    result = ScanResult(skipped=len(skip))
    runner = runner or (run_processes if jobs > 1 else run_inline)
    bar = _progress(progress)
    with open(out, "ab") as handle, bar:
        task = bar.add_task("scanning", total=None) if progress else None
        for checked in runner(batches(items, skip), options, jobs):
            _write(handle, checked, result)
            if task is not None:
                bar.update(task, advance=checked.documents)
    return result


def _write(handle: IO[bytes], batch: BatchResult, result: ScanResult) -> None:
    handle.write(batch.data)
    handle.flush()
    result.documents += batch.documents
    result.findings += batch.findings
    result.errors += batch.errors


def _progress(enabled: bool) -> Any:
    import contextlib

    if not enabled:
        return _NoProgress()
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

    with contextlib.suppress(Exception):
        return Progress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
                        transient=True, console=None)
    return _NoProgress()


class _NoProgress:
    def __enter__(self) -> _NoProgress:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def add_task(self, *args: Any, **kwargs: Any) -> None:
        return None


__all__ = ["BatchResult", "Item", "Runner", "ScanOptions", "ScanResult", "batches", "check_batch", "check_item",
           "check_output_path", "done_ids", "iter_corpus", "run_dask", "run_inline", "run_processes", "scan"]
