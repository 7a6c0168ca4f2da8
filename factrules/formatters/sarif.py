"""``--format sarif``: SARIF 2.1.0, the format GitHub code scanning and most CI dashboards import.

Every rule of the run is described in ``tool.driver.rules`` (short and full
description, help text, default level), so a dashboard can explain a
finding without factrules installed.  Columns are code points, as in the
JSON report, and the run says so with ``columnKind: unicodeCodePoints``.
Each result carries the finding's fingerprint in ``partialFingerprints`` so
code scanning tracks it across commits the way ``--baseline`` does.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path
from typing import IO, Any
from urllib.parse import quote

from factrules._version import __version__

SARIF_SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFORMATION_URI = "https://factrules.dev"
FINGERPRINT_KEY = "factrules/v1"
LEVELS = {"error": "error", "warning": "warning", "info": "note"}


def artifact_uri(path: str) -> str:
    """A relative path stays relative (resolved against the checkout by code scanning); others become file URIs."""
    if path == "-":
        return "stdin"
    if os.path.isabs(path):
        return Path(path).as_uri()
    return quote(Path(path).as_posix(), safe="/")


def _first_sentence(text: str) -> str:
    match = re.match(r"(.+?[.!?])(?:\s|$)", text)
    return match.group(1) if match else text


def _rule_descriptor(rule_id: str, info: dict[str, Any]) -> dict[str, Any]:
    description = info.get("description") or info.get("pack_description") or ""
    message = info.get("message") or ""
    short = _first_sentence(description) if description else message
    full = description or message
    help_text = f"{description}\n\nMessage: {message}" if description and message else full
    descriptor: dict[str, Any] = {
        "id": rule_id,
        "name": rule_id.split(".", 1)[-1],
        "shortDescription": {"text": short or rule_id},
        "fullDescription": {"text": full or rule_id},
        "help": {"text": help_text or rule_id},
        "defaultConfiguration": {"level": LEVELS.get(info.get("severity", "warning"), "warning")},
        "properties": {
            "category": info.get("category", ""),
            "pack": info.get("pack", rule_id.split(".", 1)[0]),
            "tags": list(dict.fromkeys(t for t in (info.get("category"), info.get("pack")) if t)),  # unique in SARIF
        },
    }
    if info.get("link"):
        descriptor["helpUri"] = info["link"]
    return descriptor


def _region(finding: dict[str, Any]) -> dict[str, Any]:
    start, end = finding["range"]["start"], finding["range"]["end"]
    return {
        "startLine": start["line"],
        "startColumn": start["column"],
        "endLine": end["line"],
        "endColumn": end["column"],
        "charOffset": finding["span"]["start"],
        "charLength": finding["span"]["end"] - finding["span"]["start"],
        "snippet": {"text": finding["text"]},
    }


def _related_locations(finding: dict[str, Any], uri: str) -> list[dict[str, Any]]:
    """``data.related`` (the other places a consistency finding conflicts with) as SARIF related locations."""
    data = finding.get("data") or {}
    related = []
    for index, place in enumerate(data.get("related") or (), start=1):
        region: dict[str, Any] = {"startLine": place["line"], "startColumn": place["column"]}
        if "end_line" in place:
            region.update(endLine=place["end_line"], endColumn=place["end_column"])
        if "offset" in place:
            region.update(charOffset=place["offset"], charLength=place["length"])
        region["snippet"] = {"text": place["text"]}
        related.append({
            "id": index,
            "physicalLocation": {"artifactLocation": {"uri": uri}, "region": region},
            "message": {"text": f"'{place['text']}' here"},
        })
    return related


def _result(finding: dict[str, Any], rule_index: int) -> dict[str, Any]:
    uri = artifact_uri(finding["path"])
    result: dict[str, Any] = {
        "ruleId": finding["rule"],
        "ruleIndex": rule_index,
        "level": LEVELS[finding["severity"]],
        "message": {"text": finding["message"]},
        "locations": [{"physicalLocation": {"artifactLocation": {"uri": uri}, "region": _region(finding)}}],
        "properties": {"category": finding["category"], "pack": finding["pack"], "text": finding["text"]},
    }
    related = _related_locations(finding, uri)
    if related:
        result["relatedLocations"] = related
    if finding.get("fingerprint"):
        result["partialFingerprints"] = {FINGERPRINT_KEY: finding["fingerprint"]}
    if finding.get("sentence"):
        result["properties"]["sentence"] = finding["sentence"]
    if finding.get("suggestion") is not None:
        result["fixes"] = [
            {
                "description": {"text": f"Replace '{finding['text']}' with '{finding['suggestion']}'."},
                "artifactChanges": [
                    {
                        "artifactLocation": {"uri": uri},
                        "replacements": [
                            {"deletedRegion": _region(finding), "insertedContent": {"text": finding["suggestion"]}}
                        ],
                    }
                ],
            }
        ]
    return result


def _notification(error: dict[str, Any]) -> dict[str, Any]:
    notification: dict[str, Any] = {
        "level": LEVELS.get(error.get("severity", "error"), "error"),
        "message": {"text": error["message"]},
        "descriptor": {"id": error.get("kind", "error")},
    }
    if error.get("path"):
        notification["locations"] = [{"physicalLocation": {"artifactLocation": {"uri": artifact_uri(error["path"])}}}]
    return notification


def build_sarif(report: dict[str, Any], rules: dict[str, dict[str, Any]] | None = None) -> dict[str, Any]:
    """The SARIF log for a report; ``rules`` is the run's rule catalog (``formatters.catalog``)."""
    catalog = dict(rules or {})
    for finding in report["findings"]:  # rules the catalog does not know (per-folder config): describe from findings
        catalog.setdefault(
            finding["rule"],
            {"pack": finding["pack"], "category": finding["category"], "severity": finding["severity"],
             "message": finding["message"], "link": (finding.get("links") or [None])[0]},
        )
    rule_ids = list(catalog)
    index = {rule_id: i for i, rule_id in enumerate(rule_ids)}
    fatal = [e for e in report["errors"] if e.get("severity", "error") == "error"]
    tool = report.get("tool", {})
    results = [_result(f, index[f["rule"]]) for f in report["findings"]]
    baseline = report.get("summary", {}).get("baseline")
    if baseline:  # compared with a baseline: every result shown is one the baseline does not hold
        for result in results:
            result["baselineState"] = "new"
    return {
        "$schema": SARIF_SCHEMA_URI,
        "version": "2.1.0",
        "runs": [
            {
                "tool": {
                    "driver": {
                        "name": tool.get("name", "factrules"),
                        "version": tool.get("version", __version__),
                        "semanticVersion": tool.get("version", __version__),
                        "informationUri": INFORMATION_URI,
                        "rules": [_rule_descriptor(rule_id, catalog[rule_id]) for rule_id in rule_ids],
                    }
                },
                "invocations": [
                    {
                        "executionSuccessful": not fatal,
                        "toolExecutionNotifications": [_notification(e) for e in report["errors"]],
                    }
                ],
                "columnKind": "unicodeCodePoints",
                "results": results,
                **({"properties": {"baseline": baseline}} if baseline else {}),
            }
        ],
    }


def format_sarif(report: dict[str, Any], stream: IO[str], *, color: bool = False,
                 rules: dict[str, dict[str, Any]] | None = None, **_: Any) -> None:
    json.dump(build_sarif(report, rules), stream, ensure_ascii=False, indent=2)
    stream.write("\n")


#: the CLI passes the run's rule catalog as ``rules=`` to formatters that ask for it
format_sarif.needs_rules = True  # type: ignore[attr-defined]
