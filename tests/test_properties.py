"""Property tests: any text at all, through the API, the engine and the readers, yields located findings.

The strategies mix arbitrary code points (controls, surrogates where a ``str`` can carry them, private use,
unassigned), line breaks of every kind, right-to-left text and combining marks with phrases the built-in
packs flag, so that findings actually occur and sit next to hostile characters. For every finding: no
exception on the way, the span lies inside the source, ``text`` is what the span covers (plain text),
the range's line and column agree with the span, and the finding is valid against the schema.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from conftest import validate_finding_dict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factrules import check_text
from factrules.document import Document
from factrules.engine import Engine, Settings
from factrules.packs import load_packs
from factrules.plugins import registry

pytestmark = pytest.mark.timeout(600)

PROPERTY = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

#: words the built-in packs flag, across every category (so findings happen next to odd characters)
TRIGGERS = [
    "reportedly", "allegedly", " is believed to ", "according to people familiar with the matter",
    " officials said ", "the ministry denied any involvement", "weren't involved", "as many as 100",
    "hundreds of fighters", "about 3.5 million", "last week", "on Sunday", "earlier this week",
    "Deir ez-Zor", "Deir el-Zour", "“It was a mistake,” ", "couldn't be verified", "100 or so dead",
    "12 percent", "$4 billion", "March 3, 2018", "2017-05-01", "an unknown number",
]
BREAKS = ["\n", "\r\n", "\r", "\n\n", "\r\n\r\n", "\u2028", "\u2029", "\x85", "\x0b", "\x0c", "\t", ". ", "? "]
RTL = ["مرحبا بالعالم", "שלום עולם", "\u200f", "\u200e", "\u202e", "\u202b", "\u2067", "\u2069", "تقرير"]
COMBINING = ["e\u0301", "\u0301", "a\u0308\u0323", "\u200d", "\ufe0f", "👩‍👩‍👧", "🇸🇾"]
ODD = ["\x00", "\ud800", "\udfff", "\ud83d", "\ufeff", "\ufffd", "\U0010ffff", "\x7f", "\x1b[31m"]

ANY_CHARACTER = st.characters(exclude_categories=())  # every category, surrogates (Cs) included
FRAGMENTS = st.one_of(
    st.text(ANY_CHARACTER, max_size=12),
    st.sampled_from(TRIGGERS),
    st.sampled_from(BREAKS),
    st.sampled_from(RTL),
    st.sampled_from(COMBINING),
    st.sampled_from(ODD),
    st.sampled_from([" ", "  ", "It ", "The ", "said ", "Fighters "]),
)
TEXTS = st.lists(FRAGMENTS, max_size=40).map("".join)

MARKUP = st.sampled_from([
    "<p>", "</p>", "<div>", "</div>", "<b>", "</b>", "<i>", "<br>", "<br/>", "<script>", "</script>",
    "<style>x{}</style>", "<!--", "-->", "<!-- factrules-disable -->", "<!-- factrules-enable -->", "&amp;",
    "&#x41;", "&#1114112;", "&#0;", "&bogus;", "&", "<", ">", "<a href='x\">", "<pre>", "</pre>", "<title>",
    "<head>", "</head>", "<ul><li>", "<td>", "<![CDATA[", "]]>", "<![", "<![if x]>",
    "<![endif]>", "<!x", "<!", "<?xml?>", "<!DOCTYPE html>", "<math>",
    "# ", "## ", "> ", ">> ", "- ", "* ", "1. ", "```", "```\n", "~~~", "`", "**", "__", "_", "*", "\\",
    "[link](http://x.test)", "![img](y.png)", "[ref]: http://z.test", "|a|b|\n|-|-|\n", "| x | y |\n",
    "---\n", "---\ndate: 2018-02-16\n---\n", "+++\n", "    ", "\t", "<http://auto.link>", "[^1]", "{#id}",
])
MARKUP_TEXTS = st.lists(st.one_of(FRAGMENTS, MARKUP, MARKUP), max_size=50).map("".join)


def expected_position(source: str, offset: int) -> dict[str, int]:
    """Line and column of ``offset`` by the contract: breaks are CRLF, CR or LF; columns count code points."""
    line, line_start, index = 1, 0, 0
    while index < offset:
        char = source[index]
        if char == "\r" and index + 1 < len(source) and source[index + 1] == "\n":
            if index + 2 > offset:
                break  # the offset sits between CR and LF: still on the CR's line
            index += 2
        elif char in "\r\n":
            index += 1
        else:
            index += 1
            continue
        line, line_start = line + 1, index
    return {"line": line, "column": offset - line_start + 1}


def assert_located(findings: list[Any], source: str, *, exact_text: str | None = None) -> None:
    """Every finding's span is inside ``source``, its range agrees, and it is valid against the schema.

    ``exact_text`` is the string the spans must cover character for character (plain text only).
    """
    for finding in findings:
        data = finding.to_dict()
        validate_finding_dict(data)
        start, end = data["span"]["start"], data["span"]["end"]
        assert 0 <= start <= end <= len(source), (data, len(source))
        if exact_text is not None:
            assert exact_text[start:end] == data["text"]
        assert data["range"]["start"] == expected_position(source, start)
        assert data["range"]["end"] == expected_position(source, end)


def assert_anchored(findings: list[Any], source: str) -> None:
    """Markup readers: a span starts and ends on the characters its text starts and ends with.

    Or on markup that encodes them (an entity, a backslash escape, a NUL read as U+FFFD, a space variant):
    this is what catches offsets drifting after something the parser stepped over.
    """
    for finding in findings:
        start, end, text = finding.span["start"], finding.span["end"], finding.text
        if not text.strip():
            continue
        covered = source[start:end]
        encoded = "&" in covered or "\\" in covered or "\x00" in covered
        if source[start] != text[0] and not text[0].isspace():
            assert encoded or source[start] in "\xa0\u202f\u2007", (finding.to_dict(), covered)
        if source[end - 1] != text[-1] and not text[-1].isspace():
            assert encoded or source[end - 1] in "\xa0\u202f\u2007", (finding.to_dict(), covered)


def as_checked(text: str) -> str:
    """``check_text`` reads NUL and lone surrogates as U+FFFD (one code point for one, so offsets hold)."""
    return "".join("\ufffd" if char == "\x00" or "\ud800" <= char <= "\udfff" else char for char in text)


_ENGINE: list[Engine] = []


def builtin_engine() -> Engine:
    if not _ENGINE:
        plugins = registry()
        packs = load_packs(plugins.pack_paths, plugins.matchers)
        _ENGINE.append(Engine(packs, plugins, Settings(date=dt.date(2018, 2, 16))))
    return _ENGINE[0]


@PROPERTY
@given(TEXTS)
def test_check_text_locates_every_finding_in_any_text(text: str) -> None:
    findings = check_text(text, date="2018-02-16")
    assert_located(findings, text, exact_text=as_checked(text))


@PROPERTY
@given(TEXTS)
def test_the_engine_on_a_document_takes_any_string_as_it_is(text: str) -> None:
    """Below the readers nothing is replaced: the engine copes with NUL and lone surrogates itself."""
    findings, errors = builtin_engine().check(Document(path="draft.txt", text=text))
    assert_located(findings, text, exact_text=text)
    assert all(error["kind"] != "rule-error" for error in errors), errors


@PROPERTY
@given(TEXTS)
def test_the_markdown_reader_locates_findings_in_any_text(text: str) -> None:
    findings = check_text(text, date="2018-02-16", format="markdown", path="draft.md")
    assert_located(findings, text)
    assert_anchored(findings, text)


@PROPERTY
@given(MARKUP_TEXTS)
def test_the_markdown_reader_locates_findings_in_markup_ish_text(text: str) -> None:
    findings = check_text(text, date="2018-02-16", format="markdown", path="draft.md")
    assert_located(findings, text)
    assert_anchored(findings, text)


@PROPERTY
@given(TEXTS)
def test_the_html_reader_locates_findings_in_any_text(text: str) -> None:
    findings = check_text(text, date="2018-02-16", format="html", path="draft.html")
    assert_located(findings, text)
    assert_anchored(findings, text)


@PROPERTY
@given(MARKUP_TEXTS)
def test_the_html_reader_locates_findings_in_markup_ish_text(text: str) -> None:
    findings = check_text(text, date="2018-02-16", format="html", path="draft.html")
    assert_located(findings, text)
    assert_anchored(findings, text)


def test_the_strategies_reach_findings_and_hostile_characters() -> None:
    """Guard against a strategy that silently stops producing what the properties are about."""
    from hypothesis import find

    def hostile_and_flagged(text: str) -> bool:
        odd = any(c in text for c in ("\x00", "\ud800", "\r", "\u202e"))
        return odd and bool(check_text(text, date="2018-02-16"))

    assert hostile_and_flagged(find(TEXTS, hostile_and_flagged, settings=settings(max_examples=2000, deadline=None)))
