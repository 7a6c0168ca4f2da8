"""The built-in plugin: registers the core's matchers, packs, readers and formatters.

It uses exactly the hooks a third-party plugin uses, so nothing the core
ships is privileged.
"""

from __future__ import annotations

import importlib
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


class Lazy:
    """A reader or formatter imported on first use, so a run loads only the one it needs.

    Readers pull in markdown-it, python-docx and lxml, formatters rich: most of a ``check``'s
    import time, for a run that reads one text file and prints text.  Calling the object, or
    reading any attribute of it (``stream``, ``needs_sources``, ...), imports the real function.
    """

    def __init__(self, module: str, name: str) -> None:
        self._where = (module, name)
        self._target: Any = None

    def _load(self) -> Any:
        if self._target is None:
            module, name = self._where
            self._target = getattr(importlib.import_module(module), name)
        return self._target

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self._load()(*args, **kwargs)

    def __getattr__(self, name: str) -> Any:
        if name.startswith("__") or name in ("_where", "_target"):
            raise AttributeError(name)
        return getattr(self._load(), name)

    def __repr__(self) -> str:
        return f"<lazy {self._where[0]}.{self._where[1]}>"


@hookimpl
def factrules_readers() -> dict[str, Any]:
    read_text = Lazy("factrules.readers.text", "read_text")
    read_markdown = Lazy("factrules.readers.markdown", "read_markdown")
    read_html = Lazy("factrules.readers.html", "read_html")
    markdown = dict.fromkeys((".md", ".markdown", ".mdown", ".mkd"), read_markdown)
    return {".txt": read_text, ".text": read_text, **markdown, ".html": read_html, ".htm": read_html,
            ".xhtml": read_html, ".docx": Lazy("factrules.readers.docx", "read_docx")}


@hookimpl
def factrules_formatters() -> dict[str, Any]:
    module = "factrules.formatters."
    return {
        "text": Lazy(module + "text", "format_text"),
        "json": Lazy(module + "json", "format_json"),
        "jsonl": Lazy(module + "jsonl", "format_jsonl"),
        "sarif": Lazy(module + "sarif", "format_sarif"),
        "github": Lazy(module + "github", "format_github"),
        "rdjson": Lazy(module + "rdjson", "format_rdjson"),
        "rdjsonl": Lazy(module + "rdjson", "format_rdjsonl"),
        "junit": Lazy(module + "junit", "format_junit"),
        "checkstyle": Lazy(module + "checkstyle", "format_checkstyle"),
        "checklist": Lazy(module + "checklist", "format_checklist"),
    }
