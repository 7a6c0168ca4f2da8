"""Findings, their fingerprints, and the report every output format is made from."""

from __future__ import annotations

import copy
import hashlib
from collections import Counter
from typing import TYPE_CHECKING, Any

from factrules._version import __version__
from factrules.resources import load_schema

if TYPE_CHECKING:  # jsonschema is imported when a validator is first built: most runs validate nothing
    from jsonschema import Draft202012Validator
    from referencing import Registry

SEVERITIES = ("info", "warning", "error")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}


class Finding:
    """One thing an editor must verify, located in the source file.

    ``span`` is in code points of the decoded source file; ``range`` is
    1-based line and column, the end exclusive (the position just after the
    last flagged character), as in LSP and SARIF.

    Kept compact (slots; span and range stored as six integers, their dicts built when read): a
    50 MB draft yields hundreds of thousands of findings that must all exist at once to be sorted,
    suppressed and fingerprinted, and four small dicts and an instance dict per finding were most of
    its memory.  ``span`` and ``range`` read and assign as the dicts they always were; a dict read
    from them is a fresh copy, so change a finding's place by assigning, not by editing that copy.
    """

    __slots__ = ("rule", "pack", "category", "severity", "message", "path", "_span", "_range", "text", "sentence",
                 "suggestion", "data", "fingerprint", "_links", "_plain")

    def __init__(self, rule: str, pack: str, category: str, severity: str, message: str, path: str,
                 span: dict[str, int], range: dict[str, dict[str, int]], text: str,  # noqa: A002 - the field
                 sentence: str | None = None, suggestion: str | None = None, data: dict[str, Any] | None = None,
                 fingerprint: str | None = None, links: list[str] | None = None,
                 plain_span: tuple[int, int] = (0, 0)) -> None:
        self.rule, self.pack, self.category, self.severity = rule, pack, category, severity
        self.message, self.path, self.text = message, path, text
        self.span = span
        self.range = range
        self.sentence, self.suggestion, self.data, self.fingerprint = sentence, suggestion, data, fingerprint
        self.links = links if links is not None else []
        self.plain_span = plain_span

    @property
    def span(self) -> dict[str, int]:
        return {"start": self._span[0], "end": self._span[1]}

    @span.setter
    def span(self, value: dict[str, int]) -> None:
        self._span = (value["start"], value["end"])

    @property
    def range(self) -> dict[str, dict[str, int]]:
        line, column, end_line, end_column = self._range
        return {"start": {"line": line, "column": column}, "end": {"line": end_line, "column": end_column}}

    @range.setter
    def range(self, value: dict[str, dict[str, int]]) -> None:
        start, end = value["start"], value["end"]
        self._range = (start["line"], start["column"], end["line"], end["column"])

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
        self._plain = (value[0], value[1])

    @property
    def start(self) -> int:
        """``span["start"]`` without building the dict (sorting hundreds of thousands of findings)."""
        return self._span[0]

    @property
    def end(self) -> int:
        return self._span[1]

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
        (self.rule, self.pack, self.category, self.severity, self.message, self.path, self._span, self._range,
         self.text, self.sentence, self.suggestion, self.data, self.fingerprint, self._links, self._plain) = state

    def to_dict(self) -> dict[str, Any]:
        """The finding as published: no empty optional fields, no internal offsets.

        Built by hand rather than with ``dataclasses.asdict``, whose recursive deep copy was a
        fifth of the time of an HTTP check; the nested values are fresh, so a caller editing the
        dict cannot change the finding.
        """
        line, column, end_line, end_column = self._range
        result: dict[str, Any] = {
            "rule": self.rule, "pack": self.pack, "category": self.category, "severity": self.severity,
            "message": self.message, "path": self.path, "span": {"start": self._span[0], "end": self._span[1]},
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
        return self._range[0]

    @property
    def column(self) -> int:
        return self._range[1]


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
    seen: dict[tuple[str, str, str, str], int] = {}
    #: findings share sentences (and often words): each distinct string is normalised once
    normalised: dict[str, str] = {}
    sha256 = hashlib.sha256
    for finding in sorted(findings, key=lambda f: (f.path, f.start, f.rule)):
        text, sentence = finding.text, finding.sentence or ""
        text_key = normalised.get(text)
        if text_key is None:
            text_key = normalised[text] = _normalise(text)
        sentence_key = normalised.get(sentence)
        if sentence_key is None:
            sentence_key = normalised[sentence] = _normalise(sentence)
        key = (finding.path, finding.rule, text_key, sentence_key)
        occurrence = seen.get(key, 0)
        seen[key] = occurrence + 1
        # surrogatepass: a Document built in code may carry lone surrogates, and hashing must not fail on them
        identity = f"{finding.rule}\x1f{text_key}\x1f{sentence_key}\x1f{occurrence}"
        finding.fingerprint = sha256(identity.encode("utf-8", "surrogatepass")).hexdigest()[:20]


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
