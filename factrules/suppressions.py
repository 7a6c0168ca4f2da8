"""Inline suppressions: ``<!-- factrules-disable RULE -->`` comments in Markdown and HTML drafts.

Readers find the comments (they know where comments are; rules never see
them) and record each directive in ``document.metadata["suppressions"]``
with its source span.  This module is a built-in plugin whose
``factrules_document_findings`` hook drops the findings those directives
cover and, as ruff reports an unused ``noqa``, reports every directive that
suppressed nothing, so stale suppressions do not pile up in drafts.

Syntax (RULE is a rule id ``hedges.reportedly``, a pack ``hedges``, a
category, a glob ``hedges.*`` or ``all``; several are separated by commas;
none means ``all``; text after `` -- `` is a free comment)::

    <!-- factrules-disable RULE[, RULE] -->  ...  <!-- factrules-enable [RULE] -->
    <!-- factrules-disable-next-line RULE -->
    The blaze reportedly began. <!-- factrules-disable-line hedges -- quoted from the agency -->
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import regex

from factrules import rxcache
from factrules.hookspecs import hookimpl
from factrules.selectors import glob_matches

METADATA_KEY = "suppressions"
UNUSED_RULE = "factrules.unused-suppression"
INVALID_RULE = "factrules.invalid-suppression"
CATEGORY = "suppression"

_DIRECTIVE = rxcache.compile(r"^\s*factrules-([\w-]*)(.*)$", regex.DOTALL)
ACTIONS = ("disable", "enable", "disable-next-line", "disable-line")


def parse_directive(body: str) -> tuple[str, list[str]] | None:
    """Parse a comment's inner text; ``None`` when it is not addressed to factrules.

    An unknown action (a typo such as ``factrules-disabel``) comes back as
    ``("invalid", [action])`` so it can be reported instead of silently ignored.
    """
    match = _DIRECTIVE.match(body)
    if not match:
        return None
    action, rest = match.group(1), match.group(2)
    if action not in ACTIONS or (rest.strip() and not rest[0].isspace()):
        return "invalid", [action]
    rest = rest.split(" -- ", 1)[0]
    rules = [part for part in regex.split(r"[\s,]+", rest.strip()) if part]
    return action, rules


def record_comment(metadata: dict[str, Any], body: str, start: int, end: int) -> None:
    """Record a comment at ``source[start:end]`` if it is a factrules directive (readers call this)."""
    parsed = parse_directive(body)
    if parsed is None:
        return
    action, rules = parsed
    metadata.setdefault(METADATA_KEY, []).append({"action": action, "rules": rules, "start": start, "end": end})


def selector_matches(finding: Any, selector: str) -> bool:
    """The same selectors as ``--select``: full id, pack, category, glob over the id, or ``all``."""
    return selector in ("all", finding.rule, finding.pack, finding.category) or glob_matches(finding.rule, selector)


def _covers(broad: str, narrow: str) -> bool:
    return broad == "all" or narrow.startswith(broad + ".") or glob_matches(narrow, broad)


@dataclass
class _Region:
    """Where one selector of one directive applies: a source range, or one source line."""

    selector: str
    directive: int
    start: int = 0
    end: int | None = None
    line: int | None = None
    #: (source offset, selector) pairs re-enabled inside a broader region by ``factrules-enable RULE``
    exceptions: list[tuple[int, str]] = field(default_factory=list)
    used: bool = False

    def covers(self, finding: Any) -> bool:
        if self.line is not None:
            if finding.range["start"]["line"] != self.line:
                return False
        else:
            at = finding.span["start"]
            if at < self.start or (self.end is not None and at >= self.end):
                return False
        if not selector_matches(finding, self.selector):
            return False
        at = finding.span["start"]
        return not any(offset <= at and selector_matches(finding, sel) for offset, sel in self.exceptions)


def regions(document: Any, directives: list[dict[str, Any]]) -> list[_Region]:
    """Turn directives (in source order) into the regions they suppress."""
    found: list[_Region] = []
    active: list[_Region] = []
    for index, directive in enumerate(directives):
        action, selectors = directive["action"], directive["rules"] or ["all"]
        if action == "disable":
            for selector in selectors:
                region = _Region(selector, index, start=directive["end"])
                found.append(region)
                active.append(region)
        elif action == "disable-next-line":
            line = document.position(directive["end"])[0] + 1
            found.extend(_Region(selector, index, line=line) for selector in selectors)
        elif action == "disable-line":  # the line the comment is on (where it starts)
            line = document.position(directive["start"])[0]
            found.extend(_Region(selector, index, line=line) for selector in selectors)
        elif action == "enable":
            if not directive["rules"]:
                for region in active:
                    region.end = directive["start"]
                active = []
                continue
            for selector in selectors:
                closing = [r for r in active if r.selector == selector]
                for region in closing:
                    region.end = directive["start"]
                    active.remove(region)
                if not closing:
                    for region in active:
                        if _covers(region.selector, selector):
                            region.exceptions.append((directive["start"], selector))
    return found


def _located(document: Any, directive: dict[str, Any], rule: str, message: str) -> Any:
    from factrules.findings import Finding

    start, end = directive["start"], directive["end"]
    start_line, start_column = document.position(start)
    end_line, end_column = document.position(end)
    return Finding(
        rule=rule,
        pack="factrules",
        category=CATEGORY,
        severity="info",
        message=message,
        path=document.path,
        span={"start": start, "end": end},
        range={"start": {"line": start_line, "column": start_column},
               "end": {"line": end_line, "column": end_column}},
        text=(document.source or "")[start:end],
    )


def apply(document: Any, findings: list[Any]) -> list[Any]:
    """Drop suppressed findings; add one info finding per directive that suppressed nothing or is invalid."""
    directives = sorted(document.metadata.get(METADATA_KEY) or [], key=lambda d: d["start"])
    if not directives:
        return findings
    all_regions = regions(document, directives)
    kept = []
    for finding in findings:
        covering = [region for region in all_regions if region.covers(finding)]
        for region in covering:
            region.used = True
        if not covering:
            kept.append(finding)
    unused: dict[int, list[str]] = {}
    for region in all_regions:
        if not region.used:
            unused.setdefault(region.directive, []).append(region.selector)
    for index, directive in enumerate(directives):
        if directive["action"] == "invalid":
            kept.append(_located(document, directive, INVALID_RULE,
                                 f"unknown directive 'factrules-{directive['rules'][0]}': use "
                                 "factrules-disable, factrules-enable, factrules-disable-next-line or "
                                 "factrules-disable-line"))
        elif index in unused:
            names = ", ".join(f"'{s}'" for s in unused[index])
            kept.append(_located(document, directive, UNUSED_RULE,
                                 f"factrules-{directive['action']} {names} suppresses nothing here; remove it"))
    return kept


@hookimpl(trylast=True)
def factrules_document_findings(document: Any, findings: list[Any]) -> list[Any] | None:
    """Run after other post-processors, so findings they add can be suppressed too."""
    if not document.metadata.get(METADATA_KEY):
        return None
    return apply(document, findings)
