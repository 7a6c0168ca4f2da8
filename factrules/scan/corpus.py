"""Reading a corpus lazily: JSONL records, files under a directory, or a glob's files, in batches."""

from __future__ import annotations

import glob
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, replace

from factrules.api import iter_files
from factrules.errors import InputError

#: documents per batch sent to a worker: large enough to amortise pickling, small enough to balance
BATCH_DOCUMENTS = 16
BATCH_CHARACTERS = 1_000_000


@dataclass(frozen=True)
class Item:
    """One document of a corpus, before it is read: inline text, a file path, or a record that could not be read.

    ``error`` (a bad JSONL line) makes the document an error record; ``notes`` (an escaped or renamed id)
    become warnings in its record.
    """

    id: str
    text: str | None = None
    path: str | None = None
    date: str | None = None
    format: str | None = None
    error: str | None = None
    notes: tuple[str, ...] = ()


def escape_id(value: str) -> tuple[str, bool]:
    """An id that can be written as UTF-8 JSON, and whether it had to change.

    Lone surrogates (a JSON ``"\\ud800"``, or a file name's undecodable bytes, which Python
    holds as surrogates) become backslash escapes: ``caf\\xe9.txt``, ``a\\ud800b``. The
    same id is escaped the same way on every run, so ``--resume`` still finds it.
    """
    try:
        value.encode("utf-8")
        return value, False
    except UnicodeEncodeError:
        pass
    try:  # a file name: its undecodable bytes are surrogate escapes
        return os.fsencode(value).decode("utf-8", "backslashreplace"), True
    except UnicodeError:
        return value.encode("utf-8", "backslashreplace").decode("utf-8"), True


def _path_item(identifier: str, path: str) -> Item:
    escaped, changed = escape_id(identifier)
    notes = (f"{escaped}: the file name is not UTF-8; its id escapes the bytes",) if changed else ()
    return Item(id=escaped, path=path, notes=notes)


def iter_corpus(corpus: str, extensions: Iterable[str]) -> Iterator[Item]:
    """Yield the corpus's documents lazily: JSONL records, files under a directory, or a glob's files."""
    if os.path.isdir(corpus):
        for path in iter_files([corpus], extensions):
            yield _path_item(os.path.relpath(path, corpus), path)
    elif corpus.endswith((".jsonl", ".ndjson")) and os.path.isfile(corpus):
        yield from _iter_jsonl(corpus)
    elif any(char in corpus for char in "*?["):
        matched = False
        for path in sorted(glob.iglob(corpus, recursive=True)):
            if os.path.isfile(path):
                matched = True
                yield _path_item(path, path)
        if not matched:
            raise InputError(corpus, "the glob matches no file")
    elif os.path.isfile(corpus):
        yield _path_item(corpus, corpus)
    else:
        raise InputError(corpus, "no such corpus (a directory, a .jsonl file or a glob)")


def _iter_jsonl(path: str) -> Iterator[Item]:
    """A JSONL corpus's records; a line that is not a record becomes an error record and reading goes on.

    Ids are escaped (``escape_id``) and a repeated id is renamed ``ID#2``, ``ID#3``... with a
    warning in its record: every record keeps its own line in the output, so ``--resume``
    can never mistake a repeat for a document already done.
    """
    seen: set[str] = set()
    with open(path, encoding="utf-8", errors="surrogateescape") as handle:
        for number, line in enumerate(handle, 1):
            if not line.strip():
                continue
            item = _record_item(path, number, line)
            if item.id in seen:
                count = 2
                while f"{item.id}#{count}" in seen:
                    count += 1
                renamed = f"{item.id}#{count}"
                item = replace(item, id=renamed, notes=(*item.notes,
                               f"{renamed}: line {number} repeats the id {item.id!r}; renamed"))
            seen.add(item.id)
            yield item


def _record_item(path: str, number: int, line: str) -> Item:
    where = f"{path}:{number}"
    try:
        record = json.loads(line)
    except (ValueError, RecursionError) as error:
        reason = error.msg if isinstance(error, json.JSONDecodeError) else "nested too deeply"
        return _bad_line(where, number, f"not JSON ({reason})")
    if not isinstance(record, dict) or not isinstance(record.get("text"), str):
        return _bad_line(where, number, "not a record with a string 'text'")
    raw = record.get("id", where)
    identifier, changed = escape_id(raw if isinstance(raw, str) else json.dumps(raw, ensure_ascii=False))
    notes = (f"{identifier}: the id holds lone surrogates; they are escaped",) if changed else ()
    date = record.get("date")
    form = record.get("format")
    return Item(id=identifier, text=record["text"], date=str(date) if date else None,
                format=form if isinstance(form, str) else None, notes=notes)


def _bad_line(where: str, number: int, reason: str) -> Item:
    identifier, _ = escape_id(where)
    return Item(id=identifier, error=f"{identifier}: line {number}: {reason}; the record is skipped")


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
