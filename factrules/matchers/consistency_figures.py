"""The ``figures`` consistency check: counts of one event that cannot all be true.

Figures counting the same noun must overlap; a total ("100 or so dead", "as many as 50 people") must be
at least as large as a count of a group ("hundreds of fighters"); "an unknown number" contradicts any
stated figure for the same count.  Figures in one sentence are parts of a list, never compared.  Figures
come from the number matcher's cached scan, exact ones included, so the check works whether or not the
numbers pack is selected.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

import regex

from factrules import rxcache
from factrules.matchers.base import Match
from factrules.matchers.number import Quantity, scan
from factrules.matchers.related import location

GENERIC_NOUNS = frozenset({"person", "dead", "victim", "casualty", "fatality", "life", "body", "death", "killed"})


def _overlap(a: Quantity, b: Quantity) -> bool:
    low = max(x for x in (a.low, b.low, float("-inf")) if x is not None)
    high = min(x for x in (a.high, b.high, float("inf")) if x is not None)
    return low <= high


def _generic(quantity: Quantity) -> bool:
    return quantity.noun is None or quantity.noun in GENERIC_NOUNS


#: Vague words that say "some" rather than a size: "several", "a few", "a number of", "a handful of".
_LOOSE = rxcache.compile(r"(?i)(?:several|a\s+few|a\s+couple|a\s+handful|an?\s+(?:\w+\s+)?number|numerous|many|"
                       r"countless|multiple)\b")


def loose(quantity: Quantity, text: str) -> bool:
    """Is this a vague "some" ("several", "a number of") rather than a size ("dozens", "hundreds")?"""
    return quantity.kind == "vague" and _LOOSE.match(text, quantity.start, quantity.end) is not None


def figures_conflict(a: Quantity, b: Quantity, text: str = "") -> bool:
    """Can these two counts of one event and one group not both be true?

    A loose vague word ("several", "a number of") is compared only with a count of the same named
    group ("28 protesters" / "several protesters"): "several were arrested" may be a part of 28.
    """
    if a.event is None or a.event != b.event or a.unit != "count" or b.unit != "count":
        return False
    if text and (loose(a, text) or loose(b, text)) and (a.noun != b.noun or _generic(a)):
        return False
    same_noun = a.noun == b.noun or (_generic(a) and _generic(b))
    if not (same_noun or _generic(a) or _generic(b)):
        return False  # different groups: "15 Russians" may be among "hundreds of fighters"
    if a.kind == "unknown" or b.kind == "unknown":
        other = b if a.kind == "unknown" else a
        return other.kind != "unknown" and other.specific
    if same_noun:
        return not _overlap(a, b)
    total, part = (a, b) if _generic(a) else (b, a)
    return total.high is not None and part.low is not None and total.high < part.low


#: Words that make a sentence's figure a different count from the story's: another incident, a running
#: total, another year ("Last year a similar attack killed 100"; "in total, 3,000 have died since 2011").
_OTHER_COUNT = rxcache.compile(
    r"\b(?:last|previous|past)\s+(?:year|month|decade)s?\b|\b(?:in|since|during|by)\s+(?:19|20)\d\d\b|"
    r"\b(?:another|similar|previous|separate|earlier)\s+(?:\w+\s+)?(?:attack|incident|bombing|strike|raid|"
    r"clash|crash|blast|explosion|disaster|quake|earthquake|storm|flood|fire|shooting)s?\b|"
    r"\bso\s+far\s+this\s+year\b|\bthis\s+year\b|\bin\s+total\b|\baltogether\b|\ba\s+total\s+of\b|"
    r"\boverall\b|\bcumulative\b|\bsince\s+the\s+(?:war|conflict|uprising|fighting|outbreak|start)\b|"
    # those still in a state: a part of the count, later ("seven were still being treated")
    r"\b(?:still|remain(?:s|ed)?)\s+(?:being\s+)?(?:treated|in\s+(?:hospital|custody|detention)|"
    r"hospitali[sz]ed|held|detained|missing|unaccounted)\b",
    regex.IGNORECASE,
)


def _other_count(document: Any, quantity: Quantity) -> bool:
    start, end = document.sentence_at(quantity.start)
    return _OTHER_COUNT.search(document.text, start, end) is not None


#: At most this many conflicting figures are listed in one finding (the rest are counted).
MAX_LISTED = 10


def _signature(quantity: Quantity) -> tuple[Any, ...]:
    return (quantity.event, quantity.noun, quantity.kind, quantity.low, quantity.high)


def figure_matches(document: Any) -> Iterable[Match]:
    """One match at each figure that contradicts another count of the same event.

    Figures with the same event, noun and interval are compared once, so a long document with many
    repeated figures costs the square of its distinct figures, not of all of them.
    """
    quantities = scan(document, exact=False)  # only figures with an event are compared
    if not quantities:
        return  # most short copy: no figure at all
    text = document.text
    by_signature: dict[tuple[Any, ...], list[Quantity]] = defaultdict(list)
    for quantity in quantities:
        if quantity.event and quantity.unit == "count" and not _other_count(document, quantity):
            by_signature[_signature(quantity)].append(quantity)
    signatures = list(by_signature)
    rivals_of: dict[tuple[Any, ...], list[tuple[Any, ...]]] = defaultdict(list)
    for index, first in enumerate(signatures):
        for second in signatures[index + 1 :]:
            if figures_conflict(by_signature[first][0], by_signature[second][0], text):
                rivals_of[first].append(second)
                rivals_of[second].append(first)
    if not rivals_of:
        return
    sentence_of: dict[int, tuple[int, int]] = {}
    for signature in rivals_of:
        for quantity in by_signature[signature]:
            sentence_of[id(quantity)] = document.sentence_at(quantity.start)
    found = []
    for signature, rival_signatures in rivals_of.items():
        rivals = sorted((q for r in rival_signatures for q in by_signature[r]), key=lambda q: q.start)
        for quantity in by_signature[signature]:
            sentence = sentence_of[id(quantity)]
            others = [q for q in rivals if sentence_of[id(q)] != sentence]  # one sentence lists parts
            if others:  # only the listed ones and the count are read: every rival of every figure was O(n²)
                found.append((quantity, others[:MAX_LISTED], len(others)))
    for quantity, others, count in sorted(found, key=lambda pair: pair[0].start):
        yield _figure_match(document, text, quantity, others, count)


def _figure_match(document: Any, text: str, quantity: Quantity, rivals: list[Quantity],
                  count: int | None = None) -> Match:
    """The match at ``quantity``; ``rivals`` may be only the first ``MAX_LISTED`` of ``count``."""
    count = len(rivals) if count is None else count
    conflicts = []
    for other in rivals[:MAX_LISTED]:
        place = location(document, other.start, other.end)
        place["interval"] = other.interval_text()
        conflicts.append(place)
    others = ", ".join(f"'{c['text']}' (line {c['line']}: {c['interval']})" for c in conflicts)
    if count > MAX_LISTED:
        others += f" and {count - MAX_LISTED} more"
    return Match(
        quantity.start,
        quantity.end,
        data={"check": "figures", "event": quantity.event, "noun": quantity.noun, **_interval(quantity),
              "interval": quantity.interval_text(), "conflicts": conflicts, "related": conflicts,
              "conflict_count": count,
              "others": others},
    )


def _interval(quantity: Quantity) -> dict[str, Any]:
    data = quantity.data()
    return {key: data[key] for key in ("low", "high", "approximate")}


