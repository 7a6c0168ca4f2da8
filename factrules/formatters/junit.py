"""``--format junit``: JUnit XML, which GitLab, Jenkins, Azure and most CI systems show as a test report.

One test case per checked file, one ``<failure>`` per finding in it (so a
clean draft is a passing test, not an absent one), and an ``<error>`` for a
file that could not be checked.  The file list comes from the documents the
run kept (``needs_sources``), the findings and the errors.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import IO, Any

from factrules.formatters.xmlutil import clean, write_xml


def _location(finding: dict[str, Any]) -> str:
    start = finding["range"]["start"]
    return f"{finding['path']}:{start['line']}:{start['column']}"


def build_junit(report: dict[str, Any], sources: dict[str, Any] | None = None) -> ET.Element:
    files: dict[str, dict[str, list[dict[str, Any]]]] = {}
    for path in sources or {}:
        files.setdefault(path, {"findings": [], "errors": []})
    for finding in report["findings"]:
        files.setdefault(finding["path"], {"findings": [], "errors": []})["findings"].append(finding)
    for error in report["errors"]:
        if error.get("path") and error.get("kind") in ("input-error",):
            files.setdefault(error["path"], {"findings": [], "errors": []})["errors"].append(error)
    failures = sum(len(entry["findings"]) for entry in files.values())
    errors = sum(1 for entry in files.values() if entry["errors"])
    counts = {"tests": str(len(files)), "failures": str(failures), "errors": str(errors), "skipped": "0"}
    root = ET.Element("testsuites", {"name": "factrules", **counts})
    suite = ET.SubElement(root, "testsuite", {"name": "factrules", **counts})
    for path, entry in files.items():
        case = ET.SubElement(suite, "testcase", {"classname": "factrules", "name": clean(path), "file": clean(path)})
        for finding in entry["findings"]:
            failure = ET.SubElement(case, "failure", {
                "type": finding["rule"],
                "message": clean(f"{_location(finding)}: {finding['message']}"),
            })
            lines = [f"{_location(finding)}: {finding['severity']} [{finding['rule']}] {finding['message']}"]
            if finding.get("sentence"):
                lines.append(f"  {finding['sentence']}")
            if finding.get("suggestion") is not None:
                lines.append(f"  suggestion: {finding['suggestion']}")
            failure.text = clean("\n".join(lines))
        for error in entry["errors"]:
            attributes = {"type": error.get("kind", "error"), "message": clean(error["message"])}
            element = ET.SubElement(case, "error", attributes)
            element.text = clean(error["message"])
    return root


def format_junit(report: dict[str, Any], stream: IO[str], *, color: bool = False,
                 sources: dict[str, Any] | None = None, **_: Any) -> None:
    write_xml(build_junit(report, sources), stream)


#: the CLI keeps the checked documents so files without findings become passing test cases
format_junit.needs_sources = True  # type: ignore[attr-defined]
