"""Findings, their fingerprints, and the report every output format is made from."""

from __future__ import annotations

import copy
import hashlib
from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from factrules._version import __version__
from factrules.resources import load_schema

if TYPE_CHECKING:  # jsonschema is imported when a validator is first built: most runs validate nothing
    from jsonschema import Draft202012Validator
    from referencing import Registry

SEVERITIES = ("info", "warning", "error")
SEVERITY_RANK = {name: rank for rank, name in enumerate(SEVERITIES)}
_OPTIONAL_FIELDS = ("sentence", "suggestion", "data", "fingerprint", "links")


@dataclass
class Finding:
    """One thing an editor must verify, located in the source file.

    ``span`` is in code points of the decoded source file; ``range`` is
    1-based line and column, the end exclusive (the position just after the
    last flagged character), as in LSP and SARIF.
    """

    rule: str
    pack: str
    category: str
    severity: str
    message: str
    path: str
    span: dict[str, int]
    range: dict[str, dict[str, int]]
    text: str
    sentence: str | None = None
    suggestion: str | None = None
    data: dict[str, Any] | None = None
    fingerprint: str | None = None
    links: list[str] = field(default_factory=list)
    #: Plain-text offsets, for post-processing; not part of the published format.
    plain_span: tuple[int, int] = (0, 0)

    def to_dict(self) -> dict[str, Any]:
        """The finding as published: no empty optional fields, no internal offsets.

        Built by hand rather than with ``dataclasses.asdict``, whose recursive deep copy was a
        fifth of the time of an HTTP check; the nested values are copied one level, enough that
        a caller editing the dict cannot change the finding.
        """
        result: dict[str, Any] = {
            "rule": self.rule, "pack": self.pack, "category": self.category, "severity": self.severity,
            "message": self.message, "path": self.path, "span": dict(self.span),
            "range": {"start": dict(self.range["start"]), "end": dict(self.range["end"])}, "text": self.text,
        }
        for key in _OPTIONAL_FIELDS:
            value = getattr(self, key)
            if value not in (None, [], {}):
                result[key] = copy.deepcopy(value) if key == "data" else (list(value) if key == "links" else value)
        return result

    @property
    def line(self) -> int:
        return self.range["start"]["line"]

    @property
    def column(self) -> int:
        return self.range["start"]["column"]


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
    for finding in sorted(findings, key=lambda f: (f.path, f.span["start"], f.rule)):
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
