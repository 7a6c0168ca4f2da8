"""The built-in plugin: registers the core's matchers, packs, readers and formatters.

It uses exactly the hooks a third-party plugin uses, so nothing the core
ships is privileged.
"""

from __future__ import annotations

from typing import Any

from factrules.hookspecs import hookimpl
from factrules.resources import data_dir


@hookimpl
def factrules_matchers() -> dict[str, type]:
    from factrules.matchers.attribution import AttributionMatcher
    from factrules.matchers.consistency import ConsistencyMatcher
    from factrules.matchers.date import DateMatcher
    from factrules.matchers.near import NearMatcher
    from factrules.matchers.number import NumberMatcher
    from factrules.matchers.pattern import PatternMatcher
    from factrules.matchers.phrase import PhraseMatcher

    return {m.kind: m for m in (PhraseMatcher, PatternMatcher, NearMatcher, DateMatcher, NumberMatcher,
                                ConsistencyMatcher, AttributionMatcher)}


@hookimpl
def factrules_rule_packs() -> list[str]:
    return [str(data_dir("rules"))]


@hookimpl
def factrules_readers() -> dict[str, Any]:
    from factrules.readers.docx import read_docx
    from factrules.readers.html import read_html
    from factrules.readers.markdown import read_markdown
    from factrules.readers.text import read_text

    markdown = dict.fromkeys((".md", ".markdown", ".mdown", ".mkd"), read_markdown)
    return {".txt": read_text, ".text": read_text, **markdown, ".html": read_html, ".htm": read_html,
            ".xhtml": read_html, ".docx": read_docx}


@hookimpl
def factrules_formatters() -> dict[str, Any]:
    from factrules.formatters.checklist import format_checklist
    from factrules.formatters.checkstyle import format_checkstyle
    from factrules.formatters.github import format_github
    from factrules.formatters.json import format_json
    from factrules.formatters.jsonl import format_jsonl
    from factrules.formatters.junit import format_junit
    from factrules.formatters.rdjson import format_rdjson, format_rdjsonl
    from factrules.formatters.sarif import format_sarif
    from factrules.formatters.text import format_text

    return {
        "text": format_text,
        "json": format_json,
        "jsonl": format_jsonl,
        "sarif": format_sarif,
        "github": format_github,
        "rdjson": format_rdjson,
        "rdjsonl": format_rdjsonl,
        "junit": format_junit,
        "checkstyle": format_checkstyle,
        "checklist": format_checklist,
    }
