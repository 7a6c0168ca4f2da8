"""``--format checkstyle``: Checkstyle XML, read by Jenkins' warnings plugin, reviewdog (``-f=checkstyle``) and others.

``<file name>`` per file with findings, ``<error line column severity
message source>`` per finding; ``source`` is ``factrules.<rule>`` as
Checkstyle tools expect a dotted checker name.  Input errors are not
findings of a line, so they stay on stderr (the exit status still says 2).
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import IO, Any

from factrules.formatters.xmlutil import clean, write_xml

CHECKSTYLE_VERSION = "4.3"


def build_checkstyle(report: dict[str, Any]) -> ET.Element:
    root = ET.Element("checkstyle", {"version": CHECKSTYLE_VERSION})
    files: dict[str, ET.Element] = {}
    for finding in report["findings"]:
        path = finding["path"]
        if path not in files:
            files[path] = ET.SubElement(root, "file", {"name": clean(path)})
        start = finding["range"]["start"]
        ET.SubElement(files[path], "error", {
            "line": str(start["line"]),
            "column": str(start["column"]),
            "severity": finding["severity"],
            "message": clean(finding["message"]),
            "source": f"factrules.{finding['rule']}",
        })
    return root


def format_checkstyle(report: dict[str, Any], stream: IO[str], *, color: bool = False, **_: Any) -> None:
    write_xml(build_checkstyle(report), stream)
