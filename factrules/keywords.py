"""One Aho–Corasick pass that finds every keyword prefix of every rule in a document.

Forty-odd pattern rules each scanning the whole text was the largest share
of a check; most sentences hold none of the words a rule needs.  A rule's
``prefilter`` lists the word prefixes at least one of which every match must
contain; one automaton (pyahocorasick) finds them all at once, and the
rule's regex then runs only on the sentences (or paragraphs) that hold one.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator

import ahocorasick

from factrules.acscan import iter_range, iter_text
from factrules.document import Document, fold
from factrules.matchers.base import phrase_key

_WORD_CHAR_CACHE: dict[str, bool] = {}
#: characters of text ``StartIndex`` lists the places of at a time
CHUNK = 1 << 18


def _is_word_char(char: str) -> bool:
    known = _WORD_CHAR_CACHE.get(char)
    if known is None:
        known = _WORD_CHAR_CACHE[char] = char.isalnum() or char == "_"
    return known


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
            if start and _is_word_char(text[start - 1]):
                continue  # inside a word: "unsaid" does not start with "said"
            found.setdefault(keyword, []).append(start)
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
        """Word -> ascending offsets where it begins; ``None`` when the text cannot be folded in place."""
        text = document.folded
        if text is None or not self.usable:
            return None
        found: dict[str, list[int]] = {}
        for end, (word, back) in iter_text(self._automaton, text):
            found.setdefault(word, []).append(end - back)
        return found
