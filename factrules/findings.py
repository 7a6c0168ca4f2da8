"""Findings, their fingerprints, and the report every output format is made from."""

from __future__ import annotations

import copy
import hashlib
import struct
from collections import Counter
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any

from factrules._version import __version__
from factrules.resources import load_schema

if TYPE_CHECKING:  # jsonschema is imported when a validator is first built: most runs validate nothing
    from jsonschema import Draft202012Validator
    from referencing import Registry

SEVERITIES = ("info", "warning", "error")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}

#: a finding's eight positions (source span, range, plain span) packed in one bytes object: 32-bit
#: integers when they fit (65 bytes; any draft under 2 GB), 64-bit otherwise (97 bytes)
_PLACE_32 = struct.Struct("8i")
_PLACE_64 = struct.Struct("8q")


def _pack_place(*values: int) -> bytes:
    try:
        return _PLACE_32.pack(*values)
    except struct.error:
        return _PLACE_64.pack(*values)


def _unpack_place(place: bytes) -> tuple[int, ...]:
    return (_PLACE_32 if len(place) == _PLACE_32.size else _PLACE_64).unpack(place)


class Finding:
    """One thing an editor must verify, located in the source file.

    ``span`` is in code points of the decoded source file; ``range`` is
    1-based line and column, the end exclusive (the position just after the
    last flagged character), as in LSP and SARIF.

    Kept compact (slots; span, range and plain span packed as eight integers in one bytes object,
    their dicts built when read): a 50 MB draft yields hundreds of thousands of findings that must all
    exist at once to be sorted, suppressed and fingerprinted.  Four small dicts and an instance dict per
    finding were most of its memory; then three tuples and the large integers in them were a fifth of
    what was left (about 300 bytes a finding, against 65 for the packed bytes).  ``span`` and ``range``
    read and assign as the dicts they always were; a dict read from them is a fresh copy, so change a
    finding's place by assigning, not by editing that copy.
    """

    __slots__ = ("rule", "pack", "category", "severity", "message", "path", "_place", "text", "sentence",
                 "suggestion", "data", "fingerprint", "_links")

    def __init__(self, rule: str, pack: str, category: str, severity: str, message: str, path: str,
                 span: dict[str, int], range: dict[str, dict[str, int]], text: str,  # noqa: A002 - the field
                 sentence: str | None = None, suggestion: str | None = None, data: dict[str, Any] | None = None,
                 fingerprint: str | None = None, links: list[str] | None = None,
                 plain_span: tuple[int, int] = (0, 0)) -> None:
        self.rule, self.pack, self.category, self.severity = rule, pack, category, severity
        self.message, self.path, self.text = message, path, text
        start, end = range["start"], range["end"]
        self._place = _pack_place(span["start"], span["end"], start["line"], start["column"], end["line"],
                                  end["column"], plain_span[0], plain_span[1])
        self.sentence, self.suggestion, self.data, self.fingerprint = sentence, suggestion, data, fingerprint
        self._links = tuple(links) if links else ()

    @classmethod
    def at(cls, rule: str, pack: str, category: str, severity: str, message: str, path: str,
           place: tuple[int, int, int, int, int, int, int, int], text: str, sentence: str | None,
           suggestion: str | None, data: dict[str, Any] | None, links: tuple[str, ...]) -> Finding:
        """A finding from its eight positions as integers (source start and end, start line and column,
        end line and column, plain start and end): the engine's way, without building the dicts."""
        finding = cls.__new__(cls)
        finding.rule, finding.pack, finding.category, finding.severity = rule, pack, category, severity
        finding.message, finding.path, finding.text, finding.sentence = message, path, text, sentence
        finding.suggestion, finding.data, finding.fingerprint, finding._links = suggestion, data, None, links
        finding._place = _pack_place(*place)
        return finding

    def _replace_place(self, index: int, values: tuple[int, ...]) -> None:
        place = list(_unpack_place(self._place))
        place[index : index + len(values)] = values
        self._place = _pack_place(*place)

    @property
    def _span(self) -> tuple[int, int]:
        return _unpack_place(self._place)[0:2]

    @property
    def _range(self) -> tuple[int, int, int, int]:
        return _unpack_place(self._place)[2:6]

    @property
    def _plain(self) -> tuple[int, int]:
        return _unpack_place(self._place)[6:8]

    @property
    def span(self) -> dict[str, int]:
        start, end = self._span
        return {"start": start, "end": end}

    @span.setter
    def span(self, value: dict[str, int]) -> None:
        self._replace_place(0, (value["start"], value["end"]))

    @property
    def range(self) -> dict[str, dict[str, int]]:
        line, column, end_line, end_column = self._range
        return {"start": {"line": line, "column": column}, "end": {"line": end_line, "column": end_column}}

    @range.setter
    def range(self, value: dict[str, dict[str, int]]) -> None:
        start, end = value["start"], value["end"]
        self._replace_place(2, (start["line"], start["column"], end["line"], end["column"]))

    @property
    def links(self) -> list[str]:
        return list(self._links)

    @links.setter
    def links(self, value: list[str]) -> None:
        self._links = tuple(value)

    @property
    def plain_span(self) -> tuple[int, int]:
        """Plain-text offsets, for post-processing; not part of the published format."""
        return self._plain

    @plain_span.setter
    def plain_span(self, value: tuple[int, int]) -> None:
        self._replace_place(6, (value[0], value[1]))

    @property
    def start(self) -> int:
        """``span["start"]`` without building the dict (sorting hundreds of thousands of findings)."""
        return _unpack_place(self._place)[0]

    @property
    def end(self) -> int:
        return _unpack_place(self._place)[1]

    def _fields(self) -> tuple[Any, ...]:
        return (self.rule, self.pack, self.category, self.severity, self.message, self.path, self._span,
                self._range, self.text, self.sentence, self.suggestion, self.data, self.fingerprint, self._links,
                self._plain)

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return self._fields() == other._fields()  # type: ignore[attr-defined]

    __hash__ = None  # type: ignore[assignment]  # mutable, as the dataclass it was

    def __repr__(self) -> str:
        return (f"Finding(rule={self.rule!r}, pack={self.pack!r}, category={self.category!r}, "
                f"severity={self.severity!r}, message={self.message!r}, path={self.path!r}, span={self.span!r}, "
                f"range={self.range!r}, text={self.text!r}, sentence={self.sentence!r}, "
                f"suggestion={self.suggestion!r}, data={self.data!r}, fingerprint={self.fingerprint!r}, "
                f"links={self.links!r}, plain_span={self.plain_span!r})")

    def __getstate__(self) -> tuple[Any, ...]:
        return self._fields()

    def __setstate__(self, state: tuple[Any, ...]) -> None:
        (self.rule, self.pack, self.category, self.severity, self.message, self.path, span, range_,
         self.text, self.sentence, self.suggestion, self.data, self.fingerprint, self._links, plain) = state
        self._place = _pack_place(*span, *range_, *plain)

    def to_dict(self) -> dict[str, Any]:
        """The finding as published: no empty optional fields, no internal offsets.

        Built by hand rather than with ``dataclasses.asdict``, whose recursive deep copy was a
        fifth of the time of an HTTP check; the nested values are fresh, so a caller editing the
        dict cannot change the finding.
        """
        start, end, line, column, end_line, end_column, _, _ = _unpack_place(self._place)
        result: dict[str, Any] = {
            "rule": self.rule, "pack": self.pack, "category": self.category, "severity": self.severity,
            "message": self.message, "path": self.path, "span": {"start": start, "end": end},
            "range": {"start": {"line": line, "column": column}, "end": {"line": end_line, "column": end_column}},
            "text": self.text,
        }
        if self.sentence is not None:
            result["sentence"] = self.sentence
        if self.suggestion is not None:
            result["suggestion"] = self.suggestion
        if self.data:
            result["data"] = _fresh(self.data)
        if self.fingerprint is not None:
            result["fingerprint"] = self.fingerprint
        if self._links:
            result["links"] = list(self._links)
        return result

    @property
    def line(self) -> int:
        return _unpack_place(self._place)[2]

    @property
    def column(self) -> int:
        return _unpack_place(self._place)[3]


def order_key(finding: Finding) -> tuple[int, int, str]:
    """(start, end, rule): the order of a document's findings."""
    place = _unpack_place(finding._place)
    return place[0], place[1], finding.rule


def _start_of(finding: Finding) -> int:
    """``finding.start`` read straight from its packed place (one call less per finding, in sorting)."""
    place = finding._place
    return (_PLACE_32 if len(place) == _PLACE_32.size else _PLACE_64).unpack_from(place)[0]


def _fingerprint_order(findings: list[Finding]) -> Iterable[Finding]:
    """The findings by (path, start, rule), ties in their order in ``findings``.

    The engine's findings are one document's, sorted by start: then each run of equal starts is sorted
    by rule, and no list of every finding's key is built, at the moment a check holds the most.
    """
    path = findings[0].path if findings else None
    previous = -1
    for finding in findings:
        start = _start_of(finding)
        if start < previous or finding.path != path:
            return sorted(findings, key=lambda f: (f.path, f.start, f.rule))
        previous = start
    return _by_rule_within_starts(findings)


def _by_rule_within_starts(findings: list[Finding]) -> Iterator[Finding]:
    run: list[Finding] = []
    run_start = -1
    for finding in findings:
        start = _start_of(finding)  # each finding's start read once, not again for every comparison
        if run and start != run_start:
            if len(run) > 1:
                run.sort(key=lambda f: f.rule)
            yield from run
            run = []
        if not run:
            run_start = start
        run.append(finding)
    if len(run) > 1:
        run.sort(key=lambda f: f.rule)
    yield from run


#: distinct strings ``assign_fingerprints`` keeps normalised at a time
_NORMALISED_CACHE = 1 << 16


_ATOMS = frozenset({str, int, float, bool, type(None)})


def _fresh(value: Any) -> Any:
    """A deep copy of JSON-like data: dicts and lists rebuilt, immutable atoms shared, anything else deep-copied.

    ``copy.deepcopy``'s memo and per-type dispatch cost more than the rest of ``to_dict``; a finding's
    ``data`` is a small tree of dicts, lists and atoms, where this gives the same fresh copy.
    """
    kind = type(value)
    if kind in _ATOMS:
        return value
    if kind is dict:
        return {key: _fresh(item) for key, item in value.items()}
    if kind is list:
        return [_fresh(item) for item in value]
    return copy.deepcopy(value)


def _normalise(text: str) -> str:
    return " ".join(text.lower().split())


def assign_fingerprints(findings: list[Finding]) -> None:
    """Give each finding a fingerprint that survives unrelated edits.

    It hashes the rule, the flagged words and the sentence around them (not
    the line number), plus the occurrence count of that triple, so adding
    lines above a finding keeps it, and changing the flagged words changes it.
    """
    #: path -> the first 16 bytes of the hash of rule, text and sentence -> occurrences so far: a key of 49
    #: bytes that holds no normalised sentence alive (a tuple of the strings held every one of them)
    seen_in: dict[str, dict[bytes, int]] = {}
    #: findings share sentences (and often words): each distinct string is normalised once, in a cache that
    #: is emptied when full, so a huge draft's check does not hold a normalised copy of every sentence
    normalised: dict[str, str] = {}
    sha256 = hashlib.sha256
    for finding in _fingerprint_order(findings):
        text, sentence = finding.text, finding.sentence or ""
        if len(normalised) > _NORMALISED_CACHE:
            normalised.clear()
        text_key = normalised.get(text)
        if text_key is None:
            text_key = normalised[text] = _normalise(text)
        sentence_key = normalised.get(sentence)
        if sentence_key is None:
            sentence_key = normalised[sentence] = _normalise(sentence)
        # surrogatepass: a Document built in code may carry lone surrogates, and hashing must not fail on them
        # hashing the identity's head and then the occurrence gives the hash of the whole identity
        head = sha256(f"{finding.rule}\x1f{text_key}\x1f{sentence_key}\x1f".encode("utf-8", "surrogatepass"))
        seen = seen_in.get(finding.path)
        if seen is None:
            seen = seen_in[finding.path] = {}
        key = head.digest()[:16]
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        head.update(str(occurrence).encode())
        finding.fingerprint = head.hexdigest()[:20]


def _registry() -> Registry:
    from referencing import Registry, Resource

    resources = []
    for name in ("finding", "report"):
        schema = load_schema(name)
        resources.append((schema["$id"], Resource.from_contents(schema)))
    return Registry().with_resources(resources)


_validators: dict[str, Draft202012Validator] = {}


def validator(name: str) -> Draft202012Validator:
    """A cached validator for one of the published schemas (finding, report, rule-pack, config)."""
    if name not in _validators:
        from jsonschema import Draft202012Validator

        _validators[name] = Draft202012Validator(load_schema(name), registry=_registry())
    return _validators[name]


def build_report(findings: list[Finding], errors: list[dict[str, Any]], files: int) -> dict[str, Any]:
    """Assemble the JSON report (``schemas/report.schema.json``)."""
    by_severity = Counter(f.severity for f in findings)
    by_category = Counter(f.category for f in findings)
    return {
        "tool": {"name": "factrules", "version": __version__},
        "findings": [f.to_dict() for f in findings],
        "errors": errors,
        "summary": {
            "files": files,
            "findings": len(findings),
            "by_severity": {s: by_severity.get(s, 0) for s in SEVERITIES},
            "by_category": dict(sorted(by_category.items())),
            "errors": len(errors),
        },
    }
