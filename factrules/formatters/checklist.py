"""``--format checklist``: a Markdown fact-check checklist for a pull-request comment or a job summary.

An editor works claim by claim, sentence by sentence, not finding by finding: the checklist groups the
findings of each file by the sentence they sit in (in reading order) and gives one ``- [ ]`` item per claim
to verify, with what the finding knows about it when it knows it:

* the **category** (``hedge``, ``unverified``, ``number``, ...) and the rule;
* the **source kind** and source an attribution rule found (``data.source_kind``, ``data.source``, the verb);
* a figure's **interval** (``data.low`` / ``data.high``, approximate or not, with its unit);
* a date's **resolved** day or span (``data.resolved_start`` / ``data.resolved_end``);
* a spelling's **suggestion** and the other places (``data.related``, ``data.others``).

Each item is one line, so GitHub renders a task list an editor can tick.  The first line is an HTML comment
marking the file as factrules' own, so a later ``factrules check .`` does not read the checklist back as a
draft (``factrules.walk``).
"""

from __future__ import annotations

from collections import Counter
from typing import IO, Any

from factrules.walk import MARKDOWN_MARK

TITLE = "Fact-check checklist"
_ESCAPE = str.maketrans({ch: "\\" + ch for ch in "\\`*_[]<>|#"})


def md(text: Any) -> str:
    """Text for a Markdown line: one line, Markdown's special characters escaped."""
    return " ".join(str(text).split()).translate(_ESCAPE)


def _number(value: Any) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else str(value)


def interval(data: dict[str, Any]) -> str | None:
    """A figure's interval as an editor reads it: ``≤300``, ``≥40``, ``200–300``, ``about 120``."""
    if "low" not in data and "high" not in data:
        return None
    low, high = data.get("low"), data.get("high")
    if low is None and high is None:
        return None
    if low is not None and high is not None:
        shown = _number(low) if low == high else f"{_number(low)}–{_number(high)}"
    elif high is not None:
        shown = f"≤{_number(high)}"
    else:
        shown = f"≥{_number(low)}"
    if data.get("approximate") and low == high:
        shown = "about " + shown
    unit = data.get("unit")
    if unit and unit not in ("count",):
        shown += f" {unit}"
    return shown


def resolved_date(data: dict[str, Any]) -> str | None:
    start, end = data.get("resolved_start"), data.get("resolved_end")
    if not start:
        return "unresolved (no article date)" if "resolved_start" in data and not data.get("vague") else None
    shown = start if start == end or not end else f"{start} to {end}"
    return ("about " if data.get("approximate") else "") + shown


def details(finding: dict[str, Any]) -> list[str]:
    """The facts an item shows after its message, each ``label: value``."""
    data = finding.get("data") or {}
    parts: list[str] = []
    if data.get("source_kind"):
        source = f"source kind: {data['source_kind']}"
        if data.get("source"):
            source += f" ({data['source']!s}{', ' + str(data['verb']) if data.get('verb') else ''})"
        parts.append(source)
    figure = interval(data)
    if figure:
        parts.append(f"figure: {figure}")
    when = resolved_date(data)
    if when:
        parts.append(f"date: {when}")
    if finding.get("suggestion") is not None:
        parts.append(f"suggestion: {finding['suggestion']}")
    related = data.get("related")
    if isinstance(related, list) and related:
        places = [(f"'{r['text']}' " if r.get("text") else "") + f"line {r['line']}"
                  for r in related if isinstance(r, dict) and r.get("line")]
        if places:
            parts.append(f"also at {', '.join(places)}")
    elif data.get("others"):
        parts.append(f"also: {data['others']}")
    return parts


def item(finding: dict[str, Any]) -> str:
    start = finding["range"]["start"]
    facts = "".join(f" · {md(part)}" for part in details(finding))
    return (f"- [ ] **{md(finding['category'])}** “{md(finding['text'])}” — {md(finding['message'])}{facts} "
            f"<sub>{md(finding['rule'])}, line {start['line']}:{start['column']}, {finding['severity']}</sub>")


def sentence_groups(findings: list[dict[str, Any]]) -> list[tuple[str, int, list[dict[str, Any]]]]:
    """(sentence, first line, findings) in reading order; findings without a sentence are grouped by line."""
    groups: dict[tuple[str, str], tuple[str, int, list[dict[str, Any]]]] = {}
    for finding in sorted(findings, key=lambda f: (f["span"]["start"], f["rule"])):
        line = finding["range"]["start"]["line"]
        sentence = finding.get("sentence")
        key = ("s", sentence) if sentence else ("l", str(line))
        if key not in groups:
            groups[key] = (sentence or "", line, [])
        groups[key][2].append(finding)
    return list(groups.values())


def checklist_lines(report: dict[str, Any]) -> list[str]:
    """The whole checklist, line by line."""
    findings = report["findings"]
    by_category = Counter(f["category"] for f in findings)
    by_path: dict[str, list[dict[str, Any]]] = {}
    for finding in findings:
        by_path.setdefault(finding["path"], []).append(finding)
    lines = [f"{MARKDOWN_MARK}: fact-check checklist -->", f"## {TITLE}", ""]
    if findings:
        counts = ", ".join(f"{n} {md(c)}" for c, n in sorted(by_category.items(), key=lambda kv: (-kv[1], kv[0])))
        files = len(by_path)
        lines.append(f"{len(findings)} claim{'s' if len(findings) != 1 else ''} to verify in {files} "
                     f"file{'s' if files != 1 else ''} ({counts}). Tick each one once it is checked or fixed.")
    else:
        lines.append("Nothing to verify: no findings.")
    baseline = report.get("summary", {}).get("baseline")
    if baseline:
        lines += ["", f"Baseline `{md(baseline['file'])}`: {baseline['hidden']} known finding(s) not listed, "
                      f"{baseline['stale']} stale entr{'ies' if baseline['stale'] != 1 else 'y'}."]
    for path, path_findings in by_path.items():
        lines += ["", f"### {md(path)}"]
        for sentence, line, group in sentence_groups(path_findings):
            lines += ["", f"**Line {line}:** {md(sentence)}" if sentence else f"**Line {line}:**"]
            lines += [item(finding) for finding in group]
    errors = [e for e in report["errors"] if e.get("kind") != "empty-file"]
    if errors:
        lines += ["", "### Not checked", ""]
        lines += [f"- {md(error['message'])}" for error in errors]
    return lines


def format_checklist(report: dict[str, Any], stream: IO[str], *, color: bool = False, **_: Any) -> None:
    stream.write("\n".join(checklist_lines(report)) + "\n")
