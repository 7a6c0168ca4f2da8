"""The language server, driven by a real LSP client talking to ``python -m factrules lsp`` over stdio.

Every test starts the server process with pytest-lsp's client and talks
JSON-RPC to it; nothing is called in-process except the pure position
helpers at the end.  Waits are bounded, so a hung server fails the test.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path
from typing import Any, Union

import pytest
import pytest_asyncio
from lsprotocol import types
from pygls import uris
from pygls.protocol import default_converter
from pytest_lsp.client import LanguageClient

from factrules.lsp.positions import UTF8, UTF16, UTF32, LineIndex, code_points_in, code_units, from_lsp, to_lsp

pytestmark = pytest.mark.timeout(120)

WAIT = 30.0

# "🙂" is one code point but two UTF-16 units: every column after it on its line shifts.
DRAFT = "Draft 🙂 notes\n🙂🙂 The minister reportedly resigned.\nOfficials said the toll would likely rise.\n"

PLUGIN = '''
"""A matcher that resolves "today" to the article date, standing in for the date matcher."""
from factrules.hookspecs import hookimpl
from factrules.matchers.base import Match, Matcher


class TodayMatcher(Matcher):
    kind = "lsptest-today"

    def find(self, document, prior=()):
        start = document.text.find("today")
        if start >= 0 and document.date is not None:
            day = document.date.isoformat()
            yield Match(start, start + 5, data={"resolved_start": day, "resolved_end": day})


class ExplodingMatcher(Matcher):
    kind = "lsptest-explode"

    def find(self, document, prior=()):
        if "kaboom" in document.text:
            raise RuntimeError("the matcher broke")
        return iter(())


class StallMatcher(Matcher):
    kind = "lsptest-stall"

    def find(self, document, prior=()):
        if "STALL" in document.text:
            import time
            time.sleep(600)
        return iter(())


@hookimpl
def factrules_matchers():
    return {"lsptest-today": TodayMatcher, "lsptest-explode": ExplodingMatcher, "lsptest-stall": StallMatcher}
'''

HOUSE_PACK = """\
pack: house
version: 0.1.0
description: A house pack for the language-server tests.
language: en
defaults: {category: house, severity: info, scope: sentence}
rules:
  - id: today
    kind: lsptest-today
    description: Relative days must be given as dates.
    message: "'{text}' is {resolved_start}: give the date."
    examples:
      match: ["It happened today."]
      date: "2018-02-16"
  - id: spelling
    kind: phrase
    description: The house spelling of the city.
    phrases: ["Deir ez-Zour"]
    suggestion: "Deir ez-Zor"
    message: "House spelling is 'Deir ez-Zor'."
    examples:
      match: ["Fighting in Deir ez-Zour."]
  - id: explode
    kind: lsptest-explode
    message: never shown
    examples:
      match: ["kaboom"]
"""


def _converter() -> Any:
    """pygls' converter, told apart a CodeAction that carries a command from a bare Command.

    lsprotocol's own union hook takes any object with a ``command`` key for a
    Command; editors look at the key's type (a string for a Command), as here.
    """
    converter = default_converter()

    def action_or_command(value: dict[str, Any], _: Any) -> Any:
        kind = types.Command if isinstance(value.get("command"), str) else types.CodeAction
        return converter.structure(value, kind)

    converter.register_structure_hook(Union[types.Command, types.CodeAction], action_or_command)  # noqa: UP007
    return converter


class Session:
    """A client connected to a server process, recording every publishDiagnostics it receives."""

    def __init__(self, client: LanguageClient, root: Path) -> None:
        self.client = client
        self.root = root
        self.published: list[types.PublishDiagnosticsParams] = []
        self.messages: list[str] = []

    async def initialize(self, options: dict[str, Any] | None = None, **capabilities: Any) -> types.InitializeResult:
        params = types.InitializeParams(
            capabilities=types.ClientCapabilities(
                text_document=types.TextDocumentClientCapabilities(
                    hover=types.HoverClientCapabilities(content_format=[types.MarkupKind.Markdown]),
                    publish_diagnostics=types.PublishDiagnosticsClientCapabilities(
                        version_support=True, code_description_support=True, data_support=True
                    ),
                ),
                **capabilities,
            ),
            root_uri=uris.from_fs_path(str(self.root)),
            initialization_options=options,
        )
        return await asyncio.wait_for(self.client.initialize_session(params), WAIT)

    def open(self, name: str, text: str, language: str = "plaintext", *, on_disk: bool = True) -> str:
        path = self.root / name
        if on_disk:
            path.write_text(text, encoding="utf-8")
        uri = uris.from_fs_path(str(path))
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(types.TextDocumentItem(uri=uri, language_id=language, version=1, text=text))
        )
        return uri

    def change(self, uri: str, version: int, text: str, range_: types.Range | None = None) -> None:
        if range_ is None:
            change: Any = types.TextDocumentContentChangeEvent_Type2(text=text)
        else:
            change = types.TextDocumentContentChangeEvent_Type1(range=range_, text=text)
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[change],
            )
        )

    async def diagnostics(self, uri: str, version: int | None = None, after: int = 0) -> list[types.Diagnostic]:
        """Wait for diagnostics of ``uri`` (of ``version`` when given) published after index ``after``."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + WAIT
        while loop.time() < deadline:
            for params in self.published[after:]:
                if params.uri == uri and (version is None or params.version == version):
                    return list(params.diagnostics)
            await asyncio.sleep(0.02)
        raise AssertionError(f"no diagnostics for {uri} version {version} within {WAIT}s: {self.messages}")

    async def hover(self, uri: str, line: int, character: int) -> types.Hover | None:
        params = types.HoverParams(types.TextDocumentIdentifier(uri), types.Position(line, character))
        return await asyncio.wait_for(self.client.text_document_hover_async(params), WAIT)

    async def code_actions(self, uri: str, diagnostic: types.Diagnostic) -> list[types.CodeAction]:
        params = types.CodeActionParams(
            text_document=types.TextDocumentIdentifier(uri),
            range=diagnostic.range,
            context=types.CodeActionContext(diagnostics=[diagnostic]),
        )
        return list(await asyncio.wait_for(self.client.text_document_code_action_async(params), WAIT) or [])


@pytest_asyncio.fixture
async def session(tmp_path: Path):
    """A server process started the way editors start it, in an empty folder with the test plugin on its path."""
    (tmp_path / "lsptest_plugin.py").write_text(PLUGIN, encoding="utf-8")
    workspace = tmp_path / "drafts"
    workspace.mkdir()
    client = LanguageClient(converter_factory=_converter)
    state = Session(client, workspace)

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(client_: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
        state.published.append(params)

    @client.feature(types.WINDOW_SHOW_MESSAGE)
    def on_message(client_: LanguageClient, params: types.ShowMessageParams) -> None:
        state.messages.append(params.message)

    @client.feature(types.WINDOW_LOG_MESSAGE)
    def on_log(client_: LanguageClient, params: types.LogMessageParams) -> None:
        state.messages.append(params.message)

    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), os.environ.get("PYTHONPATH", "")])}
    await client.start_io(sys.executable, "-m", "factrules", "lsp", "--stdio", env=env, cwd=str(workspace))
    try:
        yield state
    finally:
        try:
            await asyncio.wait_for(client.shutdown_session(), WAIT)
        finally:
            await client.stop()


def _find(diagnostics: list[types.Diagnostic], code: str) -> types.Diagnostic:
    found = [d for d in diagnostics if d.code == code]
    assert found, f"no {code} among {[d.code for d in diagnostics]}"
    return found[0]


def _span(diagnostic: types.Diagnostic) -> tuple[int, int, int, int]:
    r = diagnostic.range
    return r.start.line, r.start.character, r.end.line, r.end.character


def _apply(text: str, edits: list[types.TextEdit]) -> str:
    """Apply LSP edits (UTF-16 positions) to a text, last first."""
    lines = LineIndex(text)
    spans = []
    for edit in edits:
        start = from_lsp(lines, edit.range.start.line, edit.range.start.character, UTF16)
        end = from_lsp(lines, edit.range.end.line, edit.range.end.character, UTF16)
        spans.append((start, end, edit.new_text))
    for start, end, new in sorted(spans, reverse=True):
        text = text[:start] + new + text[end:]
    return text


@pytest.mark.asyncio
async def test_diagnostics_have_utf16_ranges_and_follow_changes(session: Session) -> None:
    result = await session.initialize({"date": "2018-02-16", "select": ["hedges"]})
    assert result.capabilities.position_encoding in (None, types.PositionEncodingKind.Utf16)
    uri = session.open("draft.txt", DRAFT)
    diagnostics = await session.diagnostics(uri, 1)
    assert sorted(d.code for d in diagnostics) == ["hedges.probability", "hedges.reportedly"]

    reportedly = _find(diagnostics, "hedges.reportedly")
    # factrules says line 2, columns 17-27 in code points; two emoji before it make that 18-28 in UTF-16.
    assert _span(reportedly) == (1, 18, 1, 28)
    assert reportedly.severity == types.DiagnosticSeverity.Warning
    assert reportedly.source == "factrules"
    assert reportedly.code_description is not None
    assert reportedly.code_description.href == "factrules:/rules/explain/hedges.reportedly"
    assert reportedly.data["rule"] == "hedges.reportedly"
    assert reportedly.data["text"] == "reportedly"
    assert len(reportedly.data["fingerprint"]) == 20
    assert _span(_find(diagnostics, "hedges.probability")) == (2, 30, 2, 36)

    # An incremental edit: replace "reportedly " with "" and add a hedge at the very start of line 1.
    before = len(session.published)
    session.change(uri, 2, "", types.Range(types.Position(1, 18), types.Position(1, 29)))
    session.change(uri, 3, "Allegedly, ", types.Range(types.Position(0, 0), types.Position(0, 0)))
    diagnostics = await session.diagnostics(uri, 3, after=before)
    assert sorted(d.code for d in diagnostics) == ["hedges.probability", "hedges.reportedly"]
    assert _span(_find(diagnostics, "hedges.reportedly")) == (0, 0, 0, 9)
    # The debounce dropped the check of version 2: only the latest version was published.
    assert [p.version for p in session.published[before:] if p.uri == uri] == [3]


@pytest.mark.asyncio
async def test_utf16_even_when_the_client_prefers_utf8(session: Session) -> None:
    general = types.GeneralClientCapabilities(position_encodings=[types.PositionEncodingKind.Utf8])
    result = await session.initialize({"select": ["hedges"]}, general=general)
    assert result.capabilities.position_encoding == types.PositionEncodingKind.Utf16
    uri = session.open("draft.txt", "é🙂 It reportedly fell.\n")
    assert _span(_find(await session.diagnostics(uri, 1), "hedges.reportedly")) == (0, 7, 0, 17)
    # An incremental edit after the emoji lands where a UTF-16 client means it.
    session.change(uri, 2, "Allegedly ", types.Range(types.Position(0, 4), types.Position(0, 4)))
    diagnostics = await session.diagnostics(uri, 2)
    assert sorted(_span(d) for d in diagnostics) == [(0, 4, 0, 13), (0, 17, 0, 27)]


@pytest.mark.asyncio
async def test_hover_shows_the_explanation_and_the_resolved_date(session: Session) -> None:
    (session.root / ".factrules.yaml").write_text("rules: [house.yaml]\n", encoding="utf-8")
    (session.root / "house.yaml").write_text(HOUSE_PACK, encoding="utf-8")
    await session.initialize({"date": "2018-02-16", "plugins": ["lsptest_plugin"], "select": "hedges,house"})
    uri = session.open("story.txt", "🙂 The minister reportedly left today.\n")
    diagnostics = await session.diagnostics(uri, 1)
    today = _find(diagnostics, "house.today")
    assert _span(today) == (0, 32, 0, 37)
    assert today.message == "'today' is 2018-02-16: give the date."
    assert today.severity == types.DiagnosticSeverity.Information

    hover = await session.hover(uri, 0, 34)
    assert hover is not None and hover.range is not None
    assert (hover.range.start.character, hover.range.end.character) == (32, 37)
    assert hover.contents.kind == types.MarkupKind.Markdown
    assert "Resolves to: 2018-02-16 (Fri 16 Feb 2018)" in hover.contents.value
    assert "Relative days must be given as dates." in hover.contents.value  # the rule's explanation

    hover = await session.hover(uri, 0, 20)
    assert hover is not None
    assert "hedges.reportedly (phrase, hedge, warning)" in hover.contents.value  # rules explain's header
    assert "Name who reported" in hover.contents.value
    assert await session.hover(uri, 0, 5) is None  # "minister" is not flagged


@pytest.mark.asyncio
async def test_hover_on_built_in_figures_and_dates_shows_their_interval(session: Session) -> None:
    await session.initialize({"date": "2018-02-16", "select": ["numbers", "dates"]})
    uri = session.open("story.md", "# 🙂 Raid\n\nAs many as 100 fighters attacked last week.\n", "markdown")
    diagnostics = await session.diagnostics(uri, 1)
    by_text = {d.data["text"].lower(): d for d in diagnostics}
    figure, period = by_text["as many as 100"], by_text["last week"]
    assert _span(figure) == (2, 0, 2, 14) and _span(period) == (2, 33, 2, 42)

    hover = await session.hover(uri, 2, 12)
    assert hover is not None
    assert "Interval: at most 100 (approximate)" in hover.contents.value
    assert f"**{figure.code}**" in hover.contents.value

    hover = await session.hover(uri, 2, 40)
    assert hover is not None
    assert "Resolves to: 2018-02-05 (Mon 5 Feb 2018) to 2018-02-11 (Sun 11 Feb 2018)" in hover.contents.value


@pytest.mark.asyncio
async def test_configuration_changes_date_select_and_ignore(session: Session) -> None:
    (session.root / ".factrules.yaml").write_text("rules: [house.yaml]\n", encoding="utf-8")
    (session.root / "house.yaml").write_text(HOUSE_PACK, encoding="utf-8")
    await session.initialize(
        {"plugins": ["lsptest_plugin"], "select": ["hedges", "house"], "ignore": ["hedges.probability"]}
    )
    uri = session.open("story.txt", "It would likely rise today, reportedly.\n")
    codes = sorted(d.code for d in await session.diagnostics(uri, 1))
    assert codes == ["hedges.reportedly"]  # no date: "today" stays unresolved; probability ignored

    before = len(session.published)
    session.client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"factrules": {"date": "2018-02-16", "ignore": []}})
    )
    diagnostics = await session.diagnostics(uri, after=before)
    assert sorted(d.code for d in diagnostics) == ["hedges.probability", "hedges.reportedly", "house.today"]
    assert _find(diagnostics, "house.today").message == "'today' is 2018-02-16: give the date."

    before = len(session.published)
    session.client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"factrules": {"select": "house", "date": "16/02/2018"}})
    )
    diagnostics = await session.diagnostics(uri, after=before)
    assert diagnostics == []  # only the house pack, and the unusable date is dropped
    assert any("not an ISO date" in m for m in session.messages)


@pytest.mark.asyncio
async def test_a_new_config_file_applies_when_the_client_reports_it(session: Session) -> None:
    await session.initialize({"select": ["hedges"]})
    uri = session.open("story.txt", "The minister reportedly left.\n")
    assert [d.code for d in await session.diagnostics(uri, 1)] == ["hedges.reportedly"]
    config = session.root / ".factrules.yaml"
    config.write_text("ignore: [hedges.reportedly]\n", encoding="utf-8")
    before = len(session.published)
    session.client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=uris.from_fs_path(str(config)), type=types.FileChangeType.Created)]
        )
    )
    assert await session.diagnostics(uri, after=before) == []


@pytest.mark.asyncio
async def test_config_file_problem_is_a_diagnostic(session: Session) -> None:
    (session.root / ".factrules.yaml").write_text("fail_on: sometimes\n", encoding="utf-8")
    await session.initialize()
    uri = session.open("story.txt", "The minister reportedly left.\n")
    diagnostics = await session.diagnostics(uri, 1)
    assert len(diagnostics) == 1
    assert diagnostics[0].code == "config-error"
    assert diagnostics[0].severity == types.DiagnosticSeverity.Error
    assert ".factrules.yaml" in diagnostics[0].message


@pytest.mark.asyncio
async def test_a_crashing_rule_is_shown_and_the_server_keeps_serving(session: Session) -> None:
    (session.root / ".factrules.yaml").write_text("rules: [house.yaml]\n", encoding="utf-8")
    (session.root / "house.yaml").write_text(HOUSE_PACK, encoding="utf-8")
    await session.initialize({"plugins": ["lsptest_plugin"], "select": ["hedges", "house"]})
    uri = session.open("story.txt", "It reportedly went kaboom.\n")
    (problem,) = await session.diagnostics(uri, 1)
    assert problem.code == "internal-error"
    assert "RuntimeError: the matcher broke" in problem.message
    session.change(uri, 2, "It reportedly went away.\n")
    assert [d.code for d in await session.diagnostics(uri, 2)] == ["hedges.reportedly"]


@pytest.mark.asyncio
async def test_code_action_applies_the_suggestion(session: Session) -> None:
    (session.root / ".factrules.yaml").write_text("rules: [house.yaml]\n", encoding="utf-8")
    (session.root / "house.yaml").write_text(HOUSE_PACK, encoding="utf-8")
    await session.initialize({"plugins": ["lsptest_plugin"]})
    text = "Notes\n\n🙂 Fighting in Deir ez-Zour went on.\n"
    uri = session.open("story.md", text, "markdown")
    spelling = _find(await session.diagnostics(uri, 1), "house.spelling")
    assert _span(spelling) == (2, 15, 2, 27)
    assert spelling.data["suggestion"] == "Deir ez-Zor"

    actions = await session.code_actions(uri, spelling)
    replace = [a for a in actions if a.title.startswith("Replace")]
    assert len(replace) == 1 and replace[0].kind == types.CodeActionKind.QuickFix and replace[0].is_preferred
    edits = replace[0].edit.changes[uri]
    fixed = _apply(text, edits)
    assert fixed == "Notes\n\n🙂 Fighting in Deir ez-Zor went on.\n"

    before = len(session.published)
    session.change(uri, 2, fixed)
    assert all(d.code != "house.spelling" for d in await session.diagnostics(uri, 2, after=before))


@pytest.mark.asyncio
async def test_code_action_inserts_a_suppression_comment_in_markdown(session: Session) -> None:
    await session.initialize({"select": ["hedges"]})
    text = "# Title\n\n  - The minister reportedly\r\n    resigned, likely today.\r\n"
    uri = session.open("story.md", text, "markdown")
    diagnostics = await session.diagnostics(uri, 1)
    reportedly = _find(diagnostics, "hedges.reportedly")
    assert _span(reportedly) == (2, 17, 2, 27)

    actions = await session.code_actions(uri, reportedly)
    suppress = [a for a in actions if a.title == "Suppress hedges.reportedly on this line"]
    assert len(suppress) == 1
    (edit,) = suppress[0].edit.changes[uri]
    assert _span(types.Diagnostic(range=edit.range, message="")) == (2, 0, 2, 0)
    # Same indentation as the flagged line, and the document's own line break.
    assert edit.new_text == "  <!-- factrules-disable-next-line hedges.reportedly -->\r\n"
    suppressed = _apply(text, [edit])

    # The Markdown reader honours the comment: the finding is gone after the edit.
    session.change(uri, 2, suppressed)
    diagnostics = await session.diagnostics(uri, 2)
    assert [d.code for d in diagnostics] == ["hedges.probability"]
    # The next line's finding gets its own comment, indented like that line.
    probability = _find(diagnostics, "hedges.probability")
    (action,) = [a for a in await session.code_actions(uri, probability) if a.title.startswith("Suppress")]
    (edit,) = action.edit.changes[uri]
    assert _apply(suppressed, [edit]) == (
        "# Title\n\n  <!-- factrules-disable-next-line hedges.reportedly -->\r\n  - The minister reportedly\r\n"
        "    <!-- factrules-disable-next-line hedges.probability -->\r\n    resigned, likely today.\r\n"
    )


@pytest.mark.asyncio
async def test_suppression_in_html_extends_an_existing_comment(session: Session) -> None:
    await session.initialize()
    text = "<p>\n<!-- factrules-disable-next-line hedges.probability -- checked -->\nIt reportedly fell.</p>\n"
    uri = session.open("story.html", text, "html")
    reportedly = _find(await session.diagnostics(uri, 1), "hedges.reportedly")
    (action,) = [a for a in await session.code_actions(uri, reportedly) if a.title.startswith("Suppress")]
    (edit,) = action.edit.changes[uri]
    assert _apply(text, [edit]) == (
        "<p>\n<!-- factrules-disable-next-line hedges.probability, hedges.reportedly -- checked -->\n"
        "It reportedly fell.</p>\n"
    )


@pytest.mark.asyncio
async def test_plain_text_suppression_hides_the_finding_for_the_session(session: Session) -> None:
    await session.initialize({"select": ["hedges"]})
    uri = session.open("story.txt", "It reportedly fell, likely today.\n")
    diagnostics = await session.diagnostics(uri, 1)
    reportedly = _find(diagnostics, "hedges.reportedly")
    actions = await session.code_actions(uri, reportedly)
    assert not any(a.edit for a in actions), "plain text has no comment syntax: nothing is written into the draft"
    (ignore,) = [a for a in actions if a.command is not None]
    assert ignore.command.command == "factrules.ignoreFinding"

    before = len(session.published)
    await asyncio.wait_for(
        session.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command=ignore.command.command, arguments=ignore.command.arguments)
        ),
        WAIT,
    )
    assert [d.code for d in await session.diagnostics(uri, after=before)] == ["hedges.probability"]
    # An unrelated edit keeps it hidden: the fingerprint ignores where the sentence sits.
    before = len(session.published)
    session.change(uri, 2, "Intro.\n\nIt reportedly fell, likely today.\n")
    assert [d.code for d in await session.diagnostics(uri, 2, after=before)] == ["hedges.probability"]


@pytest.mark.asyncio
async def test_unknown_languages_are_left_alone_and_close_clears(session: Session) -> None:
    await session.initialize()
    code_uri = session.open("script.py", "x = 1  # reportedly\n", "python")
    uri = session.open("story.txt", "It reportedly fell.\n")
    assert [d.code for d in await session.diagnostics(uri, 1)] == ["hedges.reportedly"]
    assert all(p.uri != code_uri for p in session.published)
    before = len(session.published)
    session.client.text_document_did_close(types.DidCloseTextDocumentParams(types.TextDocumentIdentifier(uri)))
    assert await session.diagnostics(uri, after=before) == []


@pytest.mark.asyncio
async def test_unsaved_buffer_and_explain_request(session: Session) -> None:
    await session.initialize()
    uri = "untitled:Untitled-1"
    session.client.text_document_did_open(
        types.DidOpenTextDocumentParams(
            types.TextDocumentItem(uri=uri, language_id="markdown", version=1, text="It reportedly fell.\n")
        )
    )
    assert [d.code for d in await session.diagnostics(uri, 1)] == ["hedges.reportedly"]
    reply = await asyncio.wait_for(
        session.client.protocol.send_request_async("factrules/explainRule", {"rule": "hedges.reportedly"}), WAIT
    )
    assert reply.rule == "hedges.reportedly"
    assert reply.text.startswith("hedges.reportedly (phrase, hedge, warning)")


def test_without_pygls_the_command_says_what_to_install() -> None:
    code = "import sys; sys.modules['pygls'] = None; from factrules.cli import main; sys.exit(main(['lsp']))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "factrules: error: the language server needs pygls: pip install 'factrules[lsp]'"
    ]


# -- the position helpers, on their own -----------------------------------
@pytest.mark.parametrize(
    ("encoding", "expected"), [(UTF16, (0, 6)), (UTF32, (0, 5)), (UTF8, (0, 8))]
)
def test_columns_after_a_non_bmp_character(encoding: str, expected: tuple[int, int]) -> None:
    # 'x="😋" é': the code-point column 6 (1-based) is after 'x="😋"'.
    lines = LineIndex('x="😋" é\nsecond')
    assert to_lsp(lines, 1, 6, encoding) == expected
    assert from_lsp(lines, *expected, encoding) == 5


def test_code_units_and_back() -> None:
    text = "a😋é中"
    assert [code_units(text, e) for e in (UTF8, UTF16, UTF32)] == [1 + 4 + 2 + 3, 1 + 2 + 1 + 1, 4]
    assert code_points_in(text, 2, UTF16) == 1  # inside the surrogate pair: the emoji is not covered
    assert code_points_in(text, 3, UTF16) == 2
    assert code_points_in(text, 99, UTF16) == 4


def test_line_index_knows_every_lsp_line_break() -> None:
    lines = LineIndex("a\r\nb\rc\nd")
    assert [lines.line(i) for i in range(4)] == ["a", "b", "c", "d"]
    assert lines.line_break(0) == "\r\n" and lines.line_break(1) == "\r" and lines.line_break(3) == "\r\n"
    assert lines.position(lines.offset(2, 1)) == (2, 1)


def test_explanation_markdown_keeps_lines_and_lists_apart() -> None:
    from factrules.lsp.content import explanation_markdown

    text = (
        "a.b (phrase, hedge, warning)\n\nWhy *this* matters.\nMessage: '{text}'\n"
        "  flags:     x\n  not flags: y\nDefined in p:1"
    )
    assert explanation_markdown(text).splitlines() == [
        "a.b (phrase, hedge, warning)",
        "",
        "Why \\*this\\* matters.  ",
        "Message: '\\{text\\}'",
        "",
        "- flags: x",
        "- not flags: y",
        "",
        "Defined in p:1",
    ]


@pytest.mark.parametrize(
    ("uri", "language", "text"),
    [
        ("file:///drafts/a.md", "markdown", "---\ndate: 2018-02-16\n---\n# 🙂\n\nIt *reportedly* fell last week.\n"),
        ("file:///drafts/a.html", "html", "<p>🙂 It <b>reportedly</b> fell last week.</p>\n"),
        ("untitled:Untitled-1", "plaintext", "🙂 It reportedly fell last week.\n"),
    ],
)
def test_buffer_findings_are_valid_and_their_ranges_point_at_the_words(uri: str, language: str, text: str) -> None:
    """The server's check path (in-process here) yields schema-valid findings whose LSP ranges cover the words."""
    from factrules.findings import validator
    from factrules.lsp.check import check_buffer
    from factrules.lsp.content import finding_range
    from factrules.lsp.settings import parse_settings

    settings, problems = parse_settings({"factrules": {"select": "hedges,dates", "date": "2018-02-16"}})
    assert problems == []
    path = uris.to_fs_path(uri) if uri.startswith("file:") else None
    result = check_buffer(uri, text, language_id=language, path=path, version=1, settings=settings, root=None)
    assert result is not None and result.problem is None
    assert sorted(f.rule for f in result.findings) == ["dates.relative-period", "hedges.reportedly"]
    lines = LineIndex(text)
    for finding in result.findings:
        assert not list(validator("finding").iter_errors(finding.to_dict()))
        assert finding.path == (path or uri)
        r = finding_range(result, finding)
        start = from_lsp(lines, r.start.line, r.start.character)
        end = from_lsp(lines, r.end.line, r.end.character)
        assert text[start:end].lower() == finding.text.lower()


# -- large buffers (issue 15, item 2 in the language server) -------------------------------------------------------


@pytest.mark.asyncio
async def test_a_huge_buffer_does_not_hold_back_other_documents(session: Session) -> None:
    """100 KB with no sentence end (minutes of work before issue 15's core fixes) is checked in the large-buffer
    process; a small draft's diagnostics still come at once."""
    import time

    await session.initialize({"date": "2018-02-16"})
    huge = "the council reportedly met on Monday and said nothing about Tuesday " * 1500
    session.open("huge.txt", huge)
    await asyncio.sleep(0.5)  # the huge buffer's check has started
    started = time.monotonic()
    small = session.open("small.txt", "The minister reportedly resigned.")
    diagnostics = await session.diagnostics(small, 1)
    assert [d.code for d in diagnostics] == ["hedges.reportedly"]
    assert time.monotonic() - started < 15


@pytest.mark.asyncio
async def test_a_large_buffer_checked_in_the_worker_process_keeps_hovers(session: Session) -> None:
    from factrules.lsp.server import LARGE_CHARACTERS

    await session.initialize({"select": ["hedges"]})
    sentence = "The minister reportedly resigned after the vote on the budget. "
    text = sentence * (LARGE_CHARACTERS // len(sentence) + 10)
    uri = session.open("large.txt", text)
    diagnostics = await session.diagnostics(uri, 1)
    assert len(diagnostics) == text.count("reportedly")
    first = diagnostics[0]
    hover = await asyncio.wait_for(session.client.text_document_hover_async(types.HoverParams(
        text_document=types.TextDocumentIdentifier(uri), position=first.range.start)), WAIT)
    assert hover is not None and "reportedly" in str(hover.contents)


STALL_PACK = """\
pack: stall
version: 0.1.0
description: A rule that never finishes on a text holding STALL.
language: en
defaults: {category: house, severity: info, scope: sentence}
rules:
  - id: stall
    kind: lsptest-stall
    description: Sleeps for ten minutes on STALL.
    message: never shown
    examples:
      match: ["A STALL here."]
"""


@pytest.mark.asyncio
@pytest.mark.timeout(240)
async def test_a_large_buffer_past_its_deadline_is_stopped_and_says_so(session: Session) -> None:
    import time

    from factrules.lsp.server import LARGE_CHARACTERS, LARGE_SECONDS

    (session.root / ".factrules.yaml").write_text("rules: [stall.yaml]\n", encoding="utf-8")
    (session.root / "stall.yaml").write_text(STALL_PACK, encoding="utf-8")
    await session.initialize({"plugins": ["lsptest_plugin"]})
    text = "A STALL here. " + "The minister reportedly resigned. " * (LARGE_CHARACTERS // 30)
    started = time.monotonic()
    uri = session.open("stuck.txt", text)
    small = session.open("small.txt", "The minister reportedly resigned.")
    assert [d.code for d in await session.diagnostics(small, 1)] == ["hedges.reportedly"]
    while time.monotonic() - started < LARGE_SECONDS + 60:
        published = [p for p in session.published if p.uri == uri]
        if published:
            break
        await asyncio.sleep(0.5)
    else:
        pytest.fail("the stuck large buffer never got a diagnostic")
    diagnostics = published[-1].diagnostics
    assert [d.code for d in diagnostics] == ["timeout"] and "longer than" in diagnostics[0].message
    assert time.monotonic() - started >= LARGE_SECONDS - 1
