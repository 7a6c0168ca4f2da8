"""One Aho–Corasick pass that finds every keyword prefix of every rule in a document.

Forty-odd pattern rules each scanning the whole text was the largest share
of a check; most sentences hold none of the words a rule needs.  A rule's
``prefilter`` lists the word prefixes at least one of which every match must
contain; one automaton (pyahocorasick) finds them all at once, and the
rule's regex then runs only on the sentences (or paragraphs) that hold one.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_right
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import accumulate

import ahocorasick
import regex

from factrules import rxcache
from factrules.acscan import iter_range, iter_text
from factrules.document import SPACED_ATTRIBUTE, Document, fold
from factrules.matchers.base import phrase_key
from factrules.segment import SPACE_CHARS

#: characters of text ``StartIndex`` lists the places of at a time
CHUNK = 1 << 18
_TO_SPACE = str.maketrans(dict.fromkeys(SPACE_CHARS, " "))
_RUNS = rxcache.compile_re("  +")
#: the same runs found in the folded text, before its whitespace is made spaces (``Spaced._build``)
_SPACE_RUNS = rxcache.compile_re("[" + re.escape(SPACE_CHARS) + "]{2,}")
_REGEX_WORD = regex.compile(r"\w")
#: character -> whether the ``regex`` module's ``\w`` matches it (the phrase boundaries ``(?<!\w)``, ``(?!\w)``)
_REGEX_WORD_CACHE: dict[str, bool] = {}


def _is_regex_word(char: str) -> bool:
    known = _REGEX_WORD_CACHE.get(char)
    if known is None:
        known = _REGEX_WORD_CACHE[char] = _REGEX_WORD.match(char) is not None
    return known


class Spaced:
    """A document's folded text with every run of whitespace one space, and the way back to the text's offsets.

    A phrase's words (``\\s+`` between them) or a pattern's literal start (``officials\\s+said``) is then one
    plain string, found with every other rule's in one Aho–Corasick pass however the copy is spaced: a
    line break, two spaces or a no-break space between the words all become one space here.

    The way back is built on the first ``original`` call, from the folded text (which the document keeps
    anyway): most stories hold no phrase at all, and listing their runs of whitespace (a run between every
    two paragraphs) was more than half the cost of the copy.
    """

    __slots__ = ("_folded", "_keys", "_shifts", "text")

    def __init__(self, folded: str) -> None:
        text = folded.translate(_TO_SPACE)
        #: the folded text while the way back is still to build (``None``: built, or no run to undo)
        self._folded: str | None = None
        #: per run of two or more spaces, the first spaced offset after it, and how far the text is ahead there
        #: (arrays, 8 bytes an entry: a huge draft has a run between every two paragraphs)
        self._keys: array[int] = array("q")
        self._shifts: array[int] = array("q")
        if "  " in text:
            self._folded = folded
            text = _RUNS.sub(" ", text)
        self.text = text

    def _build(self, folded: str) -> None:
        """The run table: the runs of ``_SPACE_RUNS`` in the folded text are the runs of spaces it translates to."""
        runs = [run.span() for run in _SPACE_RUNS.finditer(folded)]
        self._shifts = array("q", accumulate(end - start - 1 for start, end in runs))
        # the run ends at ``end`` in the text, ``removed`` characters ahead of the spaced text there
        self._keys = array("q", (end - removed for (_, end), removed in zip(runs, self._shifts, strict=True)))
        self._folded = None

    @property
    def shifted(self) -> bool:
        """Whether some offset here differs from the text's (the text has a run of two or more spaces)."""
        return self._folded is not None or bool(self._keys)

    def original(self, offset: int) -> int:
        """The offset in the document's text of the character at ``offset`` here."""
        if self._folded is not None:
            self._build(self._folded)
        if not self._keys:
            return offset
        index = bisect_right(self._keys, offset) - 1
        return offset + self._shifts[index] if index >= 0 else offset


#: where ``spaced`` keeps a document's spaced text: on the document, like its ``folded`` copy, so it lives as
#: long as the document and no longer (a module-level cache would hold the last, possibly huge, draft)
_CACHE = SPACED_ATTRIBUTE


def spaced(document: Document) -> Spaced | None:
    """``Spaced`` for ``document``'s folded text (computed once per document); ``None`` when it cannot be folded."""
    state = getattr(document, "__dict__", None)
    made = state.get(_CACHE) if state is not None else None
    if made is not None:
        return made
    folded = document.folded
    if folded is None:
        return None
    made = Spaced(folded)
    if state is not None:
        state[_CACHE] = made
    return made


#: at most this many words are tested in ``PhraseIndex.required``: each is a scan of the text, and a pass over
#: a few dozen single-word phrases costs about as much as that many scans
MAX_REQUIRED = 8


def _required_words(phrases: Sequence[str]) -> tuple[str, ...] | None:
    """Words, one of which each of ``phrases`` holds (its longest), or ``None`` when more than ``MAX_REQUIRED``.

    A word holds no whitespace, so it stands in the folded text wherever it stands in the spaced copy: a
    text holding none of them holds none of the phrases, and ``PhraseIndex`` skips its pass there.  A word
    that holds another chosen word is dropped: wherever it stands, so does the shorter one.
    """
    if not all(phrases):
        return None
    words = {max(phrase.split(), key=len) for phrase in phrases}
    kept = sorted(word for word in words if not any(other != word and other in word for other in words))
    return tuple(kept) if 0 < len(kept) <= MAX_REQUIRED else None


def _same(offset: int) -> int:
    """An offset of the folded text is the text's own."""
    return offset


class PhraseIndex:
    """Where literal phrases occur, word-bounded, the longest at each place: one Aho–Corasick pass.

    What ``(?<!\\w)(?:phrase|...)(?!\\w)`` with ``IGNORECASE`` finds in an overlapped scan, for phrases as
    ``phrase_key`` writes them (folded, one space between words) and plain ASCII, where the ``regex``
    module's case-insensitive match of a letter and ``fold`` agree (the Kelvin sign is "k", the long s "s";
    the dotted capital I, which it reads as "i", leaves the text unfolded and the caller scans instead).
    At each place the overlapped scan matches the longest phrase that ends at a word boundary (the phrases
    that match at one place are prefixes of each other); so does this, without trying every place.
    """

    def __init__(self, phrases: Iterable[str]) -> None:
        self.phrases = sorted(set(phrases))
        self.usable = bool(self.phrases) and all(
            phrase.isascii() and phrase == fold(phrase) and phrase == " ".join(phrase.split())
            for phrase in self.phrases)
        self._longest = max((len(phrase) for phrase in self.phrases), default=0)
        #: words one of which every phrase holds (``None``: too many to test quicker than the pass itself)
        self.required = _required_words(self.phrases) if self.usable else None
        #: words one of which every phrase of several words holds (empty: there are none; ``None``: too many):
        #: a text holding none of them is searched as it is folded, without the spaced copy, since a phrase of
        #: one word stands there exactly where it stands in the copy
        spread = [phrase for phrase in self.phrases if " " in phrase]
        self.spaced_required = (_required_words(spread) if spread else ()) if self.usable else None
        self._automaton = ahocorasick.Automaton()
        if self.usable:
            for phrase in self.phrases:
                self._automaton.add_word(phrase, (phrase, len(phrase)))
            self._automaton.make_automaton()

    def absent(self, document: Document) -> bool:
        """True when no phrase can be in the text, by a few substring tests of its folded copy (``required``):
        ``matches`` would give nothing.  False is no proof of a match."""
        if self.required is None or not self.usable:
            return False
        folded = document.folded
        return folded is not None and not holds_any(folded, self.required)

    def matches(self, document: Document) -> Iterator[tuple[int, int, str]] | None:
        """``(start, end, phrase)`` per place a phrase matches, ascending; ``None`` when the text cannot be folded."""
        if not self.usable:
            return None
        folded = document.folded
        if folded is None:
            return None
        if self.required is not None and not holds_any(folded, self.required):
            # no phrase can be in the text: a few substring tests in C instead of the pass (and the spaced copy)
            return iter(())
        if self.spaced_required is not None and not holds_any(folded, self.spaced_required):
            if len(folded) <= CHUNK and next(self._automaton.iter(folded), None) is None:
                # no phrase anywhere (most short copy): the automaton's first step says so, without the setup
                # of a pass; only for a text of one piece, which the automaton's own copy of it keeps small
                return iter(())
            return self._matches(document.text, folded, None)
        found = spaced(document)
        if found is None:
            return None
        return self._matches(document.text, found.text, found.original)

    def _matches(self, text: str, spaced_text: str,
                 original: Callable[[int], int] | None) -> Iterator[tuple[int, int, str]]:
        """The matches in ``spaced_text``, whose offset ``original`` maps back to ``text`` (``None``: the same)."""
        if original is None:
            original = _same
        reach, size = self._longest, len(spaced_text)
        for low in range(0, size, CHUNK):
            high = min(low + CHUNK, size)
            at: dict[int, list[tuple[int, str]]] = {}
            for end, (phrase, length) in iter_range(self._automaton, spaced_text, low, min(size, high + reach)):
                start = end - length + 1
                if low <= start < high:
                    at.setdefault(start, []).append((length, phrase))
            for start in sorted(at):
                begin = original(start)
                if begin and _is_regex_word(text[begin - 1]):
                    continue
                for length, phrase in sorted(at[start], reverse=True):
                    finish = original(start + length - 1) + 1
                    if finish < len(text) and _is_regex_word(text[finish]):
                        continue
                    yield begin, finish, phrase
                    break


def holds_any(text: str, words: Iterable[str]) -> bool:
    """Does ``text`` hold one of ``words`` (or of the characters of a string)?  One ``in`` each, a C search
    (at once false for a character wider than any of the text's), several times faster than a regex class or
    alternation; a loop, not ``any`` over a generator, since it is asked of every story."""
    for word in words:
        if word in text:
            return True
    return False


class KeywordIndex:
    """Finds, in one pass, the offsets where a word starting with any of the keywords begins."""

    def __init__(self, keywords: Iterable[str]) -> None:
        self.keywords = sorted({phrase_key(k) for k in keywords if k.strip()})
        self._automaton = ahocorasick.Automaton()
        for keyword in self.keywords:
            self._automaton.add_word(keyword, keyword)
        if self.keywords:
            self._automaton.make_automaton()

    def hits(self, document: Document) -> dict[str, list[int]] | None:
        """Keyword -> start offsets of words beginning with it; ``None`` when the text cannot be folded."""
        text = document.folded
        if text is None:
            return None
        found: dict[str, list[int]] = {}
        if not self.keywords:
            return found
        for end, keyword in iter_text(self._automaton, text):
            start = end - len(keyword) + 1
            if start:
                before = text[start - 1]
                if before.isalnum() or before == "_":
                    continue  # inside a word: "unsaid" does not start with "said"
            places = found.get(keyword)
            if places is None:
                found[keyword] = [start]
            else:
                places.append(start)
        return found


class StartIndex:
    """Where a match of a literal alternation can begin: the offsets where one of its first words occurs.

    The phrase and ``near`` passes are tries of literal words that the ``regex`` module tries at every
    position of the text; their first words are rare, so one Aho–Corasick pass over the folded text
    finds the few positions worth trying, and the compiled alternation is then matched (anchored) there
    alone.  Every position where the alternation can match is among them: its first word, lower-cased,
    is in the folded text there.  No word-boundary test here: the alternation's own look-behind decides.
    """

    def __init__(self, first_words: Iterable[str]) -> None:
        words = {fold(word) for word in first_words}
        #: the longest first word: a chunk's scan runs this far past its end, so a word across the cut is found
        self._longest = max((len(word) for word in words), default=0)
        #: ``None``: some first word is not plain ASCII, where lower-casing and the regex's case folding can
        #: disagree; then the caller scans the whole text as before
        self.usable = bool(words) and all(word.isascii() and word for word in words)
        self._automaton = ahocorasick.Automaton()
        if self.usable:
            for word in words:
                self._automaton.add_word(word, (word, len(word) - 1))
            self._automaton.make_automaton()

    def starts(self, document: Document) -> Iterator[int] | None:
        """The candidate start offsets, ascending and distinct; ``None`` when they cannot be found this way.

        Produced a chunk of ``CHUNK`` characters at a time: on a 50 MB paste the set of every place a
        common first word occurs was tens of megabytes held at once, on top of that draft's findings.
        """
        text = document.folded
        if text is None or not self.usable:
            return None
        return self._chunks(text)

    def _chunks(self, text: str) -> Iterator[int]:
        for start, _ in self._chunked(text):
            yield start

    def starts_with_words(self, document: Document) -> Iterator[tuple[int, tuple[str, ...]]] | None:
        """Like ``starts``, with the first words (folded) found at each place, sorted; ``None`` likewise."""
        text = document.folded
        if text is None or not self.usable:
            return None
        return self._chunked(text)

    def _chunked(self, text: str) -> Iterator[tuple[int, tuple[str, ...]]]:
        reach = self._longest
        for low in range(0, len(text), CHUNK):
            high = min(low + CHUNK, len(text))
            # words that start in [low, high): their ends lie before high + the longest word
            found: dict[int, list[str]] = {}
            for end, (word, back) in iter_range(self._automaton, text, low, min(len(text), high + reach)):
                start = end - back
                if low <= start < high:
                    found.setdefault(start, []).append(word)
            for start in sorted(found):
                yield start, tuple(sorted(found[start]))


class WordStarts:
    """Where each of many literal words occurs in a document's folded text, in one Aho–Corasick pass.

    The candidate places of pattern rules whose matches all begin with one of a few words
    (``factrules.prefixes``): a pattern is then tried only where one of its words is.  No word-boundary
    test: the pattern's own ``\\b`` or look-behind decides; every place a match can begin is listed.
    """

    def __init__(self, words: Iterable[str]) -> None:
        self.words = sorted({word for word in words if word})
        #: only plain ASCII words, where lower-casing and the regex's case folding agree (``fold``)
        self.usable = bool(self.words) and all(word.isascii() and word == fold(word) for word in self.words)
        self._automaton = ahocorasick.Automaton()
        if self.usable:
            for word in self.words:
                self._automaton.add_word(word, (word, len(word) - 1))
            self._automaton.make_automaton()

    def positions(self, document: Document) -> dict[str, list[int]] | None:
        """Word -> ascending offsets where it begins; ``None`` when the text cannot be folded in place.

        Searched in the spaced text (``Spaced``): a space in a word here stands for any run of whitespace.
        """
        if not self.usable:
            return None
        text = spaced(document)
        if text is None:
            return None
        found: dict[str, list[int]] = {}
        if text.shifted:
            original = text.original
            for end, (word, back) in iter_text(self._automaton, text.text):
                found.setdefault(word, []).append(original(end - back))
        else:
            for end, (word, back) in iter_text(self._automaton, text.text):
                found.setdefault(word, []).append(end - back)
        return found
