"""A document-level test that proves the spelling check has nothing to report, before any name is indexed.

Most copy spells every name one way, yet indexing its names (each occurrence's run, position and
neighbours) was most of the spelling check's cost.  The check can only report two spellings that
either share a transliteration key (a multi-word finding, between tokens of names of several words,
or a same-key pair of two words compared on their own, ``comparable_word``) or are two such words
with the same first letter, of the same folded letters or within the edit distance for their length,
that the words alone do not prove different (``unlike_words``: two places, two inflections, two
dictionary words).  ``could_vary`` tests exactly that on the document's distinct names, from one
``findall`` and a cached summary per distinct name, with no positions or context; a document that
passes goes through the full check, which decides.
"""

from __future__ import annotations

from functools import lru_cache
from itertools import chain, starmap
from operator import itemgetter

from rapidfuzz.distance import DamerauLevenshtein

from factrules.matchers.name_evidence import Lexicon, unlike_words
from factrules.matchers.name_index import MIN_LONGER, distinct_names, edit_limit, fold_word, name_runs

_FIRST = itemgetter(0)
_SECOND = itemgetter(1)
Pairs = tuple[tuple[str, str], ...]


@lru_cache(maxsize=16384)
def _summary(lead: str, name: str) -> tuple[Pairs, Pairs]:
    """(key, spelling) of the tokens of one name that can be compared, and (folded, spelling) of the words.

    A token can be compared as part of a name of several words (the multi-word comparison) or, as a
    word of its own, when ``comparable_word``; a lone short token ("BBB", "SEC") is neither.
    """
    keyed, folded = [], []
    for run in name_runs(lead + name):
        several = len(run) > 1
        for token in run:  # (start, end, key, spelling, bare, particle, connector, word)
            if several or token[7]:
                keyed.append((token[2], token[3]))
            if token[7]:
                folded.append((fold_word(token[4]), token[3]))
    return tuple(keyed), tuple(folded)


def could_vary(text: str, lexicon: Lexicon) -> bool:
    """Could the spelling check find a name spelled two ways in ``text``?  False is a proof that it cannot."""
    summaries = list(starmap(_summary, distinct_names(text)))
    if not any(map(any, summaries)):
        return False  # no token to compare at all ("The", "BBC"): a title, a caption, a one-line brief
    keyed = set(chain.from_iterable(map(_FIRST, summaries)))
    if len(keyed) > len(set(map(_FIRST, keyed))):
        return True  # two spellings with one key
    folded_pairs = set(chain.from_iterable(map(_SECOND, summaries)))
    folded = sorted(set(map(_FIRST, folded_pairs)))
    if len(folded_pairs) > len(folded):
        return True  # two spellings with the same letters
    for index, a in enumerate(folded):
        if not a:
            continue
        for b in folded[index + 1 :]:
            if b[0] != a[0]:
                break  # sorted: no later word shares the first letter
            longer = max(len(a), len(b))
            limit = edit_limit(longer)
            if longer < MIN_LONGER or abs(len(a) - len(b)) > limit:
                continue
            if DamerauLevenshtein.distance(a, b, score_cutoff=limit) <= limit and not unlike_words(a, b, lexicon):
                return True
    return False
