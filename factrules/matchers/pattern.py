"""The ``pattern`` kind: a regular expression run with the ``regex`` module and a time limit.

A pack's regex is a user's code in all but name, so it runs with a timeout
per rule and document; when the limit is hit the engine skips the rule for
that document and reports a ``rule-timeout`` error instead of hanging.
A named group ``match`` narrows the reported span to part of the pattern.

``prefilter`` (word prefixes, one of which every match contains) lets the
pattern run only on the sentences that hold one: all pattern rules share a
single Aho–Corasick pass for their prefilters (``factrules.keywords``).
"""

from __future__ import annotations

import time
from collections.abc import Iterable, Sequence
from typing import Any

import regex

from factrules.keywords import KeywordIndex
from factrules.matchers.base import (
    Match,
    Matcher,
    MatcherGroup,
    RuleError,
    RuleTimeout,
    compile_pattern,
    phrase_key,
    time_budget,
)


class PatternMatcher(Matcher):
    kind = "pattern"

    def __init__(self, rule: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(rule, **kwargs)
        patterns = rule.get("pattern")
        if isinstance(patterns, (str, dict)):
            patterns = [patterns]
        if not patterns:
            raise RuleError("a pattern rule needs 'pattern'")
        ignorecase = not rule.get("case_sensitive", False)
        self.prefilter = _keywords(rule.get("prefilter") or [], ignorecase)
        self.patterns: list[regex.Pattern[str]] = []
        #: per pattern, the prefilter words it runs behind (its own, else the rule's); empty: it scans everything
        self.pattern_prefilters: list[tuple[str, ...]] = []
        for number, item in enumerate(patterns, 1):
            if isinstance(item, dict):
                source, own = item.get("regex"), item.get("prefilter")
                if not isinstance(source, str) or not source:
                    raise RuleError(f"pattern {number}: a pattern given as a mapping needs 'regex'")
            else:
                source, own = item, None
            what = f"pattern {number}" if len(patterns) > 1 else "pattern"
            self.patterns.append(compile_pattern(source, ignorecase=ignorecase, what=what))
            self.pattern_prefilters.append(_keywords(own, ignorecase) if own else self.prefilter)
        #: every word any pattern runs behind: the group's keyword pass looks for all of them
        self.keywords = tuple(dict.fromkeys(k for words in self.pattern_prefilters for k in words))
        #: the same words as sets: which of a long prefilter list a document holds is one C-level
        #: intersection per pattern and document, not a Python loop over the list
        self.pattern_prefilter_sets = [frozenset(words) for words in self.pattern_prefilters]
        #: where the pattern must look when a prefilter word is found: its sentence, or its paragraph when
        #: the rule's scope lets a match run past a sentence (quotes span sentences), or everything
        self.window = {"sentence": "sentence", "document": "document"}.get(rule.get("scope", "sentence"), "paragraph")

    def find(self, document, prior=()) -> Iterable[Match]:
        for _, match in PatternGroup([self]).find(document, prior):
            if isinstance(match, RuleTimeout):
                raise match
            yield match

    def find_in(self, document, windows: Sequence[Sequence[tuple[int, int]] | None] | None) -> list[Match]:
        """Every pattern's hits; overlapping hits of this rule are one finding.

        ``windows`` gives, per pattern, the spans it runs in (``None``: the whole text); ``None`` for the
        whole argument runs every pattern over the whole text, as a rule without a prefilter does.
        """
        text = document.text
        spans: list[tuple[int, int]] = []
        whole = [(0, len(text))]
        # One time budget per rule and document, shared by all its patterns and windows: a limit per
        # regex call would let a careless pattern run for the limit times the number of sentences.
        budget = time_budget(self.timeout, len(text))
        deadline = time.perf_counter() + budget
        for index, compiled in enumerate(self.patterns):
            group = "match" if "match" in compiled.groupindex else 0
            where = windows[index] if windows is not None else None
            for start, end in where if where is not None else whole:
                remaining = deadline - time.perf_counter()
                try:
                    if remaining <= 0:
                        raise TimeoutError
                    for hit in compiled.finditer(text, start, end, timeout=remaining):
                        span = hit.span(group)
                        if span[1] > span[0]:
                            spans.append(span)
                except TimeoutError:
                    raise RuleTimeout(f"pattern ran past its {budget:.3g} s time limit") from None
        merged: list[list[int]] = []
        for start, end in sorted(spans):
            if merged and start < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        return [Match(start, end) for start, end in merged]

    @classmethod
    def group(cls, matchers: Sequence[Matcher]) -> MatcherGroup:
        return PatternGroup(matchers)


class PatternGroup(MatcherGroup):
    """Pattern rules sharing one keyword pass for their prefilters; a timeout costs only its own rule."""

    def __init__(self, matchers: Sequence[Matcher]) -> None:
        super().__init__(matchers)
        self.index = KeywordIndex(k for m in matchers for k in getattr(m, "keywords", ()))

    def find(self, document, prior=()) -> Iterable[tuple[Matcher, Match | RuleTimeout]]:
        hits = self.index.hits(document) if self.index.keywords else None
        #: (keyword, window kind) -> the windows holding it: rules share keywords ("said"), located once
        located: dict[tuple[str, str], set[tuple[int, int]]] = {}
        #: (prefilter words found, window kind) -> their merged windows: patterns mostly share the words found
        merged: dict[tuple[tuple[str, ...], str], list[tuple[int, int]]] = {}
        for matcher in self.matchers:
            assert isinstance(matcher, PatternMatcher)
            windows: list[list[tuple[int, int]] | None] | None = None
            if matcher.keywords and hits is not None:
                windows = []
                for words in matcher.pattern_prefilter_sets:
                    if not words:
                        windows.append(None)
                        continue
                    # sorted: the same words found give the same cache key whatever order a rule lists them in
                    present = tuple(sorted(words.intersection(hits)))
                    if not present:
                        windows.append([])
                        continue
                    key = (present, matcher.window)
                    found = merged.get(key)
                    if found is None:
                        found = merged[key] = _windows(document, matcher, present, hits, located)
                    windows.append(found)
                if not any(w is None or w for w in windows):
                    continue
            try:
                found = matcher.find_in(document, windows)
            except RuleTimeout as timeout:
                yield matcher, timeout
                continue
            for match in found:
                yield matcher, match


def _keywords(words: Sequence[str], ignorecase: bool) -> tuple[str, ...]:
    """Prefilter words as the keyword pass folds them (lower case, straight apostrophes, single spaces)."""
    if words and not ignorecase:
        raise RuleError("'prefilter' works case-insensitively; it cannot be used with case_sensitive")
    return tuple(dict.fromkeys(phrase_key(w) for w in words))


def _windows(document, matcher: PatternMatcher, words: Sequence[str], hits: dict[str, list[int]],
             located: dict[tuple[str, str], set[tuple[int, int]]] | None = None) -> list[tuple[int, int]]:
    """The sentences (or paragraphs) holding one of ``words``, merged, in order.

    ``located`` caches, per document, the windows each keyword was found in, for the other rules.
    """
    keywords = [keyword for keyword in words if hits.get(keyword)]
    if not keywords or matcher.window == "document":
        return [(0, len(document.text))] if keywords else []
    kind = matcher.window
    locate = document.sentence_at if kind == "sentence" else document.paragraph_at
    spans: set[tuple[int, int]] = set()
    for keyword in keywords:
        key = (keyword, kind)
        found = located.get(key) if located is not None else None
        if found is None:
            found = {locate(offset) for offset in hits[keyword]}
            if located is not None:
                located[key] = found
        spans |= found
    windows: list[tuple[int, int]] = []
    text = document.text
    for start, end in sorted(spans):
        # neighbours separated by whitespace only become one window: fewer regex calls, and a window
        # larger than needed finds what a full scan would find there
        if windows and (start <= windows[-1][1] or not text[windows[-1][1] : start].strip()):
            windows[-1] = (windows[-1][0], max(windows[-1][1], end))
        else:
            windows.append((start, end))
    return windows
