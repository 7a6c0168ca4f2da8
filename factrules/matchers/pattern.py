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
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from typing import Any

import regex

from factrules.keywords import KeywordIndex, WordStarts
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
from factrules.prefixes import literal_starts

#: try each pattern only where one of the literal words all its matches begin with is (``factrules.prefixes``);
#: False scans every pattern whole, the reference the tests compare the two paths against
USE_LITERAL_STARTS = True
#: a group this small (the built-in packs: a few dozen rules, each behind its prefilter) is faster scanned as
#: before: the first-word pass costs more than it saves until a house pack brings hundreds of rules (measured
#: on real copy: 6-10 % slower for the built-ins, several times faster for 1,000-5,000 house rules)
LITERAL_STARTS_MIN_RULES = 100


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
        #: per pattern, the group it reports: "match" when it has one, else the whole match
        self.report_groups: list[int | str] = ["match" if "match" in p.groupindex else 0 for p in self.patterns]
        #: per pattern, the literal words every match begins with, or None: it is scanned, not tried at places
        self.literal_starts: list[tuple[str, ...] | None] = [literal_starts(p) for p in self.patterns]
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

    def find_in(self, document, windows: Sequence[Sequence[tuple[int, int]] | None] | None,
                starts: dict[str, list[int]] | None = None) -> list[Match]:
        """Every pattern's hits; overlapping hits of this rule are one finding.

        ``windows`` gives, per pattern, the spans it runs in (``None``: the whole text); ``None`` for the
        whole argument runs every pattern over the whole text, as a rule without a prefilter does.
        ``starts`` (``WordStarts.positions``) lets a pattern whose matches all begin with known words be
        tried at those places alone: the same matches as ``finditer`` over the span, found without a scan.
        """
        text = document.text
        spans: list[tuple[int, int]] = []
        whole = [(0, len(text))]
        # One time budget per rule and document, shared by all its patterns and windows: a limit per
        # regex call would let a careless pattern run for the limit times the number of sentences.
        budget = time_budget(self.timeout, len(text))
        deadline = time.perf_counter() + budget
        for index, compiled in enumerate(self.patterns):
            where = windows[index] if windows is not None else None
            if where is not None and not where:
                continue  # none of this pattern's prefilter words is in the document
            group = self.report_groups[index]
            words = self.literal_starts[index] if starts is not None else None
            if words is not None:
                places = _places(words, starts)
                for start, end in where if where is not None else whole:
                    remaining = deadline - time.perf_counter()
                    try:
                        if remaining <= 0:
                            raise TimeoutError
                        _match_at(compiled, text, places, start, end, group, spans, deadline)
                    except TimeoutError:
                        raise RuleTimeout(f"pattern ran past its {budget:.3g} s time limit") from None
                continue
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
        if not spans:  # most rules on most documents
            return []
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
        self.starts = WordStarts(word for m in matchers for words in getattr(m, "literal_starts", ()) if words
                                 for word in words)
        #: rules every one of whose patterns begins with known words: a document holding none of them
        #: cannot match, so the rule is not visited at all (thousands of house rules, a few present per story)
        self._by_word: dict[str, list[int]] = {}
        #: the other rules, visited for every document
        self._always: list[int] = []
        #: rules every one of whose patterns runs behind prefilter words, by word: a document holding none of
        #: a rule's words skips it without a look at each of its patterns (most built-in rules, most stories)
        self._by_keyword: dict[str, list[int]] = {}
        #: the other rules: one of their patterns scans every document, or they have no prefilter
        self._unfiltered: list[int] = []
        for number, matcher in enumerate(self.matchers):
            starts = getattr(matcher, "literal_starts", None)
            if starts and all(words is not None for words in starts):
                for word in {word for words in starts for word in words}:
                    self._by_word.setdefault(word, []).append(number)
            else:
                self._always.append(number)
            keywords = getattr(matcher, "keywords", ())
            if keywords and all(getattr(matcher, "pattern_prefilter_sets", ())):
                for word in keywords:
                    self._by_keyword.setdefault(word, []).append(number)
            else:
                self._unfiltered.append(number)
        self._gated = frozenset(range(len(self.matchers))) - frozenset(self._unfiltered)

    def _visited(self, starts: dict[str, list[int]] | None, hits: dict[str, list[int]] | None) -> list[Matcher]:
        """The rules worth running on a document, in group order: those that can match, given the places of
        its first words (``starts``) and the prefilter words it holds (``hits``); ``None``: not known."""
        gated: set[int] | None = None
        if hits is not None:
            gated = set()
            for word in hits:
                gated.update(self._by_keyword.get(word, ()))
        if starts is None:
            if gated is None:
                return self.matchers
            numbers = gated.union(self._unfiltered)
        else:
            numbers = set(self._always)
            for word in starts:
                numbers.update(self._by_word.get(word, ()))
            if gated is not None:
                # a rule behind prefilter words goes on only if the document holds one of them
                numbers = {n for n in numbers if n in gated or n not in self._gated}
        return [self.matchers[number] for number in sorted(numbers)]

    def find(self, document, prior=()) -> Iterable[tuple[Matcher, Match | RuleTimeout]]:
        hits = self.index.hits(document) if self.index.keywords else None
        if hits is not None and not hits and not self._unfiltered:
            return  # ``_visited`` would give no rule: each is gated by prefilter words, and none is present
        use_starts = USE_LITERAL_STARTS and len(self.matchers) >= LITERAL_STARTS_MIN_RULES and self.starts.usable
        starts = self.starts.positions(document) if use_starts else None
        #: (keyword, window kind) -> the numbers of the spans holding it: rules share keywords ("said"), located once
        located: dict[tuple[str, str], set[int]] = {}
        #: (prefilter words found, window kind) -> their merged windows: patterns mostly share the words found
        merged: dict[tuple[tuple[str, ...], str], list[tuple[int, int]]] = {}
        for matcher in self._visited(starts, hits):
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
                found = matcher.find_in(document, windows, starts)
            except RuleTimeout as timeout:
                yield matcher, timeout
                continue
            for match in found:
                yield matcher, match


def _places(words: Sequence[str], starts: dict[str, list[int]]) -> list[int]:
    """The ascending offsets where one of ``words`` begins."""
    lists = [starts[word] for word in words if word in starts]
    if len(lists) <= 1:
        return lists[0] if lists else []
    return sorted({offset for offsets in lists for offset in offsets})


def _match_at(compiled: regex.Pattern[str], text: str, places: list[int], start: int, end: int,
              group: int | str, spans: list[tuple[int, int]], deadline: float) -> None:
    """``finditer(text, start, end)``'s matches, tried only at ``places`` (every match begins at one).

    ``finditer`` takes the leftmost match at or after where the last one ended; a match at a place does not
    depend on where the search began (look-behinds and ``\\b`` see the text before it), and every match has
    letters (``literal_starts``), so none is empty.  Raises ``TimeoutError`` past ``deadline``.
    """
    position = start
    first = bisect_left(places, start)
    for index in range(first, len(places)):
        place = places[index]
        if place >= end:
            break
        if place < position:
            continue
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            raise TimeoutError
        hit = compiled.match(text, place, end, timeout=remaining)
        if hit is None:
            continue
        span = hit.span(group)
        if span[1] > span[0]:
            spans.append(span)
        position = hit.end()


def _keywords(words: Sequence[str], ignorecase: bool) -> tuple[str, ...]:
    """Prefilter words as the keyword pass folds them (lower case, straight apostrophes, single spaces)."""
    if words and not ignorecase:
        raise RuleError("'prefilter' works case-insensitively; it cannot be used with case_sensitive")
    return tuple(dict.fromkeys(phrase_key(w) for w in words))


def _windows(document, matcher: PatternMatcher, words: Sequence[str], hits: dict[str, list[int]],
             located: dict[tuple[str, str], set[int]] | None = None) -> list[tuple[int, int]]:
    """The sentences (or paragraphs) holding one of ``words``, merged, in order.

    ``located`` caches, per document, the numbers of the spans each keyword was found in, for the other rules.
    Neighbours separated by whitespace only become one window: fewer regex calls, and a window larger than
    needed finds what a full scan would find there.  The spans are read by number from their arrays
    (``Spans``), with no set of span tuples to build and sort; a document that keeps its spans some other way takes
    ``_windows_from_spans``, the same windows (a test compares the two).
    """
    keywords = [keyword for keyword in words if hits.get(keyword)]
    if not keywords or matcher.window == "document":
        return [(0, len(document.text))] if keywords else []
    kind = matcher.window
    spans = document.sentences if kind == "sentence" else document.paragraphs
    starts, ends = getattr(spans, "starts", None), getattr(spans, "ends", None)
    if not starts or ends is None:
        return _windows_from_spans(document, kind, keywords, hits)
    numbers: set[int] = set()
    for keyword in keywords:
        key = (keyword, kind)
        found = located.get(key) if located is not None else None
        if found is None:
            found = {bisect_right(starts, offset) - 1 for offset in hits[keyword]}
            if located is not None:
                located[key] = found
        numbers = found if len(keywords) == 1 else numbers | found
    # an offset before the first span belongs to the first (``sentence_at``): number -1 reads as 0
    return _merged(document.text, ((starts[max(n, 0)], ends[max(n, 0)]) for n in sorted(numbers)))


def _windows_from_spans(document, kind: str, keywords: Sequence[str],
                        hits: dict[str, list[int]]) -> list[tuple[int, int]]:
    """``_windows`` from the spans as ``_containing`` gives them (``sentence_at``/``paragraph_at``), merged."""
    spans: set[tuple[int, int]] = set()
    for keyword in keywords:
        spans |= _containing(document, kind, hits[keyword])
    return _merged(document.text, sorted(spans))


def _merged(text: str, bounds: Iterable[tuple[int, int]]) -> list[tuple[int, int]]:
    """Sorted spans as windows: overlapping ones, and neighbours separated by whitespace only, become one."""
    windows: list[tuple[int, int]] = []
    for start, end in bounds:
        if windows and (start <= windows[-1][1] or not text[windows[-1][1] : start].strip()):
            windows[-1] = (windows[-1][0], max(windows[-1][1], end))
        else:
            windows.append((start, end))
    return windows


def _containing(document, kind: str, offsets: Iterable[int]) -> set[tuple[int, int]]:
    """The sentences (or paragraphs) holding ``offsets``, as ``Document.sentence_at`` / ``paragraph_at`` give them.

    A keyword such as "said" stands a few times in most sentences of wire copy: the offsets are bisected into
    the span starts and each span is built once, instead of a method call and a span per offset.
    """
    spans = document.sentences if kind == "sentence" else document.paragraphs
    starts = getattr(spans, "starts", None)
    if not starts:  # no spans (the whole text is one), or a document that keeps them some other way
        locate = document.sentence_at if kind == "sentence" else document.paragraph_at
        return {locate(offset) for offset in offsets}
    numbers = {bisect_right(starts, offset) - 1 for offset in offsets}
    ends = getattr(spans, "ends", None)
    if ends is None:
        return {spans[number if number > 0 else 0] for number in numbers}
    # read from the arrays (``Spans``): ``spans[number]`` is a Python method call per span
    return {(starts[number], ends[number]) if number > 0 else (starts[0], ends[0]) for number in numbers}
