"""Reading a corpus lazily: JSONL records, files under a directory, or a glob's files, in batches."""

from __future__ import annotations

import glob
import json
import os
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from factrules.api import iter_files
from factrules.errors import InputError

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


def iter_corpus(corpus: str, extensions: Iterable[str]) -> Iterator[Item]:
    """Yield the corpus's documents lazily: JSONL records, files under a directory, or a glob's files."""
    if os.path.isdir(corpus):
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
