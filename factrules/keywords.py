"""One Aho–Corasick pass that finds every keyword prefix of every rule in a document.

Forty-odd pattern rules each scanning the whole text was the largest share
of a check; most sentences hold none of the words a rule needs.  A rule's
``prefilter`` lists the word prefixes at least one of which every match must
contain; one automaton (pyahocorasick) finds them all at once, and the
rule's regex then runs only on the sentences (or paragraphs) that hold one.
"""

from __future__ import annotations

from collections.abc import Iterable

import ahocorasick

from factrules.document import Document

_WORD_CHAR_CACHE: dict[str, bool] = {}


def _is_word_char(char: str) -> bool:
    known = _WORD_CHAR_CACHE.get(char)
    if known is None:
        known = _WORD_CHAR_CACHE[char] = char.isalnum() or char == "_"
    return known


class KeywordIndex:
    """Finds, in one pass, the offsets where a word starting with any of the keywords begins."""

    def __init__(self, keywords: Iterable[str]) -> None:
        self.keywords = sorted({" ".join(k.lower().replace("’", "'").split()) for k in keywords if k.strip()})
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
        for end, keyword in self._automaton.iter(text):
            start = end - len(keyword) + 1
            if start and _is_word_char(text[start - 1]):
                continue  # inside a word: "unsaid" does not start with "said"
            found.setdefault(keyword, []).append(start)
        return found
