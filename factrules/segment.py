"""Paragraphs, sentences and quotation spans of plain text.

Scopes (``sentence``, ``paragraph``, ``quotes``, ``outside-quotes``) and the
``near`` matcher depend on these.  The sentence splitter is rule-based on
purpose: news copy is full of abbreviations ("U.S.", "Feb.", "Gen.") that
must not end a sentence, and a statistical model would cost more than the
whole rule set.
"""

from __future__ import annotations

import re

import regex

from factrules import rxcache

Span = tuple[int, int]

#: the characters the ``regex`` module's ``\s`` matches (Unicode White_Space; a test checks every code point)
SPACE_CHARS = ("\t\n\x0b\x0c\r \x85\xa0\u1680" + "".join(chr(code) for code in range(0x2000, 0x200B))
               + "\u2028\u2029\u202f\u205f\u3000")
_REGEX_SPACE = "[" + re.escape(SPACE_CHARS) + "]"
#: ``\n[ \t\f\v\r]*\n\s*|\r[ \t]*\r\s*`` with the ``regex`` module's ``\s`` spelled out, in ``re``: the same
#: matches (a test compares the two on random text) in about half the time, a tenth of segmenting wire copy
_PARAGRAPH_BREAK = rxcache.compile_re(rf"\n[ \t\f\v\r]*\n{_REGEX_SPACE}*|\r[ \t]*\r{_REGEX_SPACE}*")

#: Words that end with a period without ending a sentence (lower case, no period).
ABBREVIATIONS = frozenset(
    """
    mr mrs ms dr prof sen rep gov gen col lt sgt capt maj cpl pvt adm cmdr brig supt det insp
    st jr sr inc ltd co corp bros no nos vs etc approx est dept univ assn ave blvd rd mt ft
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue tues wed thu thurs fri sat sun
    fig vol pp ch cf al rev hon atty pres messrs
    """.split()
)

#: Abbreviations that also end sentences ("born in the U.S. He moved"): these do end one when
#: the next word is one that starts sentences and rarely follows them inside one.
_FINAL_ABBREVIATIONS = frozenset("etc inc ltd co corp jr sr bros".split())
_SENTENCE_STARTERS = frozenset(
    """
    he she it they we i you his her its their our the this that these those there here but and so yet
    however meanwhile still then now when while after before in on at a an if as what who why how
    """.split()
)
_NEXT_WORD = rxcache.compile(r"""\s+['"“‘(\[]?(\p{L}+)""")

#: Abbreviations only before a number ("No. 10", "Nos. 3 and 4", "Fig. 2"); elsewhere the word ends a sentence.
_NUMBER_ABBREVIATIONS = frozenset({"no", "nos", "fig"})
_DIGIT_NEXT = rxcache.compile(r"\s*\d")

_BOUNDARY = rxcache.compile(r"""[.!?]+['"”’)\]]*(?=\s+['"“‘(\[]?[\p{Lu}\p{N}])|[.!?]+['"”’)\]]*(?=\s*$)""")
#: the word before a period, found by a reverse search from the period (never scanning the paragraph)
_WORD_BEFORE = rxcache.compile(r"([\p{L}.]+)$", regex.REVERSE)
_INITIALISM = rxcache.compile(r"^(?:\p{L}\.)+\p{L}?$")

#: The longest sentence, in characters.  Text with no sentence-ending punctuation, or all in lower case
#: (the splitter wants a capital after the period), would otherwise be one sentence, and every rule that
#: looks at a finding's sentence would cost the square of the document.  Longer runs are cut (at the
#: last whitespace before the limit, if there is one in its second half); the document notes the cut.
#: News sentences stay far below it: the longest of 1,200 wire stories is about 2,100 characters.
MAX_SENTENCE = 4000
#: how far back from a period the word before it is looked for
_WORD_WINDOW = 64


def paragraphs(text: str) -> list[Span]:
    """Split on blank lines; each span excludes the surrounding whitespace."""
    spans: list[Span] = []
    position = 0
    for match in _PARAGRAPH_BREAK.finditer(text):
        _append_trimmed(text, position, match.start(), spans)
        position = match.end()
    _append_trimmed(text, position, len(text), spans)
    return spans


def _append_trimmed(text: str, start: int, end: int, spans: list[Span]) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        spans.append((start, end))


def _word_before(text: str, period_at: int, paragraph_start: int) -> str | None:
    """``_WORD_BEFORE``'s group (letters and periods ending at the period), found without a regex when it can be.

    Most periods follow a plain word after a space: then the word is that run of letters.  Anything else
    (a period inside the word, a digit, a quote, the paragraph's start) takes the regex.
    """
    start = max(paragraph_start, period_at - _WORD_WINDOW)  # a window: never a scan back over the paragraph
    space = text.rfind(" ", start, period_at)
    if space >= 0:
        word = text[space + 1 : period_at]
        if word.isalpha():
            return word + "."
    match = _WORD_BEFORE.search(text, start, period_at + 1)
    return match.group(1) if match else None


def _ends_with_abbreviation(text: str, period_at: int, paragraph_start: int) -> bool:
    # the common case of ``_word_before`` (a plain word after a space) decided here, without building
    # "word." to strip again: most sentences end so, and this runs at every one of them
    space = text.rfind(" ", max(paragraph_start, period_at - _WORD_WINDOW), period_at)
    if space >= 0:
        word = text[space + 1 : period_at]
        if word.isalpha() and len(word) > 1:
            lower = word.lower()
            if lower in _NUMBER_ABBREVIATIONS:
                return bool(_DIGIT_NEXT.match(text, period_at + 1))
            return lower in ABBREVIATIONS  # no period inside, more than one letter: no initialism either
    found = _word_before(text, period_at, paragraph_start)
    if not found:
        return False
    word = found.rstrip(".")
    if not word:
        return False
    lower = word.lower()
    if lower in _NUMBER_ABBREVIATIONS:  # "No. 10", but "He said no. Then he left."
        return bool(_DIGIT_NEXT.match(text, period_at + 1))
    if lower in ABBREVIATIONS:
        return True
    # U.S., U.N., e.g., a.m.: one letter, or letters with periods inside (a word of two letters or more
    # without one cannot match, and most words before a period are such words)
    if (len(word) == 1 or "." in word) and _INITIALISM.match(word + "."):
        return True
    return len(word) == 1 and word.isupper()  # a middle initial: "John F. Kennedy"


def _can_end_sentence(text: str, period_at: int, paragraph_start: int, paragraph_end: int) -> bool:
    """An initialism ("U.S.") or "Inc." ends a sentence when a typical sentence opener follows."""
    found = _word_before(text, period_at, paragraph_start)
    word = found.rstrip(".") if found else ""
    if not (word.lower() in _FINAL_ABBREVIATIONS or (len(word) > 2 and _INITIALISM.match(word + "."))):
        return False
    following = _NEXT_WORD.match(text, period_at + 1, paragraph_end)
    return bool(following) and following.group(1).lower() in _SENTENCE_STARTERS and following.group(1)[0].isupper()


def sentences(text: str, paragraph_spans: list[Span] | None = None) -> list[Span]:
    """Split each paragraph into sentences; abbreviations and initials do not end one; none is longer than
    ``MAX_SENTENCE`` (``split_sentences`` also says how many were cut)."""
    return split_sentences(text, paragraph_spans)[0]


def split_sentences(text: str, paragraph_spans: list[Span] | None = None) -> tuple[list[Span], int]:
    """``sentences`` and the number of sentences that were cut at ``MAX_SENTENCE``."""
    spans = _sentences(text, paragraph_spans)
    if all(end - start <= MAX_SENTENCE for start, end in spans):
        return spans, 0
    capped: list[Span] = []
    cut = 0
    for start, end in spans:
        if end - start <= MAX_SENTENCE:
            capped.append((start, end))
            continue
        cut += 1
        while end - start > MAX_SENTENCE:
            limit = start + MAX_SENTENCE
            half = limit - MAX_SENTENCE // 2
            at = max(text.rfind(" ", half, limit), text.rfind("\n", half, limit))
            at = at + 1 if at > start else limit
            _append_trimmed(text, start, at, capped)
            start = at
        _append_trimmed(text, start, end, capped)
    return capped, cut


def _sentences(text: str, paragraph_spans: list[Span] | None) -> list[Span]:
    spans: list[Span] = []
    for para_start, para_end in paragraph_spans if paragraph_spans is not None else paragraphs(text):
        start = para_start
        for match in _BOUNDARY.finditer(text, para_start, para_end):
            end = match.end()
            at = match.start()
            # the boundary is one period (then closing marks) when no second ".", "!" or "?" follows it
            single_period = text[at] == "." and (at + 1 == end or text[at + 1] not in ".!?")
            if (single_period and _ends_with_abbreviation(text, at, start)
                    and not _can_end_sentence(text, at, start, para_end)):
                continue
            _append_trimmed(text, start, end, spans)
            start = end
        _append_trimmed(text, start, para_end, spans)
    return spans


_ELISION = rxcache.compile(r"(?:em|tis|twas|cause|til|n)\b", regex.IGNORECASE)

_OPENERS = {"“": "”", "‘": "’", "«": "»", '"': '"', "'": "'"}


_OPENING_MARK = rxcache.compile("[“‘«\"']")


def quotations(text: str, paragraph_spans: list[Span] | None = None) -> list[Span]:
    """Find quotation spans (including the marks) within each paragraph.

    Straight single quotes only count at word edges, so apostrophes ("Syria's",
    "weren't") never open a quotation.  A quotation left open runs to the end
    of its paragraph, as in news copy where a quote continues.  The marks are
    found by search, not by stepping through every character in Python: that
    loop cost more than every sentence rule together.
    """
    spans: list[Span] = []
    for para_start, para_end in paragraph_spans if paragraph_spans is not None else paragraphs(text):
        index = para_start
        while True:
            mark = _OPENING_MARK.search(text, index, para_end)
            if mark is None:
                break
            at = mark.start()
            char = text[at]
            if not _can_open(text, at, char, para_start):
                index = at + 1
                continue
            close_at = _find_close(text, at + 1, para_end, _OPENERS[char])
            end = close_at + 1 if close_at is not None else para_end
            spans.append((at, end))
            index = end
    return spans


def _can_open(text: str, index: int, char: str, para_start: int) -> bool:
    before = text[index - 1] if index > para_start else " "
    after = text[index + 1] if index + 1 < len(text) else " "
    if after.isspace():
        return False
    if char in "'‘":
        # "'90s", "’17", "'em": an elision, not an opening mark.
        return not before.isalnum() and not after.isdigit() and not _ELISION.match(text, index + 1)
    return True


def _find_close(text: str, start: int, end: int, closer: str) -> int | None:
    index = text.find(closer, start, end)
    while index != -1:
        if closer in "'’":
            after = text[index + 1] if index + 1 < end else " "
            before = text[index - 1]
            if after.isalnum() or before.isspace():  # an apostrophe, not a closing mark
                index = text.find(closer, index + 1, end)
                continue
        return index
    return None
