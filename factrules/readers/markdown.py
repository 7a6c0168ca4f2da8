"""The Markdown reader: CommonMark (markdown-it-py) with tables, strikethrough and YAML front matter.

markdown-it gives block tokens their source lines but inline tokens no
positions, so the reader locates them itself, in two steps:

1. each block's inline ``content`` is the source lines minus container
   markers (``> ``, list indentation); every content line is found in its
   source line (``LineMap``);
2. the inline children are walked in order over that content, each kind of
   token consuming its own markup (``**``, ``[``, ``](url "title")``,
   backticks), and text characters are aligned with the content, allowing
   for backslash escapes, entity references and whitespace markdown-it trims.

Checked: the text of paragraphs, headings, list items, block quotes, table
cells and links, and the text inside HTML blocks (see the HTML reader).  Not
checked: front matter, fenced and indented code, inline code, link and
image destinations, image descriptions, autolinks and bare URLs, HTML tags,
attributes and comments.
"""

from __future__ import annotations

import html
from collections import deque
from typing import Any

from markdown_it import MarkdownIt
from markdown_it.helpers import parseLinkDestination, parseLinkTitle
from markdown_it.token import Token
from mdit_py_plugins.front_matter import front_matter_plugin

from factrules import rxcache
from factrules.document import Document
from factrules.readers import decode_text
from factrules.readers.frontmatter import metadata_from_yaml
from factrules.readers.html import extract_html
from factrules.readers.textmap import LineMap, TextBuilder

_PARSER = MarkdownIt("commonmark").use(front_matter_plugin).enable(["table", "strikethrough"])
_LINE = rxcache.compile(r"[^\r\n]*(?:\r\n|\r|\n|$)")
#: What may stand before a block's content on a source line: block quote and list markers, indentation.
_CONTAINER_PREFIX = rxcache.compile(r"^[ \t>]*(?:(?:[-+*]|\d{1,9}[.)])[ \t>]+)*$")
_REFERENCE = rxcache.compile(r"&#(?:[0-9]{1,7}|[xX][0-9a-fA-F]{1,6});|&[a-zA-Z][a-zA-Z0-9]{1,31};")
_EMPHASIS = frozenset({"em_open", "em_close", "strong_open", "strong_close", "s_open", "s_close"})
#: content characters that may not stand for themselves in a text token
_SPECIAL = rxcache.compile(r"[&\\\n\r\t]")
_ASCII_PUNCTUATION = frozenset("!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~")
_LEAF_BLOCKS = frozenset({"inline", "paragraph_open", "heading_open", "table_open", "fence", "code_block", "html_block",
                          "hr", "front_matter"})
_MARKERS = rxcache.compile(r"[ \t>]*(?:(?:[-+*]|\d{1,9}[.)])(?=[ \t]|$)[ \t>]*)*")


def _text_start(source: str, start: int, end: int) -> int:
    """Where a line's text starts after block quote and list markers."""
    return _MARKERS.match(source, start, end).end()


def _line_spans(source: str) -> list[tuple[int, int]]:
    """(start, end without line break) of every source line; line breaks as markdown-it counts them."""
    spans = []
    for match in _LINE.finditer(source):
        if match.start() == len(source) and spans:
            break
        text = match.group()
        spans.append((match.start(), match.start() + len(text.rstrip("\r\n"))))
    return spans


class _Reader:
    def __init__(self, source: str, path: str):
        self.source = source
        self.path = path
        self.lines = _line_spans(source)
        self.builder = TextBuilder()
        self.metadata: dict[str, Any] = {}
        #: (line, column) after the last content located, so table cells on one line are found in order
        self._floor = (-1, 0)
        #: a deque: lines are taken from the front, and 10,000 dropped lines made ``list.pop(0)`` quadratic
        self._dropped: deque[int] = deque()
        self._pending = ""  # the rest of an entity that decodes to several characters, and its source span
        self._pending_span = (0, 0)
        #: what could not be read (front matter past the alias limit), for the document's notes
        self._notes: list[tuple[str, str]] = []

    def read(self) -> Document:
        tokens = _PARSER.parse(self.source)
        limit = _PARSER.options["maxNesting"]
        self._dropped = deque(self._dropped_lines(tokens) if any(t.level >= limit - 1 for t in tokens) else ())
        for token in tokens:
            if token.map and self._dropped:
                self._flush_dropped(before=token.map[0])
            if token.type == "front_matter":
                first_line = (token.map[0] if token.map else 0) + 2  # the line after the opening '---'
                front_notes: list[str] = []
                self.metadata.update(metadata_from_yaml(token.content, front_notes, first_line))
                self._notes.extend(("front-matter", note) for note in front_notes)
            elif token.type == "inline":
                self.builder.paragraph_break()
                self._inline(token)
                self.builder.paragraph_break()
            elif token.type == "html_block":
                self.builder.paragraph_break()
                note = extract_html(token.content, self._line_map(token), self.builder, self.metadata)
                if note:
                    block_line = (token.map or [0])[0] + 1
                    self._notes.append(("html-unclosed", f"{note} (the HTML block at line {block_line})"))
                self.builder.paragraph_break()
            elif token.type in ("fence", "code_block", "hr"):
                self.builder.paragraph_break()
        self._flush_dropped(before=len(self.lines))
        document = self.builder.build(self.path, self.source, self.metadata)
        for kind, note in self._notes:
            document.note(kind, note, severity="warning")
        return document

    # -- text markdown-it drops: blocks nested deeper than its limit ---------
    def _dropped_lines(self, tokens: list[Token]) -> list[int]:
        """Source lines with text that no block token covers (markdown-it stops at ``maxNesting`` levels)."""
        covered = bytearray(len(self.lines) + 1)
        for token in tokens:
            if token.map and token.type in _LEAF_BLOCKS:
                covered[token.map[0]:token.map[1]] = b"\x01" * (token.map[1] - token.map[0])
        dropped = []
        for number, (start, end) in enumerate(self.lines):
            if not covered[number] and _text_start(self.source, start, end) < end:
                dropped.append(number)
        return dropped

    def _flush_dropped(self, before: int) -> None:
        """Add dropped lines before line ``before`` as plain text, consecutive lines as one paragraph."""
        previous = -2
        while self._dropped and self._dropped[0] < before:
            number = self._dropped.popleft()
            start, end = self.lines[number]
            text_start = _text_start(self.source, start, end)
            if number != previous + 1:
                self.builder.paragraph_break()
            elif len(self.builder):
                self.builder.add(" ", start - 1)
            self.builder.add_run(self.source[text_start:end], range(text_start, end), whitespace_as_space=True)
            previous = number
        self.builder.paragraph_break()

    # -- step 1: block content lines -> source -----------------------------
    def _line_map(self, token: Token) -> LineMap:
        content = token.content
        first = token.map[0] if token.map else max(self._floor[0], 0)
        bases = []
        for number, line in enumerate(content.split("\n")):
            bases.append(self._locate_line(first + number, line))
        return LineMap(content, bases)

    def _locate_line(self, line_number: int, content_line: str) -> int:
        """Source offset where ``content_line`` (a line of a block's content) starts."""
        if line_number >= len(self.lines):
            return len(self.source)
        start, end = self.lines[line_number]
        line = self.source[start:end]
        floor = self._floor[1] if self._floor[0] == line_number else 0
        key = content_line.strip()
        leading = len(content_line) - len(content_line.lstrip())
        if not key:
            return start + floor
        column = -1
        stripped = line.rstrip()
        suffix_at = len(stripped) - len(key)
        if stripped.endswith(key) and suffix_at >= floor and _CONTAINER_PREFIX.match(line[:suffix_at]):
            column = suffix_at
        if column < 0:
            column = line.find(key, floor)
        if column < 0:
            return start + floor
        self._floor = (line_number, column + len(key))
        return start + column - leading

    # -- step 2: inline children ------------------------------------------
    def _inline(self, token: Token) -> None:
        content = token.content
        to_source = self._line_map(token)
        cursor = 0
        in_autolink = False
        for child in token.children or []:
            kind = child.type
            if in_autolink:
                if kind == "link_close":
                    in_autolink = False
                continue
            if kind == "text":
                cursor = self._text(child.content, content, cursor, to_source)
            elif kind in ("softbreak", "hardbreak"):  # a soft break renders as a space
                newline = content.find("\n", cursor)
                if newline != -1:
                    self.builder.add(" " if kind == "softbreak" else "\n", to_source(newline))
                    cursor = newline + 1
            elif kind in _EMPHASIS:
                cursor = _after(content, child.markup, cursor)
            elif kind == "link_open":
                if child.markup == "autolink":
                    close = content.find(">", cursor)
                    cursor = close + 1 if close != -1 else cursor
                    in_autolink = True
                else:
                    cursor = _after(content, "[", cursor)
            elif kind == "link_close":
                cursor = _skip_link_tail(content, _after(content, "]", cursor))
            elif kind == "image":
                at = content.find("![", cursor)
                if at != -1:
                    cursor = _skip_link_tail(content, _after(content, "]", at + 2 + len(child.content)))
            elif kind == "code_inline":
                cursor = self._code(content, child.markup, cursor, to_source)
            elif kind == "html_inline":
                at = content.find(child.content, cursor)
                if at != -1:
                    extract_html(child.content, _Shifted(to_source, at), self.builder, self.metadata)
                    cursor = at + len(child.content)

    def _text(self, text: str, content: str, cursor: int, to_source: LineMap) -> int:
        """Align a text token with the content from ``cursor``; return the cursor after it.

        Runs that appear verbatim are copied whole; escapes, entities and
        whitespace markdown-it trimmed are aligned a character at a time.
        """
        verbatim = cursor
        while not content.startswith(text, verbatim) and verbatim < len(content) and content[verbatim] in " \t\n":
            verbatim += 1
        if content.startswith(text, verbatim):  # the common case: no escape or entity in the token
            end = verbatim + len(text)
            self.builder.add_run(text, to_source.span(verbatim, end))
            return end
        index, length = 0, len(text)
        self._pending = ""
        while index < length:
            special = _SPECIAL.search(content, cursor)
            run = min((special.start() if special else len(content)) - cursor, length - index)
            if run > 0 and not self._pending and content.startswith(text[index:index + run], cursor):
                self.builder.add_run(text[index:index + run], to_source.span(cursor, cursor + run))
                index += run
                cursor += run
                continue
            cursor = self._align_char(text[index], content, cursor, to_source)
            index += 1
        return cursor

    def _align_char(self, char: str, content: str, cursor: int, to_source: LineMap) -> int:
        """Find one text character in the content at ``cursor``; return the cursor after it."""
        add = self.builder.add
        if self._pending and self._pending[0] == char:  # the rest of an entity that decodes to several characters
            add(char, *self._pending_span)
            self._pending = self._pending[1:]
            return cursor
        self._pending = ""
        length = len(content)
        position = cursor
        while position < length:
            found = content[position]
            if found == "&":
                reference = _REFERENCE.match(content, position)
                decoded = html.unescape(reference.group()) if reference else ""
                if reference and decoded != reference.group() and decoded.startswith(char):
                    span = (to_source(position), to_source(reference.end() - 1) + 1)
                    add(char, *span)
                    self._pending, self._pending_span = decoded[1:], span
                    return reference.end()
            if found == char:
                add(char, to_source(position))
                return position + 1
            if found == "\\" and position + 1 < length and content[position + 1] == char \
                    and char in _ASCII_PUNCTUATION:
                add(char, to_source(position + 1))
                return position + 2
            if found in " \t\r\n\\":  # trimmed at line ends and starts, or a hard break's backslash
                position += 1
                continue
            add(char, to_source(position))  # substituted (NUL -> U+FFFD, a tab as spaces): one for one
            return position + 1
        add(char, to_source(max(min(cursor, length - 1), 0)))
        return cursor

    def _code(self, content: str, markup: str, cursor: int, to_source: LineMap) -> int:
        """Inline code keeps its place in the sentence but is never checked."""
        opening = content.find(markup, cursor)
        if opening == -1:
            return cursor
        start = opening + len(markup)
        closing = _find_backtick_run(content, markup, start)
        if closing == -1:
            return start
        first = len(self.builder)
        self.builder.add_run(content[start:closing], to_source.span(start, closing), whitespace_as_space=True)
        self.builder.skip_from(first)
        return closing + len(markup)


def _after(content: str, markup: str, cursor: int) -> int:
    at = content.find(markup, cursor) if markup else -1
    return at + len(markup) if at != -1 else cursor


def _find_backtick_run(content: str, run: str, start: int) -> int:
    """The closing backtick run of exactly the opening's length."""
    at = content.find(run, start)
    while at != -1:
        end = at + len(run)
        if (end >= len(content) or content[end] != "`") and (at == 0 or content[at - 1] != "`"):
            return at
        while end < len(content) and content[end] == "`":
            end += 1
        at = content.find(run, end)
    return -1


def _skip_ws(content: str, position: int) -> int:
    while position < len(content) and content[position] in " \t\r\n":
        position += 1
    return position


def _skip_link_tail(content: str, position: int) -> int:
    """Skip ``(destination "title")`` or ``[label]`` after a link's closing bracket; they are not prose."""
    length = len(content)
    if position < length and content[position] == "(":
        at = _skip_ws(content, position + 1)
        destination = parseLinkDestination(content, at, length)
        if destination.ok:
            at = _skip_ws(content, destination.pos)
            title = parseLinkTitle(content, at, length)
            if title.ok:
                at = _skip_ws(content, title.pos)
        if at < length and content[at] == ")":
            return at + 1
        return position
    if position < length and content[position] == "[":
        close = content.find("]", position)
        return close + 1 if close != -1 else position
    return position


class _Shifted:
    """The map of a piece of content that starts at ``shift`` (an inline HTML tag or comment)."""

    def __init__(self, to_source: LineMap, shift: int):
        self.to_source = to_source
        self.shift = shift

    def __call__(self, index: int) -> int:
        return self.to_source(index + self.shift)

    def span(self, start: int, end: int) -> list[int]:
        return self.to_source.span(start + self.shift, end + self.shift)


def read_markdown(data: bytes, path: str) -> Document:
    return _Reader(decode_text(data, path), path).read()
