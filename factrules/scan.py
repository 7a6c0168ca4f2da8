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

import datetime as dt
import glob
import json
import os
import sys
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import regex

from factrules.api import Options
from factrules.errors import InputError, UsageError

_WORDS = regex.compile(r"[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*")
_LONE_SURROGATE = regex.compile(r"[\ud800-\udfff]")

#: documents per batch sent to a worker: large enough to amortise pickling, small enough to balance
BATCH_DOCUMENTS = 16
BATCH_CHARACTERS = 1_000_000


@dataclass(frozen=True)
class Item:
    """One document of a corpus, before it is read: either inline text or a file path."""

    id: str
    text: str | None = None
    path: str | None = None
    date: str | None = None
    format: str | None = None


@dataclass(frozen=True)
class ScanOptions:
    """What every worker needs (picklable, hashable): the run's options, as for ``check``, and the
    article date for documents that give none (a record's own ``date`` wins)."""

    options: Options = field(default_factory=Options)
    default_date: dt.date | None = None


# -- reading a corpus ----------------------------------------------------------


def iter_corpus(corpus: str, extensions: Iterable[str]) -> Iterator[Item]:
    """Yield the corpus's documents lazily: JSONL records, files under a directory, or a glob's files."""
    if os.path.isdir(corpus):
        from factrules.api import iter_files

        for path in iter_files([corpus], extensions):
            yield Item(id=os.path.relpath(path, corpus), path=path)
    elif corpus.endswith((".jsonl", ".ndjson")) and os.path.isfile(corpus):
        yield from _iter_jsonl(corpus)
    elif any(char in corpus for char in "*?["):
        matched = False
        for path in sorted(glob.iglob(corpus, recursive=True)):
            if os.path.isfile(path):
                matched = True
                yield Item(id=path, path=path)
        if not matched:
            raise InputError(corpus, "the glob matches no file")
    elif os.path.isfile(corpus):
        yield Item(id=corpus, path=corpus)
    else:
        raise InputError(corpus, "no such corpus (a directory, a .jsonl file or a glob)")


def _iter_jsonl(path: str) -> Iterator[Item]:
    with open(path, encoding="utf-8", errors="surrogateescape") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
                if not isinstance(record, dict) or not isinstance(record.get("text"), str):
                    raise ValueError
            except ValueError:
                raise InputError(path, f"line {number}: not a record with a string 'text'") from None
            identifier = record.get("id", f"{path}:{number}")
            date = record.get("date")
            yield Item(id=str(identifier), text=record["text"], date=str(date) if date else None,
                       format=record.get("format"))


def batches(items: Iterable[Item], skip: set[str]) -> Iterator[list[Item]]:
    """Group items into batches by count and size, leaving out those already done."""
    batch: list[Item] = []
    size = 0
    for item in items:
        if item.id in skip:
            continue
        batch.append(item)
        size += len(item.text or "") or 20_000
        if len(batch) >= BATCH_DOCUMENTS or size >= BATCH_CHARACTERS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


# -- checking, in whichever process ----------------------------------------------

_engine_cache: dict[ScanOptions, Any] = {}


def _engine(options: ScanOptions) -> Any:
    """Build the engine once per process (workers keep it between batches)."""
    if options not in _engine_cache:
        from factrules.api import build_engine, resolve_config

        config = resolve_config(options.options, Path.cwd())
        _engine_cache[options] = build_engine(options.options, config)
    return _engine_cache[options]


def check_item(item: Item, options: ScanOptions) -> dict[str, Any]:
    """Check one corpus document and return its output record; input problems become its errors."""
    from factrules.api import parse_date, read_document
    from factrules.errors import FactrulesError

    engine = _engine(options)
    record: dict[str, Any] = {"id": item.id}
    errors: list[dict[str, Any]] = []
    try:
        if item.text is not None:
            text = item.text
            if _LONE_SURROGATE.search(text):
                text = _LONE_SURROGATE.sub("\ufffd", text)
                errors.append({"path": item.id, "kind": "input-warning", "severity": "warning",
                               "message": f"{item.id}: lone surrogates replaced by U+FFFD"})
            data = text.encode("utf-8")
            name = item.path or f"{item.id}.{item.format or 'txt'}"
        else:
            assert item.path is not None
            with open(item.path, "rb") as handle:
                data = handle.read()
            name = item.path
        document = read_document(data, name, engine.registry, None)
        document.path = item.id
        if item.date:
            document.metadata["date"] = parse_date(item.date)
        elif document.metadata.get("date") is None and options.default_date is not None:
            document.metadata["date"] = options.default_date
        findings, rule_errors = engine.check(document)
        errors.extend(rule_errors)
        date = document.metadata.get("date")
        record.update(
            date=date.isoformat() if hasattr(date, "isoformat") else date,
            words=len(_WORDS.findall(document.text)),
            findings=[f.to_dict() for f in findings],
        )
    except (FactrulesError, OSError) as error:
        message = str(error) if isinstance(error, FactrulesError) else f"{item.id}: {error.strerror or error}"
        errors.append({"path": item.id, "kind": "input-error", "severity": "error", "message": message})
        record.update(date=item.date, words=0, findings=[])
    record["errors"] = errors
    return record


@dataclass(frozen=True)
class BatchResult:
    """A checked batch: its output lines, serialised and encoded in the worker so the writer only writes.

    Bytes rather than text: a string crosses the process boundary encoded and is decoded on arrival,
    then encoded again on its way to the file; the writer's process shares the cores with the workers.
    """

    data: bytes
    documents: int
    findings: int
    errors: int


def check_batch(batch: list[Item], options: ScanOptions) -> BatchResult:
    """Check a batch of documents; one JSON line per document."""
    records = [check_item(item, options) for item in batch]
    return BatchResult(
        data="".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records).encode("utf-8"),
        documents=len(records),
        findings=sum(len(record["findings"]) for record in records),
        errors=sum(len(record["errors"]) for record in records),
    )


# -- output and resume ---------------------------------------------------------------


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


# -- the runners -----------------------------------------------------------------------

Runner = Callable[[Iterator[list[Item]], ScanOptions, int], Iterator[BatchResult]]


def run_inline(work: Iterator[list[Item]], options: ScanOptions, jobs: int) -> Iterator[BatchResult]:
    for batch in work:
        yield check_batch(batch, options)


def run_processes(work: Iterator[list[Item]], options: ScanOptions, jobs: int) -> Iterator[BatchResult]:
    """Process pool with a bounded window of batches in flight (Pool.imap would read the whole corpus)."""
    window = jobs * 3
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        pending: set[Future[BatchResult]] = set()
        for batch in work:
            pending.add(pool.submit(check_batch, batch, options))
            if len(pending) >= window:
                finished, pending = wait(pending, return_when=FIRST_COMPLETED)
                for future in finished:
                    yield future.result()
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                yield future.result()


def run_dask(scheduler: str) -> Runner:
    """A runner that sends batches to a dask.distributed cluster, with the same bounded window."""

    def runner(work: Iterator[list[Item]], options: ScanOptions, jobs: int) -> Iterator[BatchResult]:
        try:
            from distributed import Client, as_completed
        except ImportError:
            raise UsageError("the dask engine needs dask.distributed: pip install 'factrules[dask]'") from None
        try:
            client = Client(scheduler, timeout="20s")
        except (OSError, TimeoutError) as error:
            raise UsageError(f"cannot reach the Dask scheduler at {scheduler}: {error}") from None
        try:
            window = max(2 * sum(client.nthreads().values()), 2)
            queue = as_completed()
            in_flight = 0
            for batch in work:
                queue.add(client.submit(check_batch, batch, options, pure=False))
                in_flight += 1
                if in_flight >= window:
                    future = next(queue)
                    in_flight -= 1
                    yield future.result()
                    future.release()
            for future in queue:
                yield future.result()
                future.release()
        finally:
            client.close()

    return runner


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
    if out.exists() and not (resume or overwrite):
        raise UsageError(f"{out} exists: pass --resume to continue that scan or --overwrite to replace it")
    _engine(options)  # a broken pack or config fails here, before any output is written
    skip = done_ids(out) if resume else set()
    if overwrite and out.exists() and not resume:
        out.unlink()
    if not extensions:
        from factrules.plugins import registry

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


# -- command line ------------------------------------------------------------------------


def register(commands: Any) -> None:
    parser = commands.add_parser("scan", help="scan an archive: a directory, a JSONL corpus or a glob")
    parser.add_argument("corpus", metavar="CORPUS")
    parser.add_argument("--out", required=True, metavar="FILE", help="JSONL output, one record per document")
    parser.add_argument("--jobs", "-j", type=int, default=1, metavar="N", help="worker processes (default 1)")
    parser.add_argument("--engine", choices=("local", "dask"), default="local")
    parser.add_argument("--scheduler", default=None, metavar="ADDRESS", help="Dask scheduler, e.g. tcp://host:8786")
    parser.add_argument("--resume", action="store_true", help="skip documents already in --out")
    parser.add_argument("--overwrite", action="store_true", help="replace an existing --out")
    parser.add_argument("--report", default=None, metavar="FILE.html", help="also write an HTML report")
    parser.add_argument("--no-progress", action="store_true", help="no progress bar even on a terminal")
    parser.add_argument("--date", default=None, help="article date for documents that give none")
    from factrules.cli import _add_rule_options

    _add_rule_options(parser, date=False)
    parser.set_defaults(handler=run_scan_command)


def run_scan_command(args: Any, stdout: IO[str]) -> int:
    from factrules.cli import rule_kwargs

    kwargs = rule_kwargs(args)
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    if args.engine == "dask" and not args.scheduler:
        raise UsageError("--engine dask needs --scheduler ADDRESS")
    from factrules.api import _options, parse_date

    options = ScanOptions(
        _options(None, kwargs["rules"], kwargs["select"], kwargs["ignore"], kwargs["enable"], kwargs["config"],
                 kwargs["plugins"]),
        default_date=parse_date(args.date),
    )
    runner = run_dask(args.scheduler) if args.engine == "dask" else None
    out = Path(args.out)
    result = scan(args.corpus, out, options, jobs=args.jobs, runner=runner, resume=args.resume,
                  overwrite=args.overwrite, progress=sys.stderr.isatty() and not args.no_progress)
    print(f"scanned {result.documents} documents ({result.skipped} already done): "
          f"{result.findings} findings, {result.errors} errors -> {out}", file=stdout)
    if args.report:
        from factrules.report_html import write_report

        write_report(out, Path(args.report))
        print(f"report -> {args.report}", file=stdout)
    return 0
