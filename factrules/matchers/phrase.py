"""The ``phrase`` kind: word lists, case-insensitive and word-bounded.

All phrase rules of all loaded packs share one pass, so a document is
scanned once for every phrase rule together (overlapped, so a phrase inside a
longer one of another rule is still found): case-insensitive plain-ASCII
phrases, nearly all of them, are found by one Aho–Corasick pass over the
spaced text (``keywords.PhraseIndex``); the others by one compiled
alternation tried where a phrase's first word is.  Both give what an
overlapped scan of the alternation over the whole text gives, which the
tests compare them against.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import regex

from factrules.document import fold
from factrules.keywords import PhraseIndex, StartIndex
from factrules.matchers.base import Match, Matcher, MatcherGroup, RuleError, phrase_key, phrase_regex_source

#: try at each place only the phrases that start with the word found there; False: the overlapped scan of the
#: whole alternation over the whole text, which the tests compare this path against
USE_FIRST_WORDS = True
#: find the case-insensitive phrases themselves in one Aho–Corasick pass over the spaced text
#: (``keywords.PhraseIndex``): no regex call at all, however many phrases; False: the first-word places above
USE_PHRASE_INDEX = True
#: a pass of fewer phrases tries its whole alternation at each place: small enough to be quick there, and each
#: narrow alternation is compiled in Python on first use (about a millisecond), which a short check would pay
NARROW_FROM = 200


def _units(phrase: str, ignorecase: bool) -> list[str]:
    """The regex pieces of one phrase as ``phrase_regex_source`` writes them: a character, an apostrophe, a space."""
    units: list[str] = []
    for index, word in enumerate(phrase.split()):
        if index:
            units.append(r"\s+")
        units.extend("['’]" if char in "'’" else regex.escape(char.lower() if ignorecase else char) for char in word)
    return units


def alternation_source(phrases: Sequence[str], *, ignorecase: bool) -> str:
    """Regex source matching any of ``phrases``, as the longest-first alternation of ``phrase_regex_source`` does.

    The phrases are factored into a trie, which the ``regex`` module runs several times faster than a flat
    alternation.  Both find the same text: phrases that match at one position are prefixes of each other
    there, the flat alternation (longest first) takes the longest, and so does the trie (each optional tail
    is greedy and at most one branch can match the next character).  Only for ASCII phrases, where folding
    the case of a character is one-to-one; anything else keeps the flat alternation.
    """
    alternatives = sorted(phrases, key=len, reverse=True)
    if not all((phrase.replace("’", "'")).isascii() for phrase in alternatives):
        return "|".join(phrase_regex_source(p) for p in alternatives)
    root: dict[str, Any] = {}
    for phrase in alternatives:
        node = root
        for unit in _units(phrase, ignorecase):
            node = node.setdefault(unit, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        branches = [unit + build(child) for unit, child in node.items() if unit]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(root)


class _Alternation:
    """The whole alternation of a pass, built and compiled on first use.

    With the phrase index (``keywords.PhraseIndex``) a case-insensitive pass of plain ASCII phrases never
    runs it; a house pack's 5,000 phrases cost a quarter of a second to write out and compile per process.
    """

    def __init__(self, phrases: list[str], case_sensitive: bool) -> None:
        self._phrases, self._case_sensitive = phrases, case_sensitive
        self._compiled: regex.Pattern[str] | None = None

    @property
    def compiled(self) -> regex.Pattern[str]:
        if self._compiled is None:
            source = alternation_source(self._phrases, ignorecase=not self._case_sensitive)
            flags = 0 if self._case_sensitive else regex.IGNORECASE
            self._compiled = regex.compile(r"(?<!\w)(?:" + source + r")(?!\w)", flags)
        return self._compiled

    def match(self, *args: Any, **kwargs: Any) -> regex.Match[str] | None:
        return self.compiled.match(*args, **kwargs)

    def finditer(self, *args: Any, **kwargs: Any) -> Iterable[regex.Match[str]]:
        return self.compiled.finditer(*args, **kwargs)


class PhraseMatcher(Matcher):
    kind = "phrase"

    def __init__(self, rule: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(rule, **kwargs)
        phrases = rule.get("phrases") or []
        if not phrases or not all(isinstance(p, str) and p.strip() for p in phrases):
            raise RuleError("a phrase rule needs a non-empty list of non-empty 'phrases'")
        self.phrases = [" ".join(p.split()) for p in phrases]
        self.case_sensitive = bool(rule.get("case_sensitive", False))

    def find(self, document, prior=()) -> Iterable[Match]:
        for _, match in PhraseGroup([self]).find(document, prior):
            yield match

    @classmethod
    def group(cls, matchers: Sequence[Matcher]) -> MatcherGroup:
        return PhraseGroup(matchers)


class PhraseGroup(MatcherGroup):
    """One overlapped scan per case mode for every phrase of every rule in the group."""

    def __init__(self, matchers: Sequence[Matcher]) -> None:
        super().__init__(matchers)
        self._passes: list[tuple[_Alternation, dict[str, list[PhraseMatcher]], bool, StartIndex]] = []
        #: per pass, the phrases by first word, and the alternations of the phrases that can start at a place
        #: (by the first words found there), compiled on first use: a house style guide's thousands of phrases
        #: in one trie cost about 14 µs a place; only the few that start with the word found there need trying
        self._by_first: list[tuple[dict[str, list[str]], int, bool]] = []
        self._narrow: list[dict[tuple[str, ...], regex.Pattern[str]]] = []
        #: per pass, each phrase's place in the whole alternation, so a narrow one keeps that order
        self._order: list[dict[str, int]] = []
        #: per pass, every phrase in one automaton (case-insensitive passes only; ``usable`` False: the paths above)
        self._indexes: list[PhraseIndex | None] = []
        for case_sensitive in (False, True):
            owners: dict[str, list[PhraseMatcher]] = defaultdict(list)
            for matcher in matchers:
                assert isinstance(matcher, PhraseMatcher)
                if matcher.case_sensitive != case_sensitive:
                    continue
                for phrase in matcher.phrases:
                    key = phrase if case_sensitive else phrase_key(phrase)
                    if matcher not in owners[key]:
                        owners[key].append(matcher)
            if not owners:
                continue
            flags = 0 if case_sensitive else regex.IGNORECASE
            starts = StartIndex(phrase.split()[0] for phrase in owners)
            self._passes.append((_Alternation(list(owners), case_sensitive), dict(owners), case_sensitive, starts))
            #: folded first word -> its phrases, in the order of the whole alternation
            by_first: dict[str, list[str]] = defaultdict(list)
            for phrase in owners:
                by_first[fold(phrase.split()[0])].append(phrase)
            self._by_first.append((dict(by_first), flags, case_sensitive))
            self._order.append({phrase: index for index, phrase in enumerate(owners)})
            self._indexes.append(None if case_sensitive else PhraseIndex(owners))

    def _alternation(self, number: int, words: tuple[str, ...]) -> regex.Pattern[str]:
        """The alternation of the phrases of pass ``number`` whose first word is one of ``words``."""
        while len(self._narrow) <= number:
            self._narrow.append({})
        compiled = self._narrow[number].get(words)
        if compiled is None:
            by_first, flags, case_sensitive = self._by_first[number]
            phrases = [phrase for word in words for phrase in by_first.get(word, ())]
            phrases.sort(key=self._order[number].__getitem__)
            source = r"(?<!\w)(?:" + alternation_source(phrases, ignorecase=not case_sensitive) + r")(?!\w)"
            compiled = self._narrow[number][words] = regex.compile(source, flags)
        return compiled

    def find(self, document, prior=()) -> Iterable[tuple[Matcher, Match]]:
        text = document.text
        for number, (compiled, owners, case_sensitive, start_index) in enumerate(self._passes):
            index = self._indexes[number]
            found = index.matches(document) if USE_PHRASE_INDEX and index is not None else None
            if found is not None:
                for start, end, key in found:
                    for matcher in owners[key]:
                        yield matcher, Match(start, end)
                continue
            narrow = USE_FIRST_WORDS and len(owners) >= NARROW_FROM
            places = start_index.starts_with_words(document) if narrow else start_index.starts(document)
            if places is None:
                hits: Iterable[regex.Match[str] | None] = compiled.finditer(text, overlapped=True)
            elif not narrow:
                hits = (compiled.match(text, start) for start in places)
            else:
                # an overlapped scan tries every position; only these can begin a phrase, and there only the
                # phrases whose first word is there: the longest of them is what the whole alternation matches
                hits = (self._alternation(number, words).match(text, start) for start, words in places)
            for hit in hits:
                if hit is None:
                    continue
                matched = hit.group()
                key = " ".join(matched.replace("’", "'").split()) if case_sensitive else phrase_key(matched)
                for matcher in owners.get(key, ()):
                    yield matcher, Match(hit.start(), hit.end())
