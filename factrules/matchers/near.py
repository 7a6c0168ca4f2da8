"""The ``near`` kind: a term from list ``a`` within N words of a term from list ``b``, in one sentence.

Denials are the model case: an official subject ("the ministry", "a
spokesman") near a rejection ("weren't involved", "had no role").  Either
list alone would flag ordinary prose; together they are specific.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import regex

from factrules import rxcache
from factrules.keywords import PhraseIndex, StartIndex
from factrules.matchers.base import Match, Matcher, RuleError, RuleTimeout, phrase_key, time_budget
from factrules.matchers.phrase import alternation_source

_WORD = rxcache.compile(r"[\p{L}\p{N}][\p{L}\p{N}'’-]*")
#: find the ``b`` terms in one Aho–Corasick pass over the spaced text (``keywords.PhraseIndex``) when they are
#: plain ASCII; False: the regex tried at the places of their first words, which the tests compare against
USE_TERM_INDEX = True


def _term_regex(terms: Any, name: str) -> regex.Pattern[str]:
    if not terms or not isinstance(terms, list) or not all(isinstance(t, str) and t.strip() for t in terms):
        raise RuleError(f"a near rule needs a non-empty list of terms in '{name}'")
    alternatives = sorted({" ".join(t.split()) for t in terms}, key=len, reverse=True)
    source = r"(?<!\w)(?:" + alternation_source(alternatives, ignorecase=True) + r")(?!\w)"
    return regex.compile(source, regex.IGNORECASE)


def _term_hits(terms: regex.Pattern[str], starts: Iterable[int] | None, text: str,
               timeout: float) -> Iterable[tuple[int, int]]:
    """The spans of ``terms.finditer(text)``, matched only at the candidate ``starts`` when there are some."""
    if starts is None:
        for hit in terms.finditer(text, timeout=timeout):
            yield hit.span()
        return
    covered = 0
    for start in starts:
        if start < covered:
            continue  # inside the previous hit: finditer goes on from its end
        hit = terms.match(text, start, timeout=timeout)
        if hit is not None:
            covered = hit.end() if hit.end() > start else start + 1
            yield hit.span()


def _indexed_hits(found: Iterable[tuple[int, int, str]]) -> Iterable[tuple[int, int]]:
    """The spans ``finditer`` gives, from the longest term at each place (``PhraseIndex.matches``): from the
    end of each hit, the next place a term matches."""
    covered = 0
    for start, end, _ in found:
        if start >= covered:
            covered = end
            yield start, end


class NearMatcher(Matcher):
    kind = "near"

    def __init__(self, rule: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(rule, **kwargs)
        self.first = _term_regex(rule.get("a"), "a")
        self.second = _term_regex(rule.get("b"), "b")
        #: where a ``b`` term can begin: the first words of the terms (found in one Aho–Corasick pass)
        self.second_starts = StartIndex(term.split()[0] for term in rule["b"])
        #: every ``b`` term in one automaton (``usable`` False: not plain ASCII, the places above instead)
        self.second_index = PhraseIndex(phrase_key(term) for term in rule["b"])
        self.within = int(rule.get("within", 8))
        self.order = rule.get("order", "any")
        self.report = rule.get("report", "b")
        if self.order not in ("any", "a-first", "b-first"):
            raise RuleError("'order' must be any, a-first or b-first")
        if self.report not in ("a", "b", "both"):
            raise RuleError("'report' must be a, b or both")

    def find(self, document, prior=()) -> Iterable[Match]:
        """Find ``b`` terms first, then ``a`` terms only inside those sentences.

        Lists like "said"/"official" are everywhere, denials are rare: scanning the
        whole text for ``a`` and pairing every ``a`` with every ``b`` was a hot spot.
        """
        if USE_TERM_INDEX and self.second_index.absent(document):
            return  # no ``b`` term in the text (most copy): nothing to pair
        text = document.text
        seen: set[tuple[int, int]] = set()
        limit = time_budget(self.timeout, len(text))
        try:
            found = self.second_index.matches(document) if USE_TERM_INDEX else None
            if found is not None:
                b_hits = _indexed_hits(found)
            else:
                b_hits = _term_hits(self.second, self.second_starts.starts(document), text, limit)
            for b_start, b_end in b_hits:
                s_start, s_end = document.sentence_at(b_start)
                for a_hit in self.first.finditer(text, s_start, s_end, timeout=limit):
                    a_start, a_end = a_hit.span()
                    if a_start < b_end and b_start < a_end:
                        continue
                    a_first = a_end <= b_start
                    if self.order == "a-first" and not a_first or self.order == "b-first" and a_first:
                        continue
                    gap_start, gap_end = (a_end, b_start) if a_first else (b_end, a_start)
                    if len(_WORD.findall(text, gap_start, gap_end)) > self.within:
                        continue
                    if self.report == "a":
                        span = (a_start, a_end)
                    elif self.report == "b":
                        span = (b_start, b_end)
                    else:
                        span = (min(a_start, b_start), max(a_end, b_end))
                    if span not in seen:
                        seen.add(span)
                        yield Match(*span, data={"near": text[a_start:a_end]})
                    break
        except TimeoutError:
            raise RuleTimeout(f"near terms ran past the {limit:.3g} s time limit") from None
