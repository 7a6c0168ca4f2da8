"""The HTML reader: the text a reader of the page sees, each character mapped to the source.

It uses the standard library's ``html.parser`` because it reports where in
the source every tag, text run, entity and comment starts, never recurses
(10,000 nested elements are just 10,000 tags) and never raises on broken
markup.  Character references are handed over undecoded
(``convert_charrefs=False``) so each decoded character can be mapped to its
entity in the source.

Checked: text content.  Not checked: ``script``, ``style``, ``template``,
``noscript``, ``svg``, ``math``, the ``head`` (its ``title`` becomes
metadata), attribute values, comments.  Block elements and ``br`` end a
paragraph; whitespace runs read as spaces, except inside ``pre``.
"""

from __future__ import annotations

import html
from collections import Counter
from collections.abc import Callable
from html.parser import HTMLParser
from typing import Any

from factrules import rxcache
from factrules.document import Document
from factrules.readers import decode_text
from factrules.readers.frontmatter import parse_date
from factrules.readers.textmap import IdentityMap, TextBuilder
from factrules.suppressions import record_comment

BLOCK_TAGS = frozenset(
    """
    address article aside blockquote body br caption dd details dialog div dl dt fieldset figcaption figure
    footer form h1 h2 h3 h4 h5 h6 header hgroup hr html li main nav ol option p pre section summary table
    tbody td tfoot th thead tr ul legend menu
    """.split()
)
#: Elements whose content is not prose (or, for ``head``/``title``, not the article body).
SKIPPED_TAGS = frozenset({"script", "style", "template", "noscript", "svg", "math", "head", "title", "textarea"})
VOID_TAGS = frozenset("area base br col embed hr img input link meta source track wbr".split())
_DATE_META = frozenset({"date", "article:published_time", "dcterms.date", "dc.date", "pubdate", "publish-date"})
_REFERENCE = rxcache.compile(r"&#(?:[0-9]+|[xX][0-9a-fA-F]+);?|&[a-zA-Z][-.a-zA-Z0-9]*;?")
_SPACE = "\n\r\t\f\v"
#: after these (or at the start) a whitespace character adds nothing to the text
_COLLAPSES = frozenset(" \n")
#: whitespace that is not a single space between words (it collapses, or becomes a space)
_UNCOLLAPSED = rxcache.compile(r"[\n\r\t\f\v]|  ")


class HtmlExtractor(HTMLParser):
    """Feeds the text of an HTML fragment into a ``TextBuilder``.

    ``to_source`` maps an offset in ``content`` to an offset in the source
    file, so the same extractor serves an HTML file (identity) and an HTML
    block inside Markdown (whose lines may sit behind ``>`` markers).
    """

    def __init__(self, content: str, to_source: Callable[[int], int], builder: TextBuilder,
                 metadata: dict[str, Any]):
        super().__init__(convert_charrefs=False)
        self.content = content
        self.to_source = to_source
        self.builder = builder
        self.metadata = metadata
        self._skipping: Counter[str] = Counter()
        self._pre = 0
        self._title: list[str] | None = None
        self._line_starts = [0]
        index = content.find("\n")
        while index != -1:
            self._line_starts.append(index + 1)
            index = content.find("\n", index + 1)

    def run(self) -> None:
        """Parse everything; broken references make the stdlib parser pause, so feed until it stops moving."""
        self.feed(self.content)
        remaining = len(self.rawdata)
        while remaining:
            self.feed("")
            if len(self.rawdata) >= remaining:
                break
            remaining = len(self.rawdata)
        self._eof = True
        self.close()

    # -- constructs still open at the end of the data -------------------------
    # Python 3.11's parser, at the end, reads an unclosed tag's '<' as text and parses again from the next
    # '<' (or '>'): each retry scans towards the end, so '<div ' * 20000 (100 KB) took 35 s (CPython
    # gh-135462).  That recovery is kept where it is cheap (a stray quote in one attribute still leaves the
    # rest of the page checked), but the characters the retries may scan are budgeted: past the budget,
    # what is left is read as HTML5 and the fixed parser (3.13.4, 3.12.11) read it, once: a tag still open
    # at the end is dropped, a comment runs to the end.  The document notes where that happened.
    _eof = False
    #: characters the end-of-data retries may scan, per character of content (plus a constant)
    _RETRY_BUDGET = 4
    _retried = 0
    #: the content offset from which the rest was dropped, if it was
    dropped_from: int | None = None

    def _give_up(self, i: int) -> bool:
        """At the end of the data, whether the construct at ``i`` ends everything (the budget is spent)."""
        if not self._eof:
            return False
        self._retried += len(self.rawdata) - i
        if self._retried <= self._RETRY_BUDGET * len(self.content) + 100_000:
            return False
        if self.dropped_from is None:
            self.dropped_from = self._index()
        return True

    def parse_starttag(self, i: int) -> int:
        found = super().parse_starttag(i)
        return len(self.rawdata) if found < 0 and self._give_up(i) else found

    def parse_endtag(self, i: int) -> int:
        found = super().parse_endtag(i)
        return len(self.rawdata) if found < 0 and self._give_up(i) else found

    def parse_comment(self, i: int, report: int = 1) -> int:
        found = super().parse_comment(i, report)
        if found < 0 and self._give_up(i):
            self.handle_comment(self.rawdata[i + 4 :])
            return len(self.rawdata)
        return found

    def parse_pi(self, i: int) -> int:
        found = super().parse_pi(i)
        return len(self.rawdata) if found < 0 and self._give_up(i) else found

    def parse_html_declaration(self, i: int) -> int:
        found = super().parse_html_declaration(i)
        return len(self.rawdata) if found < 0 and self._give_up(i) else found

    def parse_marked_section(self, i: int, report: int = 1) -> int:
        """``<![...`` that is not CDATA: a bogus comment up to the next ``>``, as browsers read it.

        Python 3.11's parser raises ``AssertionError`` on a marked-section keyword it does not know
        (``<![if``, ``<![x``, ``<![;``), which lost the whole file; found by ``bench/fuzz_readers.py``.
        """
        position = self.lineno, self.offset
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            self.lineno, self.offset = position  # the stdlib moved the position before raising: offsets drifted
            end = self.rawdata.find(">", i + 3)
            return -1 if end < 0 else end + 1

    def _index(self) -> int:
        line, column = self.getpos()
        return self._line_starts[line - 1] + column

    @property
    def skipping(self) -> bool:
        return any(self._skipping.values())

    # -- tags ---------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs, opens=tag not in VOID_TAGS)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs, opens=False)

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]], *, opens: bool) -> None:
        if tag in BLOCK_TAGS:
            self.builder.paragraph_break(self.to_source(self._index()))
        if tag == "body":  # ``</head>`` is optional: the body ends the head
            self._skipping["head"] = 0
        elif tag == "html":
            lang = dict(attrs).get("lang")
            if lang and "language" not in self.metadata:
                self.metadata["language"] = lang.strip()
        elif tag == "meta":
            self._meta(dict(attrs))
        if not opens:
            return
        if tag in SKIPPED_TAGS:
            self._skipping[tag] += 1
            if tag == "title":
                self._title = []
        elif tag == "pre":
            self._pre += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCK_TAGS:
            self.builder.paragraph_break(self.to_source(self._index()))
        if tag in SKIPPED_TAGS and self._skipping[tag]:
            self._skipping[tag] -= 1
            if tag == "title" and self._title is not None:
                title = " ".join("".join(self._title).split())
                if title and "title" not in self.metadata:
                    self.metadata["title"] = title
                self._title = None
        elif tag == "pre" and self._pre:
            self._pre -= 1

    def _meta(self, attrs: dict[str, str | None]) -> None:
        name = (attrs.get("name") or attrs.get("property") or "").lower()
        content = attrs.get("content")
        if name in _DATE_META and content and "date" not in self.metadata:
            date = parse_date(content)
            if date is not None:
                self.metadata["date"] = date
        elif name in ("language", "dc.language") and content and "language" not in self.metadata:
            self.metadata["language"] = content.strip()

    # -- text -----------------------------------------------------------------
    def handle_data(self, data: str) -> None:
        if self.skipping:
            if self._title is not None and self._skipping["title"]:
                self._title.append(data)
            return
        start = self._index()
        to_source = self.to_source
        in_pre = self._pre > 0
        builder = self.builder
        span = getattr(to_source, "span", None)
        if span is not None and (in_pre or (_UNCOLLAPSED.search(data) is None
                                            and not (data[:1] == " " and builder.last in _COLLAPSES))):
            builder.add_run(data, span(start, start + len(data)), whitespace_as_space=not in_pre)
            return
        for position, char in enumerate(data, start):
            if not in_pre and (char in _SPACE or char == " "):
                if builder.last in _COLLAPSES:  # a browser shows a run of whitespace as one space
                    continue
                char = " "
            builder.add(char, to_source(position))

    def _reference(self) -> None:
        start = self._index()
        match = _REFERENCE.match(self.content, start)
        raw = match.group() if match else self.content[start]
        decoded = html.unescape(raw)
        if self.skipping:
            if self._title is not None and self._skipping["title"]:
                self._title.append(decoded)
            return
        if decoded == raw:  # an unknown name stays as written
            for position, char in enumerate(raw, start):
                self.builder.add(char, self.to_source(position))
            return
        end = start + len(raw)
        self.builder.add_decoded(decoded, self.to_source(start), self.to_source(end - 1) + 1)

    def handle_entityref(self, name: str) -> None:
        self._reference()

    def handle_charref(self, name: str) -> None:
        self._reference()

    def handle_comment(self, data: str) -> None:
        start = self._index()
        close = self.content.find("-->", start + 4)
        end = close + 3 if close != -1 else min(len(self.content), start + len(data) + 7)
        record_comment(self.metadata, data, self.to_source(start), self.to_source(end - 1) + 1)


def extract_html(content: str, to_source: Callable[[int], int], builder: TextBuilder,
                 metadata: dict[str, Any]) -> str | None:
    """Add the text of an HTML fragment to ``builder`` (Markdown uses this for its HTML blocks).

    Returns a note when the rest of the fragment was dropped (unclosed markup past the retry budget).
    """
    extractor = HtmlExtractor(content, to_source, builder, metadata)
    extractor.run()
    if extractor.dropped_from is None:
        return None
    line = content.count("\n", 0, extractor.dropped_from) + 1
    return (f"line {line} of the HTML: markup left open to the end of the file (unclosed tags or quotes); "
            "the rest was read as a browser reads it, as part of that markup, and not checked")


def read_html(data: bytes, path: str) -> Document:
    source = decode_text(data, path)
    builder = TextBuilder()
    metadata: dict[str, Any] = {}
    note = extract_html(source, IdentityMap(), builder, metadata)
    document = builder.build(path, source, metadata)
    if note:
        document.note("html-unclosed", note, severity="warning")
    return document
