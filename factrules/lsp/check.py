"""Checking an editor buffer: choose its reader, find its config, run the engine.

This is the language server's one call into the engine, kept free of
pygls: the text comes from the editor (not the disk), the reader is chosen
by the editor's ``languageId`` first and the file extension second, and
configuration is resolved from the document's own folder upwards, as
``factrules check`` would for that file.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from factrules.api import build_engine, read_document, resolve_config
from factrules.engine import Engine
from factrules.errors import FactrulesError
from factrules.findings import Finding
from factrules.lsp.positions import LineIndex
from factrules.lsp.settings import LspSettings
from factrules.packs import PackError, Rule
from factrules.plugins import registry

#: the reader (by extension) for each LSP ``languageId`` factrules checks
LANGUAGE_READERS = {"markdown": ".md", "plaintext": ".txt", "text": ".txt", "html": ".html"}
#: extensions read as each language, so ``notes.markdown`` still gets a ``.markdown`` reader if one exists
EXTENSION_LANGUAGES = {".md": "markdown", ".markdown": "markdown", ".txt": "plaintext", ".text": "plaintext",
                       ".html": "html", ".htm": "html"}
#: readers of binary containers never apply to an editor buffer
BINARY_EXTENSIONS = frozenset({".docx", ".doc", ".odt", ".pdf", ".rtf"})
BOM = "\ufeff"


def language_of(language_id: str | None, path: str) -> str | None:
    """The document language factrules knows it as, from the editor's id first, then the extension."""
    if language_id in LANGUAGE_READERS:
        return "plaintext" if language_id == "text" else language_id
    return EXTENSION_LANGUAGES.get(os.path.splitext(path)[1].lower())


def reader_key(language_id: str | None, path: str, readers: dict[str, Any]) -> str | None:
    """The reader extension to use for a buffer, or ``None`` when factrules should not check it.

    A registered reader for the language wins (Markdown and HTML readers are
    plugins like any other); a language whose reader is missing falls back
    to plain text, so a draft is checked even before its reader exists.
    """
    extension = os.path.splitext(path)[1].lower()
    language = language_of(language_id, path)
    if language is None:
        if extension in readers and extension not in BINARY_EXTENSIONS:
            return extension
        return None
    candidates = []
    if EXTENSION_LANGUAGES.get(extension) == language:
        candidates.append(extension)
    candidates += [LANGUAGE_READERS[language], ".txt"]
    return next((key for key in candidates if key in readers), None)


@dataclass
class CheckResult:
    """One check of one buffer version: what the server publishes, hovers over and fixes."""

    uri: str
    version: int | None
    text: str
    reader: str
    #: the document's language (``markdown``, ``html``, ``plaintext``, or ``None``): decides comment syntax
    language: str | None = None
    findings: list[Finding] = field(default_factory=list)
    errors: list[dict[str, Any]] = field(default_factory=list)
    #: a config, rule-pack or reader problem that stopped the check, as one line
    problem: str | None = None
    #: the diagnostic code the problem is shown with
    problem_code: str = "config-error"
    engine: Engine | None = None
    #: code points the editor has before the reader's text (a byte-order mark the reader dropped)
    lead: int = 0

    @cached_property
    def lines(self) -> LineIndex:
        return LineIndex(self.text)

    def rule(self, rule_id: str) -> Rule | None:
        if self.engine is None:
            return None
        for pack in self.engine.packs:
            for rule in pack.rules:
                if rule.full_id == rule_id:
                    return rule
        return None


def config_start(path: str | None, root: Path | None) -> Path:
    """Where configuration discovery starts: the document's folder, else the workspace root."""
    if path:
        return Path(path).parent
    return root or Path.cwd()


def check_buffer(
    uri: str,
    text: str,
    *,
    language_id: str | None,
    path: str | None,
    version: int | None,
    settings: LspSettings,
    root: Path | None,
) -> CheckResult | None:
    """Check an editor buffer; ``None`` when it is not a kind of document factrules reads.

    ``path`` is the file-system path of a ``file:`` document (``None`` for an
    unsaved buffer); findings carry it, or the URI when there is none.
    """
    options = settings.options(root)
    shown = path or uri
    try:
        plugins = registry(options.plugins)
        key = reader_key(language_id, shown, plugins.readers)
        if key is None:
            return None
        result = CheckResult(uri=uri, version=version, text=text, reader=key, language=language_of(language_id, shown))
        config = resolve_config(options, config_start(path, root))
        engine = build_engine(options, config)
    except (FactrulesError, PackError) as error:
        return CheckResult(uri=uri, version=version, text=text, reader=".txt", problem=str(error))
    result.engine = engine
    lead = 1 if text.startswith(BOM) else 0
    try:
        document = read_document(text.encode("utf-8", "surrogatepass"), shown, plugins, key)
    except FactrulesError as error:
        result.problem = str(error)
        return result
    if lead and (document.source or "").startswith(BOM):
        lead = 0
    result.lead = lead
    result.findings, result.errors = engine.check(document)
    return result


def check_detached(uri: str, text: str, *, language_id: str | None, path: str | None, version: int | None,
                   settings: LspSettings, root: Path | None) -> CheckResult | None:
    """``check_buffer`` for another process: the result without its engine (the caller attaches its own)."""
    result = check_buffer(uri, text, language_id=language_id, path=path, version=version, settings=settings,
                          root=root)
    if result is not None:
        result.engine = None
    return result


def attach_engine(result: CheckResult, path: str | None, settings: LspSettings, root: Path | None) -> CheckResult:
    """Give a result checked elsewhere this process's engine (cached), for hovers and code actions."""
    if result.problem is None:
        options = settings.options(root)
        try:
            result.engine = build_engine(options, resolve_config(options, config_start(path, root)))
        except (FactrulesError, PackError):
            result.engine = None
    return result
