"""Checking corpus documents, in whichever process runs them: one JSON record per document."""

from __future__ import annotations

import datetime as dt
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import regex

from factrules.api import Options, build_engine, parse_date, read_document, resolve_config
from factrules.errors import FactrulesError
from factrules.scan.corpus import Item

_WORDS = regex.compile(r"[\p{L}\p{N}]+(?:['’-][\p{L}\p{N}]+)*")
_LONE_SURROGATE = regex.compile(r"[\ud800-\udfff]")


@dataclass(frozen=True)
class ScanOptions:
    """What every worker needs (picklable, hashable): the run's options, as for ``check``, and the
    article date for documents that give none (a record's own ``date`` wins)."""

    options: Options = field(default_factory=Options)
    default_date: dt.date | None = None


_engines: dict[ScanOptions, Any] = {}


def engine_for(options: ScanOptions) -> Any:
    """Build the engine once per process (workers keep it between batches)."""
    if options not in _engines:
        config = resolve_config(options.options, Path.cwd())
        _engines[options] = build_engine(options.options, config)
    return _engines[options]


def check_item(item: Item, options: ScanOptions) -> dict[str, Any]:
    """Check one corpus document and return its output record; input problems become its errors."""
    engine = engine_for(options)
    record: dict[str, Any] = {"id": item.id}
    errors: list[dict[str, Any]] = [{"path": item.id, "kind": "input-warning", "severity": "warning", "message": note}
                                    for note in item.notes]
    if item.error is not None:
        errors.append({"path": item.id, "kind": "input-error", "severity": "error", "message": item.error})
        record.update(date=None, words=0, findings=[], errors=errors)
        return record
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
    except Exception as error:  # noqa: BLE001 - one document a reader or rule chokes on must not end the scan
        message = f"{item.id}: the check failed ({type(error).__name__}: {error})"
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
        # ids are escaped already; a message quoting a non-UTF-8 file name is escaped here, never crashed on
        data="".join(json.dumps(record, ensure_ascii=False) + "\n" for record in records).encode(
            "utf-8", "backslashreplace"),
        documents=len(records),
        findings=sum(len(record["findings"]) for record in records),
        errors=sum(len(record["errors"]) for record in records),
    )
