"""The pygls language server behind ``factrules lsp``.

Checks run in one worker thread so the event loop keeps answering hovers
while a long draft is checked; a change cancels the pending check of that
document and schedules a new one after the debounce delay, and a result is
only published if no newer check was scheduled meanwhile.  A document over
``LARGE_CHARACTERS`` is checked in a separate worker process instead, with
a deadline (``LARGE_SECONDS``): one huge buffer never holds back the other
documents' diagnostics, and one that takes too long is stopped and says so.  The last
published result of each document is kept for hovers and code actions.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import concurrent.futures.process
import functools
import logging
import multiprocessing
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls import uris
from pygls.server import LanguageServer

from factrules._version import __version__
from factrules.authoring import explain_text
from factrules.children import die_with_parent
from factrules.config import CONFIG_NAMES, find_config_file
from factrules.lsp.check import CheckResult, attach_engine, check_buffer, check_detached
from factrules.lsp.content import (
    IGNORE_COMMAND,
    code_actions,
    contains,
    diagnostics,
    finding_range,
    hover_markdown,
    hover_plain,
    overlaps,
    rule_id_of_uri,
)
from factrules.lsp.framing import run_io
from factrules.lsp.positions import UTF8, UTF16, UTF32
from factrules.lsp.settings import LspSettings, parse_settings

log = logging.getLogger(__name__)

#: buffers longer than this are checked in the worker process (a long feature is ~60,000 characters)
LARGE_CHARACTERS = 100_000
#: how long a large buffer's check may take before its process is stopped
LARGE_SECONDS = 60.0

#: custom request: ``{"rule": "hedges.reportedly", "uri"?: document}`` -> ``{"rule", "text"}`` (rules explain)
EXPLAIN_REQUEST = "factrules/explainRule"
ENCODINGS = {
    types.PositionEncodingKind.Utf8: UTF8,
    types.PositionEncodingKind.Utf16: UTF16,
    types.PositionEncodingKind.Utf32: UTF32,
}


class FactrulesServer(LanguageServer):
    """The language server and its per-document state."""

    def __init__(self) -> None:
        super().__init__("factrules", __version__)
        self.settings = LspSettings()
        self.root: Path | None = None
        self.results: dict[str, CheckResult] = {}
        self.pending: dict[str, asyncio.Task[None]] = {}
        #: fingerprints hidden for this session, per document (plain text's "suppression")
        self.ignored: dict[str, set[str]] = {}
        self.checker = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="factrules-check")
        #: the lane for large buffers, started on first use
        self.large: concurrent.futures.ProcessPoolExecutor | None = None

    def start_io(self, stdin: Any = None, stdout: Any = None) -> None:  # type: ignore[override]
        """Serve on stdio with ``framing.read_messages``: malformed input gets an error, never silence."""
        run_io(self, stdin, stdout)

    # -- state ------------------------------------------------------------
    @property
    def encoding(self) -> str:
        return ENCODINGS.get(self.server_capabilities.position_encoding, UTF16)

    def apply_settings(self, raw: Any) -> None:
        self.settings, problems = parse_settings(raw, self.settings)
        for problem in problems:
            self.show_message(f"factrules: {problem}", types.MessageType.Warning)

    def visible(self, result: CheckResult) -> list[Any]:
        hidden = self.ignored.get(result.uri, set())
        return [f for f in result.findings if f.fingerprint not in hidden]

    # -- checking ---------------------------------------------------------
    def schedule(self, uri: str, delay_ms: int) -> None:
        """(Re)check a document after ``delay_ms``, replacing any check still pending for it."""
        previous = self.pending.pop(uri, None)
        if previous is not None:
            previous.cancel()
        self.pending[uri] = asyncio.ensure_future(self._check_later(uri, delay_ms))

    def recheck_all(self) -> None:
        find_config_file.cache_clear()
        for uri in list(self.workspace.text_documents):
            self.schedule(uri, 0)

    async def _check_later(self, uri: str, delay_ms: int) -> None:
        me = asyncio.current_task()
        try:
            if delay_ms:
                await asyncio.sleep(delay_ms / 1000)
            document = self.workspace.get_text_document(uri)
            path = uris.to_fs_path(uri) if uri.startswith("file:") else None
            arguments = {"language_id": document.language_id, "path": path, "version": document.version,
                         "settings": self.settings, "root": self.root}
            if len(document.source) > LARGE_CHARACTERS:
                result = await self._check_large(uri, document.source, arguments)
            else:
                loop = asyncio.get_running_loop()
                result = await loop.run_in_executor(self.checker,
                                                    lambda: check_buffer(uri, document.source, **arguments))
        except asyncio.CancelledError:
            return
        except Exception as error:  # a crash in one check must not take the server down, nor hide
            log.exception("check of %s failed", uri)
            document = self.workspace.get_text_document(uri)
            result = CheckResult(uri=uri, version=document.version, text=document.source, reader=".txt",
                                 problem=f"internal error: {type(error).__name__}: {error}",
                                 problem_code="internal-error")
        finally:
            if self.pending.get(uri) is me:
                del self.pending[uri]
        if result is None or uri not in self.workspace.text_documents:
            return
        if self.workspace.get_text_document(uri).version != result.version:
            return  # the buffer changed while it was being checked; its own check is on its way
        self.publish(result)

    async def _check_large(self, uri: str, text: str, arguments: dict[str, Any]) -> CheckResult | None:
        """Check a large buffer in the worker process; past ``LARGE_SECONDS`` the process is stopped."""
        if self.large is None:
            self.large = concurrent.futures.ProcessPoolExecutor(
                max_workers=1, mp_context=multiprocessing.get_context("spawn"), initializer=die_with_parent)
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self.large, functools.partial(check_detached, uri, text, **arguments))
        try:
            result = await asyncio.wait_for(future, LARGE_SECONDS)
        except TimeoutError:
            self.stop_large()
            return CheckResult(uri=uri, version=arguments["version"], text=text, reader=".txt",
                               problem=f"not checked: the document ({len(text):,} characters) took longer than "
                                       f"{LARGE_SECONDS:g} s", problem_code="timeout")
        except concurrent.futures.process.BrokenProcessPool:
            self.stop_large()
            raise
        if result is None:
            return None
        return attach_engine(result, arguments["path"], arguments["settings"], arguments["root"])

    def stop_large(self) -> None:
        """Stop the large-buffer process now, a check in it included."""
        pool, self.large = self.large, None
        if pool is None:
            return
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)

    def publish(self, result: CheckResult) -> None:
        self.results[result.uri] = result
        for error in result.errors:
            self.show_message_log(f"factrules: {error.get('message')}", types.MessageType.Warning)
        if result.problem:
            self.show_message_log(f"factrules: {result.problem}", types.MessageType.Error)
        self.publish_diagnostics(result.uri, diagnostics(result, self.visible(result), self.encoding), result.version)

    def forget(self, uri: str) -> None:
        task = self.pending.pop(uri, None)
        if task is not None:
            task.cancel()
        self.results.pop(uri, None)
        self.ignored.pop(uri, None)
        self.publish_diagnostics(uri, [])


server = FactrulesServer()


def _is_config(uri: str) -> bool:
    return any(uri.endswith("/" + name) for name in CONFIG_NAMES)


@server.feature(types.INITIALIZE)
def initialize(ls: FactrulesServer, params: types.InitializeParams) -> None:
    root = params.root_uri or (params.workspace_folders[0].uri if params.workspace_folders else None)
    if root and root.startswith("file:"):
        ls.root = Path(uris.to_fs_path(root))
    elif params.root_path:
        ls.root = Path(params.root_path)
    ls.apply_settings(params.initialization_options)
    # UTF-16 is the one encoding every client must support.  pygls would pick UTF-8 or UTF-32
    # when a client lists only those, and its own conversions of incremental edits are wrong
    # for characters outside the BMP in both; factrules' own conversions are exact in all three.
    ls.server_capabilities.position_encoding = types.PositionEncodingKind.Utf16
    ls.workspace.position_codec.encoding = types.PositionEncodingKind.Utf16


@server.feature(types.INITIALIZED)
async def initialized(ls: FactrulesServer, params: types.InitializedParams) -> None:
    """Ask the client to report config-file changes, when it can (they change every open document)."""
    workspace = ls.client_capabilities.workspace
    watched = workspace.did_change_watched_files if workspace else None
    if not (watched and watched.dynamic_registration):
        return
    pattern = "**/{.factrules.yaml,.factrules.yml,pyproject.toml}"
    options = types.DidChangeWatchedFilesRegistrationOptions(watchers=[types.FileSystemWatcher(glob_pattern=pattern)])
    registration = types.Registration(id="factrules-config-files",
                                      method=types.WORKSPACE_DID_CHANGE_WATCHED_FILES, register_options=options)
    try:
        await ls.register_capability_async(types.RegistrationParams(registrations=[registration]))
    except Exception as error:  # an editor may refuse; config is then re-read on save and on reconfiguration
        log.info("file watcher registration refused: %s", error)


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: FactrulesServer, params: types.DidOpenTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, 0)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: FactrulesServer, params: types.DidChangeTextDocumentParams) -> None:
    ls.schedule(params.text_document.uri, ls.settings.debounce_ms)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: FactrulesServer, params: types.DidSaveTextDocumentParams) -> None:
    if _is_config(params.text_document.uri):
        ls.recheck_all()


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: FactrulesServer, params: types.DidCloseTextDocumentParams) -> None:
    ls.forget(params.text_document.uri)


@server.feature(types.WORKSPACE_DID_CHANGE_CONFIGURATION)
def did_change_configuration(ls: FactrulesServer, params: types.DidChangeConfigurationParams) -> None:
    ls.apply_settings(params.settings)
    ls.recheck_all()


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched_files(ls: FactrulesServer, params: types.DidChangeWatchedFilesParams) -> None:
    if any(_is_config(change.uri) for change in params.changes):
        ls.recheck_all()


@server.feature(types.TEXT_DOCUMENT_HOVER)
def hover(ls: FactrulesServer, params: types.HoverParams) -> types.Hover | None:
    result = ls.results.get(params.text_document.uri)
    if result is None:
        return None
    encoding = ls.encoding
    here = [(f, finding_range(result, f, encoding)) for f in ls.visible(result)]
    here = [(f, r) for f, r in here if contains(r, params.position)]
    if not here:
        return None
    findings = [f for f, _ in here]
    text_document = ls.client_capabilities.text_document
    formats = text_document.hover.content_format if text_document and text_document.hover else None
    if formats and types.MarkupKind.Markdown not in formats:
        content = types.MarkupContent(kind=types.MarkupKind.PlainText, value=hover_plain(result, findings))
    else:
        content = types.MarkupContent(kind=types.MarkupKind.Markdown, value=hover_markdown(result, findings))
    return types.Hover(contents=content, range=here[0][1])


@server.feature(
    types.TEXT_DOCUMENT_CODE_ACTION,
    types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]),
)
def code_action(ls: FactrulesServer, params: types.CodeActionParams) -> list[types.CodeAction] | None:
    result = ls.results.get(params.text_document.uri)
    if result is None or result.problem:
        return None
    encoding = ls.encoding
    asked = [d for d in params.context.diagnostics if d.source == "factrules"]
    seen = {(d.code, d.range.start.line, d.range.start.character) for d in asked}
    # Clients that send no diagnostics in the context still get fixes for what lies in the range.
    for diag in diagnostics(result, ls.visible(result), encoding):
        key = (diag.code, diag.range.start.line, diag.range.start.character)
        if key not in seen and overlaps(diag.range, params.range):
            asked.append(diag)
            seen.add(key)
    only = params.context.only
    if only and not any(str(kind).startswith(types.CodeActionKind.QuickFix) for kind in only):
        return None
    return code_actions(result, asked, encoding) or None


@server.command(IGNORE_COMMAND)
def ignore_finding(ls: FactrulesServer, arguments: list[Any]) -> None:
    """Hide one finding (by fingerprint) until the document is closed: plain text's suppression."""
    if not isinstance(arguments, list) or len(arguments) != 2:
        return
    uri, fingerprint = (str(a) for a in arguments)
    ls.ignored.setdefault(uri, set()).add(fingerprint)
    result = ls.results.get(uri)
    if result is not None:
        ls.publish(result)


@server.feature(EXPLAIN_REQUEST)
def explain_rule(ls: FactrulesServer, params: Any) -> dict[str, str] | None:
    """The text of ``factrules rules explain RULE`` with the document's configuration (custom request)."""
    rule_id = getattr(params, "rule", None) or rule_id_of_uri(str(getattr(params, "uri", "") or ""))
    document = getattr(params, "document", None)
    result = ls.results.get(str(document)) if document else None
    results = [result] if result is not None else list(ls.results.values())
    for candidate in results:
        rule = candidate.rule(str(rule_id))
        if rule is not None:
            return {"rule": rule.full_id, "text": explain_text(rule)}
    from factrules.api import build_engine, resolve_config
    from factrules.authoring import find_rule
    from factrules.errors import FactrulesError
    from factrules.packs import PackError

    options = ls.settings.options(ls.root)
    try:
        engine = build_engine(options, resolve_config(options, ls.root or Path.cwd()))
        rule = find_rule(engine.packs, str(rule_id))
    except (FactrulesError, PackError):
        return None
    return {"rule": rule.full_id, "text": explain_text(rule)}


def serve_stdio() -> None:
    """Run the server on standard input and output until the client says exit."""
    try:
        server.start_io()
    finally:
        server.checker.shutdown(wait=False, cancel_futures=True)
        server.stop_large()
