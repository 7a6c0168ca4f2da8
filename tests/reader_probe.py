"""A probe pack and helpers shared by the reader tests: they locate findings through markup."""

from __future__ import annotations

from pathlib import Path

from factrules.api import check_paths

PROBE_PACK = r"""
pack: probe
version: 1.0.0
description: Phrases to locate through markup.
language: en
defaults: {category: hedge, severity: warning, scope: sentence}
rules:
  - id: reportedly
    kind: phrase
    phrases: [reportedly]
    message: "'{text}' hedges."
    examples: {match: ["He reportedly left."]}
  - id: as-many-as
    kind: phrase
    phrases: [as many as]
    message: "'{text}' is approximate."
    examples: {match: ["as many as 100 died"]}
  - id: believed
    kind: pattern
    pattern: '\bis\s+believed\s+to\b'
    message: "'{text}' hides the believer."
    examples: {match: ["He is believed to be alive."]}
  - id: att
    kind: phrase
    case_sensitive: true
    phrases: ["AT&T"]
    message: "'{text}' named."
    examples: {match: ["AT&T said."]}
"""


def located(report) -> list[tuple[str, str, tuple[int, int], tuple[int, int]]]:
    """(rule id, text, (line, column) of start, of end) of every finding, in source order."""
    return [
        (f.rule.split(".", 1)[1], f.text, (f.range["start"]["line"], f.range["start"]["column"]),
         (f.range["end"]["line"], f.range["end"]["column"]))
        for f in report.findings
    ]


def check(path: Path, probe: Path, **kwargs) -> object:
    report = check_paths([str(path)], rules=[str(probe)], select=["probe"], **kwargs)
    assert not report.errors, report.errors
    return report
