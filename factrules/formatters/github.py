"""``--format github``: GitHub Actions workflow commands, which GitHub shows as annotations on the pull request.

One ``::warning file=…,line=…,col=…,endLine=…,endColumn=…,title=…::message``
line per finding (``error``/``warning``/``notice`` by severity).  Values are
escaped as GitHub's runner unescapes them (``@actions/core``): ``%``, CR and
LF in the message; those and ``:`` and ``,`` in property values, which would
otherwise end the value.  ``endColumn`` is exclusive, like the report's
range; GitHub accepts columns only when the annotation is on one line, so a
finding that spans lines gets ``line``/``endLine`` alone.
"""

from __future__ import annotations

from typing import IO, Any

COMMANDS = {"error": "error", "warning": "warning", "info": "notice"}


def escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def escape_property(value: str) -> str:
    return escape_data(value).replace(":", "%3A").replace(",", "%2C")


def command(name: str, properties: dict[str, Any], message: str) -> str:
    props = ",".join(f"{key}={escape_property(str(value))}" for key, value in properties.items())
    return f"::{name} {props}::{escape_data(message)}" if props else f"::{name}::{escape_data(message)}"


def finding_command(finding: dict[str, Any]) -> str:
    start, end = finding["range"]["start"], finding["range"]["end"]
    properties: dict[str, Any] = {"file": finding["path"], "line": start["line"]}
    if start["line"] == end["line"]:
        properties.update(col=start["column"], endLine=end["line"], endColumn=end["column"])
    else:
        properties["endLine"] = end["line"]
    properties["title"] = f"factrules ({finding['rule']})"
    return command(COMMANDS[finding["severity"]], properties, finding["message"])


def format_github(report: dict[str, Any], stream: IO[str], *, color: bool = False, **_: Any) -> None:
    for finding in report["findings"]:
        stream.write(finding_command(finding) + "\n")
    for error in report["errors"]:
        properties = {"file": error["path"]} if error.get("path") and error["path"] != "-" else {}
        properties["title"] = f"factrules ({error.get('kind', 'error')})"
        name = COMMANDS.get(error.get("severity", "error"), "error")
        stream.write(command(name, properties, error["message"]) + "\n")
