"""The ``spelling`` consistency check: one name spelled several ways in one document.

Two comparisons over one scan of the document's names (``name_index``):

- whole names of two or more words whose transliteration keys agree ("Deir el-Zour", "Deir ez-Zor");
- single words within a small Damerau-Levenshtein distance of each other (1 for words of 5-7 letters,
  2 for longer ones; "Okonkwo"/"Okonkow", "Petersen"/"Peterson") or with the same key, kept only when
  the evidence in ``name_evidence`` says they are one name.

Words are bucketed by first letter and compared only within a length window, so a document costs the
pairs of similar words, not the square of its names.  Each variant is reported once: the minority
spellings each get one finding with the majority spelling as the suggestion and the majority's
occurrences as related locations; when no spelling is in the majority, each spelling is flagged once.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

from rapidfuzz.distance import DamerauLevenshtein

from factrules import rxcache
from factrules.matchers.base import Match
from factrules.matchers.name_evidence import TITLES, Form, Lexicon, settled_by_words, unlike_words
from factrules.matchers.name_evidence import one_name as _one_name
from factrules.matchers.name_index import (
    MAX_NAME_TOKENS,
    MIN_LONGER,
    PUNCTUATION,
    RawToken,
    edit_limit,
    fold_word,
    materialise,
    raw_runs,
)
from factrules.matchers.related import describe, location
from factrules.matchers.spelling_gate import could_vary

#: Words too common beside any name to say two forms stand in the same place ("of Equibank", "of Equimark").
_FUNCTION_WORDS = frozenset(
    "the a an of and or in on at to for by with from as is was are were be been has had that which who whom "
    "its his her their said says told".split()
)
_WORD_BEFORE = rxcache.compile(r"([\p{L}]+)\.?[ ]+$")
_WORD_AFTER = rxcache.compile(r"^[ ]+([\p{Ll}]+)")


@dataclass(slots=True)
class _Occurrence:
    start: int
    end: int
    text: str
    spelling: str
    bare: str
    particles: tuple[bool, ...]
    #: which name run it came from and which of its tokens, to tell a part of a longer name
    run: int = 0
    first: int = 0
    last: int = 0


@dataclass(slots=True)
class _Variant:
    """One spelling within a group of spellings of one name, with its occurrences as (start, end)."""

    text: str
    spans: list[tuple[int, int]]


class _LowerWords:
    """The words a document uses in lower case (whitespace-separated, stripped of ``PUNCTUATION``).

    A document that needs them at all asks about a handful of name words, so the first
    ``SEARCHES`` questions are answered by finding the word in the text (``used``); only a document
    that asks more, or a long one, builds the set of every word (most of the spelling check's cost
    on a story that needed it).
    """

    #: questions answered by a search before the set of every word is built
    SEARCHES = 16
    #: a text longer than this builds the set at once: each search reads the whole text
    SEARCH_UP_TO = 1 << 16

    def __init__(self, text: str) -> None:
        self.text = text
        self._words: set[str] | None = None
        self._answers: dict[object, bool] = {}

    def __contains__(self, word: object) -> bool:
        if self._words is None:
            answer = self._answers.get(word)
            if answer is not None:
                return answer
            if isinstance(word, str) and len(self._answers) < self.SEARCHES and len(self.text) <= self.SEARCH_UP_TO:
                answer = self._answers[word] = used(self.text, word)
                return answer
            self._words = {w.strip(PUNCTUATION) for w in split_words(self.text) if w[:1].islower()}
        return word in self._words


def used(text: str, word: str) -> bool:
    """Is ``word`` in ``{w.strip(PUNCTUATION) for w in text.split() if w[:1].islower()}``, found without the set?

    Such a token starts with a lower-case letter, so nothing is stripped before the word: it is the
    word at the start of the text or after a space, then only ``PUNCTUATION``, then a space or the end.
    """
    if not word[:1].islower() or word[-1] in PUNCTUATION or word.split() != [word]:
        return False  # no stripped token starts otherwise, ends in punctuation or holds a space
    size, at = len(text), text.find(word)
    while at >= 0:
        if at == 0 or text[at - 1].isspace():
            end = at + len(word)
            while end < size and text[end] in PUNCTUATION:
                end += 1
            if end == size or text[end].isspace():
                return True
        at = text.find(word, at + 1)
    return False


#: ``re``'s ``\s`` on a str is ``str.isspace``, the characters ``str.split`` splits on
_SPACE = rxcache.compile_re(r"\s")


def split_words(text: str, chunk: int = 1 << 16) -> Iterator[str]:
    """``text.split()``, the same words, a chunk at a time (each cut at a space): the list of every word
    of a 10 MB draft was 100 MB, held to build a set of a few thousand."""
    start, size = 0, len(text)
    while start < size:
        space = _SPACE.search(text, start + chunk) if start + chunk < size else None
        end = space.start() if space else size
        yield from text[start:end].split()
        start = end


# --- whole names of several words, keyed on transliteration ---------------------------------------


def _multiword_groups(text: str, runs: list[list[RawToken]], lexicon: Lexicon,
                      lower_words: _LowerWords) -> list[list[_Occurrence]]:
    """Groups of occurrences of one name of two or more words spelled more than one way, longest first."""
    spellings: dict[str, set[str]] = defaultdict(set)
    for raw_run in runs:
        for _, token in raw_run:
            spellings[token[2]].add(token[3])
    varying = {key for key, forms in spellings.items() if len(forms) > 1}
    if not varying:
        return []
    units: dict[tuple[str, ...], list[_Occurrence]] = defaultdict(list)
    for run_index, raw_run in enumerate(runs):
        if len(raw_run) < 2 or not any(token[2] in varying for _, token in raw_run):
            continue
        run = materialise(text, raw_run)
        for i in range(len(run)):
            for j in range(i + 2, min(len(run), i + MAX_NAME_TOKENS) + 1):
                part = run[i:j]
                if part[0].connector or part[-1].connector:
                    continue
                key = tuple(t.key for t in part)
                if len("".join(key)) < 4 or not any(k in varying for k in key):
                    continue
                units[key].append(
                    _Occurrence(part[0].start, part[-1].end, text[part[0].start : part[-1].end],
                                " ".join(t.spelling for t in part), " ".join(t.bare for t in part),
                                tuple(t.particle for t in part), run_index, i, j)
                )
    groups: list[list[_Occurrence]] = []
    for _key, occurrences in sorted(units.items(), key=lambda item: -len(item[0])):
        variants = _true_variants(occurrences, lexicon, lower_words)
        if variants:
            groups.append(variants)
    return groups


def _true_variants(occurrences: list[_Occurrence], lexicon: Lexicon, lower_words: _LowerWords) -> list[_Occurrence]:
    """The occurrences whose spelling differs from another's by more than a particle or a word's ending."""
    by_spelling: dict[str, _Occurrence] = {}
    for occurrence in occurrences:
        by_spelling.setdefault(occurrence.spelling, occurrence)
    if len(by_spelling) < 2:
        return []
    keep: set[str] = set()
    forms = list(by_spelling.values())
    for a_index, a in enumerate(forms):
        for b in forms[a_index + 1 :]:
            if a.bare == b.bare and a.particles != b.particles:
                continue  # "al-Assad" and "Assad": a second reference, not a misspelling
            if _words_differ(a.bare.split(), b.bare.split(), lexicon, lower_words):
                continue  # "Banca Italiana"/"Banca Italiane": one word in two grammatical forms
            keep.update((a.spelling, b.spelling))
    return [o for o in occurrences if o.spelling in keep]


def _words_differ(a_words: list[str], b_words: list[str], lexicon: Lexicon, lower_words: _LowerWords) -> bool:
    """Is every word that differs between two multi-word spellings a different word, not a variant?"""
    pairs = [(x, y) for x, y in zip(a_words, b_words, strict=False) if x != y]
    if not pairs:
        return False
    # two words by their letters, or both also used as ordinary words here (which builds ``lower_words``)
    return all(unlike_words(fold_word(x), fold_word(y), lexicon) or (x in lower_words and y in lower_words)
               for x, y in pairs)


# --- single words, by edit distance ---------------------------------------------------------------


def _index_words(text: str, runs: list[list[RawToken]], covered: dict[int, list[tuple[int, int]]]) -> dict[str, Form]:
    """Name words of ``MIN_WORD`` letters or more that share a first letter with another, by spelling.

    Words in a longer name already reported are skipped, and a ``Form`` is built only for a word that
    has a rival starting with the same letter: most words of a document have none.
    """
    occurrences: dict[str, list[tuple[int, int, int, int]]] = {}
    tokens: dict[str, tuple[Any, ...]] = {}
    for run_index, run in enumerate(runs):
        spans = covered.get(run_index, ())
        for index, (base, token) in enumerate(run):
            # token[7]: long enough, not an acronym, a headline in capitals or a compound ("Miami-based")
            if not token[7] or (spans and any(i <= index < j for i, j in spans)):
                continue
            start, end = base + token[0], base + token[1]
            spelling = token[3]
            found = occurrences.get(spelling)
            if found is None:
                found = occurrences[spelling] = []
                tokens[spelling] = token
            found.append((start, end, run_index, index))
    initials: dict[str, int] = defaultdict(int)
    for token in tokens.values():
        initials[fold_word(token[4])[:1]] += 1
    forms: dict[str, Form] = {}
    for spelling, token in tokens.items():
        folded = fold_word(token[4])
        if folded and initials[folded[:1]] > 1:
            forms[spelling] = Form(spelling, token[4], folded, token[2], token[5], occurrences[spelling])
    return forms


def _candidate_pairs(forms: dict[str, Form]) -> Iterable[tuple[Form, Form, int]]:
    """Pairs of forms close enough to be one word: same key, or within the edit distance for their length."""
    buckets: dict[str, list[Form]] = defaultdict(list)
    for form in forms.values():
        if form.folded:
            buckets[form.folded[0]].append(form)
    for bucket in buckets.values():
        if len(bucket) < 2:
            continue
        bucket.sort(key=lambda f: len(f.folded))
        for i, a in enumerate(bucket):
            for b in bucket[i + 1 :]:
                longer = len(b.folded)
                limit = edit_limit(longer)
                if longer - len(a.folded) > limit:
                    if a.key == b.key:
                        yield a, b, limit
                    continue
                if a.bare == b.bare and a.particle != b.particle:
                    continue  # "al-Assad" and "Assad"
                if a.key == b.key:
                    yield a, b, DamerauLevenshtein.distance(a.folded, b.folded)
                    continue
                if longer < MIN_LONGER:
                    continue
                distance = DamerauLevenshtein.distance(a.folded, b.folded, score_cutoff=limit)
                if distance <= limit:
                    yield a, b, distance


def _add_context(text: str, runs: list[list[RawToken]], form: Form, lower_words: _LowerWords) -> None:
    """What stands around a form's occurrences: first names or titles, following name words, ordinary words."""
    if form.before or form.after or form.beside:
        return
    form.ordinary = form.bare in lower_words
    for start, end, run_index, index in form.occurrences:
        run = runs[run_index]
        if index > 0 and not run[index - 1][1][6]:
            form.before.add(run[index - 1][1][4])
        else:
            hit = _WORD_BEFORE.search(text, max(0, start - 24), start)
            if hit:
                word = hit.group(1).lower()
                if hit.group(1)[:1].isupper() or word in TITLES:
                    form.before.add(word)
                elif word not in _FUNCTION_WORDS:
                    form.beside.add(word)
        if index + 1 < len(run) and not run[index + 1][1][6]:
            form.after.add(run[index + 1][1][4])
        else:
            hit = _WORD_AFTER.search(text, end, end + 24)
            if hit and hit.group(1) not in _FUNCTION_WORDS:
                form.beside.add(hit.group(1))


def _clusters(edges: list[tuple[int, str, str]], apart: set[frozenset[str]]) -> list[set[str]]:
    """Join accepted pairs into names, closest first, never joining two forms judged to be two words.

    Without the second rule a misspelling close to two forms would chain them: "Braclays" is one edit
    from "Barclays" and two from "Barclay", which is another word (a plural), not a third spelling.
    """
    member_of: dict[str, set[str]] = {}
    for _distance, a, b in sorted(edges):
        first = member_of.setdefault(a, {a})
        second = member_of.setdefault(b, {b})
        if first is second or any(frozenset((x, y)) in apart for x in first for y in second):
            continue
        first |= second
        for member in second:
            member_of[member] = first
    unique = {id(group): group for group in member_of.values()}
    return [group for group in unique.values() if len(group) > 1]


def _word_groups(text: str, runs: list[list[RawToken]], covered: dict[int, list[tuple[int, int]]],
                 lexicon: Lexicon, lower_words: _LowerWords) -> list[list[_Variant]]:
    forms = _index_words(text, runs, covered)
    edges: list[tuple[int, str, str]] = []
    apart: set[frozenset[str]] = set()
    for a, b, distance in _candidate_pairs(forms):
        same = settled_by_words(a, b, lexicon)
        if same is None:  # only now look around the occurrences
            _add_context(text, runs, a, lower_words)
            _add_context(text, runs, b, lower_words)
            same = _one_name(a, b, distance, lexicon)
        if same:
            edges.append((distance, a.spelling, b.spelling))
        else:
            apart.add(frozenset((a.spelling, b.spelling)))
    if not edges:
        return []
    groups = []
    for spellings in _clusters(edges, apart):
        groups.append([_Variant(" ".join(text[forms[s].occurrences[0][0] : forms[s].occurrences[0][1]].split()),
                                [(o[0], o[1]) for o in forms[s].occurrences]) for s in sorted(spellings)])
    return groups


# --- findings -------------------------------------------------------------------------------------


def spelling_groups(text: str, lexicon: Lexicon) -> list[list[_Variant]]:
    """Every name spelled more than one way in ``text``, each as its spellings with their occurrences."""
    if not could_vary(text, lexicon):
        return []  # most copy: proved from its distinct names alone, none indexed
    return indexed_groups(text, lexicon)


def indexed_groups(text: str, lexicon: Lexicon) -> list[list[_Variant]]:
    """``spelling_groups`` the long way: every occurrence of every name indexed and compared."""
    runs = raw_runs(text)
    if not runs:
        return []
    lower_words = _LowerWords(text)
    covered: dict[int, list[tuple[int, int]]] = defaultdict(list)
    groups: list[list[_Variant]] = []
    for group in _multiword_groups(text, runs, lexicon, lower_words):
        fresh = [o for o in group if not any(i <= o.first and o.last <= j for i, j in covered.get(o.run, ()))]
        by_spelling: dict[str, _Variant] = {}
        for occurrence in fresh:
            covered[occurrence.run].append((occurrence.first, occurrence.last))
            variant = by_spelling.setdefault(occurrence.spelling, _Variant(" ".join(occurrence.text.split()), []))
            variant.spans.append((occurrence.start, occurrence.end))
        if len(by_spelling) > 1:
            groups.append(list(by_spelling.values()))
    groups.extend(_word_groups(text, runs, covered, lexicon, lower_words))
    return groups


def spelling_matches(document: Any, lexicon: Lexicon) -> Iterable[Match]:
    """One match per minority spelling of each name (or per spelling, when none is in the majority)."""
    text = document.text
    matches = []
    for group in spelling_groups(text, lexicon):
        group.sort(key=lambda v: v.spans[0][0])
        counts = [len(v.spans) for v in group]
        top = max(counts)
        leaders = [v for v in group if len(v.spans) == top]
        preferred = leaders[0] if len(leaders) == 1 else None
        variants = sorted({v.text for v in group})
        for variant in group:
            if variant is preferred:
                continue
            related = preferred.spans if preferred else sorted(s for v in group if v is not variant for s in v.spans)
            related_locations = [location(document, s, e) for s, e in related]
            data = {
                "check": "spelling",
                "name": preferred.text if preferred else None,
                "variant": variant.text,
                "variants": variants,
                "count": len(variant.spans),
                "locations": [location(document, s, e) for s, e in variant.spans],
                "related": related_locations,
                "others": describe(related_locations),
                "advice": (f"use one spelling, e.g. '{preferred.text}'" if preferred
                           else "no spelling is in the majority: check which one is right"),
            }
            if preferred:
                data["suggestion"] = preferred.text
            start, end = variant.spans[0]
            matches.append(Match(start, end, data=data, suggestion=preferred.text if preferred else None))
    return sorted(matches, key=lambda m: m.start)
