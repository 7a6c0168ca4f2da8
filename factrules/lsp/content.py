"""What the language server shows: diagnostics, hovers and code actions made from findings.

Each function turns a ``CheckResult`` (one buffer version's findings) into
LSP objects; the pygls wiring lives in ``factrules.lsp.server``.  Ranges are
converted from factrules' 1-based code-point columns to the client's
negotiated position encoding here, and nowhere else.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from lsprotocol import types

from factrules.authoring import explain_text
from factrules.findings import Finding
from factrules.lsp.check import CheckResult
from factrules.lsp.positions import UTF16, code_units, from_lsp, to_lsp
from factrules.selectors import glob_matches

SOURCE = "factrules"
#: the URI scheme of a rule's explanation when the rule has no ``link`` (the VS Code extension serves it)
EXPLAIN_SCHEME = "factrules"
IGNORE_COMMAND = "factrules.ignoreFinding"
SEVERITIES = {
    "error": types.DiagnosticSeverity.Error,
    "warning": types.DiagnosticSeverity.Warning,
    "info": types.DiagnosticSeverity.Information,
}
#: codes of diagnostics that say why a document could not be checked (no finding, no fix)
PROBLEM_CODES = frozenset({"config-error", "internal-error"})
#: languages with a comment syntax factrules reads suppressions from
COMMENT_LANGUAGES = frozenset({"markdown", "html"})
NEXT_LINE = re.compile(r"^(?P<indent>\s*)<!--\s*factrules-disable-next-line\s+(?P<rules>.*?)\s*-->\s*$")


def explain_uri(rule_id: str) -> str:
    """``factrules:/rules/explain/<rule>``: what ``factrules rules explain <rule>`` prints."""
    return f"{EXPLAIN_SCHEME}:/rules/explain/{rule_id}"


def rule_id_of_uri(uri: str) -> str | None:
    prefix = f"{EXPLAIN_SCHEME}:/rules/explain/"
    return uri[len(prefix) :] if uri.startswith(prefix) and len(uri) > len(prefix) else None


def finding_range(result: CheckResult, finding: Finding, encoding: str = UTF16) -> types.Range:
    """The finding's LSP range in the client's position encoding."""
    start = finding.range["start"]
    end = finding.range["end"]
    start_line, start_char = to_lsp(result.lines, start["line"], start["column"], encoding, lead=result.lead)
    end_line, end_char = to_lsp(result.lines, end["line"], end["column"], encoding, lead=result.lead)
    return types.Range(types.Position(start_line, start_char), types.Position(end_line, end_char))


def diagnostic(result: CheckResult, finding: Finding, encoding: str = UTF16) -> types.Diagnostic:
    href = finding.links[0] if finding.links else explain_uri(finding.rule)
    data: dict[str, Any] = {"rule": finding.rule, "fingerprint": finding.fingerprint, "text": finding.text}
    if finding.suggestion is not None:
        data["suggestion"] = finding.suggestion
    return types.Diagnostic(
        range=finding_range(result, finding, encoding),
        message=finding.message,
        severity=SEVERITIES.get(finding.severity, types.DiagnosticSeverity.Warning),
        code=finding.rule,
        code_description=types.CodeDescription(href=href),
        source=SOURCE,
        data=data,
    )


def problem_diagnostic(message: str, code: str = "config-error") -> types.Diagnostic:
    """A config or rule-pack problem, shown at the top of the document so the writer sees why nothing is checked."""
    return types.Diagnostic(
        range=types.Range(types.Position(0, 0), types.Position(0, 0)),
        message=f"factrules could not check this document: {message}",
        severity=types.DiagnosticSeverity.Error,
        code=code,
        source=SOURCE,
    )


def diagnostics(result: CheckResult, findings: list[Finding], encoding: str = UTF16) -> list[types.Diagnostic]:
    if result.problem:
        return [problem_diagnostic(result.problem, result.problem_code)]
    return [diagnostic(result, f, encoding) for f in findings]


# -- hover ----------------------------------------------------------------
def _number(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return f"{value:,}" if isinstance(value, int) else f"{value:,.6g}"


def _day(value: Any) -> str:
    try:
        day = dt.date.fromisoformat(str(value)[:10])
    except ValueError:
        return str(value)
    return f"{day.isoformat()} ({day.strftime('%a')} {day.day} {day.strftime('%b %Y')})"


def describe_data(data: dict[str, Any] | None) -> list[str]:
    """Human lines for a finding's ``data``: a number's interval, a date's resolution, anything else as JSON."""
    if not data:
        return []
    lines = []
    shown = set()
    if "low" in data or "high" in data:
        low, high = data.get("low"), data.get("high")
        if low is not None and high is not None:
            interval = _number(low) if low == high else f"{_number(low)} to {_number(high)}"
        elif high is not None:
            interval = f"at most {_number(high)}"
        elif low is not None:
            interval = f"at least {_number(low)}"
        else:
            interval = "unknown"
        approximate = " (approximate)" if data.get("approximate") else ""
        lines.append(f"Interval: {interval}{approximate}")
        shown |= {"low", "high", "approximate"}
    if "resolved_start" in data or "resolved_end" in data:
        start, end = data.get("resolved_start"), data.get("resolved_end")
        if start and end and start != end:
            lines.append(f"Resolves to: {_day(start)} to {_day(end)}")
        elif start or end:
            lines.append(f"Resolves to: {_day(start or end)}")
        shown |= {"resolved_start", "resolved_end"}
    for key, value in data.items():
        if key in shown:
            continue
        text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
        if len(text) > 200:
            text = text[:197] + "..."
        lines.append(f"{key}: {text}")
    return lines


_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]<>#|~])")


def _escape(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", text)


def explanation_markdown(text: str) -> str:
    """``rules explain`` output as Markdown that wraps in a hover: lines kept, indented lines as a list."""
    out: list[str] = []
    previous = "blank"
    for line in text.splitlines():
        if not line.strip():
            out.append("")
            previous = "blank"
            continue
        escaped = _escape(" ".join(line.split()))
        kind = "item" if line[:1].isspace() else "text"
        if previous not in ("blank", kind):
            out.append("")  # a list needs a blank line before it, and text after a list would join its last item
        elif kind == "text" and previous == "text":
            out[-1] += "  "  # a hard line break keeps rules explain's lines apart
        out.append(f"- {escaped}" if kind == "item" else escaped)
        previous = kind
    return "\n".join(out)


def hover_markdown(result: CheckResult, findings: list[Finding]) -> str:
    """The hover text for the findings under the cursor: message, resolved interval, rule explanation."""
    parts = []
    for finding in findings:
        block = [f"**{finding.rule}** · {finding.category} · {finding.severity}", "", _escape(finding.message)]
        details = describe_data(finding.data)
        if finding.suggestion:
            details.append(f"Suggestion: {finding.suggestion}")
        if details:
            block += [""] + [f"- {_escape(line)}" for line in details]
        rule = result.rule(finding.rule)
        if rule is not None:
            block += ["", explanation_markdown(explain_text(rule))]
        parts.append("\n".join(block))
    return "\n\n---\n\n".join(parts)


def hover_plain(result: CheckResult, findings: list[Finding]) -> str:
    parts = []
    for finding in findings:
        block = [f"{finding.rule} ({finding.category}, {finding.severity})", finding.message]
        block += describe_data(finding.data)
        rule = result.rule(finding.rule)
        if rule is not None:
            block += ["", explain_text(rule)]
        parts.append("\n".join(block))
    return "\n\n".join(parts)


def contains(range_: types.Range, position: types.Position) -> bool:
    start = (range_.start.line, range_.start.character)
    end = (range_.end.line, range_.end.character)
    return start <= (position.line, position.character) <= end


def overlaps(a: types.Range, b: types.Range) -> bool:
    return (a.start.line, a.start.character) <= (b.end.line, b.end.character) and (
        b.start.line,
        b.start.character,
    ) <= (a.end.line, a.end.character)


# -- code actions ---------------------------------------------------------
def suggestion_action(uri: str, diag: types.Diagnostic, current: str) -> types.CodeAction | None:
    """Replace the flagged span with the rule's suggestion (when it has one and it differs)."""
    data = diag.data if isinstance(diag.data, dict) else {}
    suggestion = data.get("suggestion")
    if not isinstance(suggestion, str) or suggestion == current:
        return None
    return types.CodeAction(
        title=f"Replace '{current}' with '{suggestion}'",
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diag],
        is_preferred=True,
        edit=types.WorkspaceEdit(changes={uri: [types.TextEdit(range=diag.range, new_text=suggestion)]}),
    )


def suppression_edit(result: CheckResult, line: int, rule_id: str, encoding: str = UTF16) -> types.TextEdit | None:
    """The edit that adds ``<!-- factrules-disable-next-line RULE -->`` above 0-based ``line``.

    An existing next-line comment directly above gets the rule appended
    instead of a second comment; ``None`` when the rule is already there.
    """
    lines = result.lines
    if line > 0:
        above = NEXT_LINE.match(lines.line(line - 1))
        if above:
            listed, _, remark = above["rules"].partition(" -- ")
            names = [n for n in re.split(r"[\s,]+", listed.strip()) if n]
            pack = rule_id.split(".", 1)[0]
            if any(n in ("all", rule_id, pack) or glob_matches(rule_id, n) for n in names):
                return None
            text = lines.line(line - 1)
            remark = f" -- {remark}" if remark else ""
            comment = f"{above['indent']}<!-- factrules-disable-next-line {', '.join([*names, rule_id])}{remark} -->"
            end = types.Position(line - 1, code_units(text, encoding))
            return types.TextEdit(range=types.Range(types.Position(line - 1, 0), end), new_text=comment)
    current = lines.line(line)
    indent = current[: len(current) - len(current.lstrip(" \t"))]
    comment = f"{indent}<!-- factrules-disable-next-line {rule_id} -->{lines.line_break(line)}"
    return types.TextEdit(range=types.Range(types.Position(line, 0), types.Position(line, 0)), new_text=comment)


def suppression_action(result: CheckResult, diag: types.Diagnostic, encoding: str = UTF16) -> types.CodeAction | None:
    rule_id = str(diag.code)
    if result.language in COMMENT_LANGUAGES:
        edit = suppression_edit(result, diag.range.start.line, rule_id, encoding)
        if edit is None:
            return None
        return types.CodeAction(
            title=f"Suppress {rule_id} on this line",
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[diag],
            edit=types.WorkspaceEdit(changes={result.uri: [edit]}),
        )
    data = diag.data if isinstance(diag.data, dict) else {}
    fingerprint = data.get("fingerprint")
    if not fingerprint:
        return None
    # Plain text has no comment syntax, and a marker typed into a draft could be published:
    # the finding is hidden for this editing session instead (see docs/editors.md).
    title = f"Ignore this {rule_id} finding for this session"
    return types.CodeAction(
        title=title,
        kind=types.CodeActionKind.QuickFix,
        diagnostics=[diag],
        command=types.Command(title=title, command=IGNORE_COMMAND, arguments=[result.uri, fingerprint]),
    )


def code_actions(
    result: CheckResult, diags: list[types.Diagnostic], encoding: str = UTF16
) -> list[types.CodeAction]:
    """Quick fixes for the factrules diagnostics the client asked about."""
    actions: list[types.CodeAction] = []
    for diag in diags:
        if diag.source != SOURCE or not diag.code or diag.code in PROBLEM_CODES:
            continue
        start = from_lsp(result.lines, diag.range.start.line, diag.range.start.character, encoding)
        end = from_lsp(result.lines, diag.range.end.line, diag.range.end.character, encoding)
        action = suggestion_action(result.uri, diag, result.text[start:end])
        if action is not None:
            actions.append(action)
        action = suppression_action(result, diag, encoding)
        if action is not None:
            actions.append(action)
    return actions
