"""The ``phrase`` kind: word lists, case-insensitive and word-bounded.

All phrase rules of all loaded packs share one compiled alternation, so a
document is scanned once for every phrase rule together (overlapped, so a
phrase inside a longer one of another rule is still found).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from typing import Any

import regex

from factrules.keywords import StartIndex
from factrules.matchers.base import Match, Matcher, MatcherGroup, RuleError, phrase_key, phrase_regex_source


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
        self._passes: list[tuple[regex.Pattern[str], dict[str, list[PhraseMatcher]], bool, StartIndex]] = []
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
            source = r"(?<!\w)(?:" + alternation_source(list(owners), ignorecase=not case_sensitive) + r")(?!\w)"
            flags = 0 if case_sensitive else regex.IGNORECASE
            starts = StartIndex(phrase.split()[0] for phrase in owners)
            self._passes.append((regex.compile(source, flags), dict(owners), case_sensitive, starts))

    def find(self, document, prior=()) -> Iterable[tuple[Matcher, Match]]:
        text = document.text
        for compiled, owners, case_sensitive, start_index in self._passes:
            starts = start_index.starts(document)
            if starts is None:
                hits: Iterable[regex.Match[str] | None] = compiled.finditer(text, overlapped=True)
            else:
                # an overlapped scan tries every position; only these can begin a phrase
                hits = (compiled.match(text, start) for start in starts)
            for hit in hits:
                if hit is None:
                    continue
                matched = hit.group()
                key = " ".join(matched.replace("’", "'").split()) if case_sensitive else phrase_key(matched)
                for matcher in owners.get(key, ()):
                    yield matcher, Match(hit.start(), hit.end())
