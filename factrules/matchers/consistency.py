"""The ``consistency`` kind: a document that gives one thing two incompatible ways.

It runs at the document stage, after the sentence rules.  ``options.check``
picks what it compares:

- ``spelling``: one name spelled several ways ("Deir el-Zour", "Deir
  ez-Zor", "Deir es-Zor").  Capitalised names are keyed on a normalised
  form (transliteration particles such as al-/el-/ez- dropped, diacritics,
  hyphens, spaces and doubled letters removed, vowel runs reduced to three
  classes, so "Zour"/"Zor"/"Zawr" agree); forms that share a key but are
  spelled differently are variants.  A particle present in one form and
  absent in another ("al-Assad"/"Assad") is house style for a second
  reference, not a variant.
- ``figures``: counts of the same event (killed, wounded, ...) whose
  intervals cannot both be true.  Figures counting the same noun must
  overlap; a total ("100 or so dead", "as many as 50 people") must be at
  least as large as a count of a group ("hundreds of fighters"); "an unknown
  number" contradicts any stated figure for the same count.  Figures in one
  sentence are parts of a list, never compared.  Figures come from the
  number matcher's cached scan, exact ones included, so the check works
  whether or not the numbers pack is selected.

Each occurrence in conflict gets one finding whose ``data`` names the other
locations (line, column, text).
"""

from __future__ import annotations

import unicodedata
from collections import Counter, defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import regex

from factrules.matchers.base import Match, Matcher, RuleError
from factrules.matchers.number import Quantity, scan

PARTICLES = frozenset("al el ez es as ad ash ar an at az ed er et ul ud un ur ut adh dh".split())
#: Particles that may stand apart from the name with a space ("al Qaeda", "El Salvador").
_SPACED_PARTICLES = ("al", "el")
_PARTICLE_ALTERNATION = "|".join(sorted(PARTICLES, key=len, reverse=True))
#: Lower-case words that join the parts of one name ("Mohammed bin Salman", "Ursula von der Leyen").
CONNECTORS = frozenset("bin ibn bint abu abd de da van von der del della la le di du dos das".split())
_CONNECTOR_ALTERNATION = "|".join(sorted(CONNECTORS, key=len, reverse=True))
_NAME = regex.compile(
    r"""
    (?<![\p{L}\p{M}\p{N}'’])
    \p{Lu}[\p{L}\p{M}'’]*(?:-\p{L}[\p{L}\p{M}]*)*
    (?:[\ ]+(?:(?:""" + _CONNECTOR_ALTERNATION + r""")[\ ]+)?
       (?:(?i:al|el)[\ \-‐]|(?i:""" + _PARTICLE_ALTERNATION + r""")[-‐])?
       \p{Lu}[\p{L}\p{M}'’]*(?:-\p{L}[\p{L}\p{M}]*)*)*
    (?![\p{L}\p{M}])
    """,
    regex.VERBOSE,
)
#: A particle just before a run of names ("al-" of "al-Assad"): the run regex starts at a capital, which is
#: what makes it fast, so a leading particle is looked for behind it.
_LEADING_PARTICLE = regex.compile(
    r"(?:^|[^\p{L}\p{M}\p{N}'’-])((?i:al|el)[ \-‐]|(?i:" + _PARTICLE_ALTERNATION + r")[-‐])$"
)
_TOKEN = regex.compile(
    r"(?:(?P<particle>(?i:al|el)(?=[ \-‐]\p{Lu})|(?i:"
    + _PARTICLE_ALTERNATION
    + r")(?=[-‐]\p{Lu}))(?P<sep>[ \-‐]))?(?P<word>\p{Lu}[\p{L}\p{M}'’]*(?:-\p{L}[\p{L}\p{M}]*)*"
    + r"|(?:" + _CONNECTOR_ALTERNATION + r")(?=[ ]+\p{Lu}))"
)
#: Capitalised words that start sentences or titles rather than name anything.
_NOT_NAMES = frozenset(
    """
    the a an in on at for from by with to of and but or nor if when while after before as it its he she they we i
    you his her their our this that these those there here what who why how where which not no yes so then than
    also however meanwhile still now later earlier today yesterday tomorrow last next this some many most all
    both each every one two three four five six seven eight nine ten mr mrs ms dr latest news reports report
    """.split()
)
_PUNCTUATION = "\"'“”‘’()[]{},.;:!?-–—"
_POSSESSIVE = regex.compile(r"['’]s?$")
_DOUBLE = regex.compile(r"(.)\1+")
_VOWELS = frozenset("aeiou")
MAX_NAME_TOKENS = 4


@dataclass(frozen=True, slots=True)
class _Token:
    start: int
    end: int
    text: str
    key: str
    spelling: str
    bare: str
    particle: bool
    connector: bool = False


@lru_cache(maxsize=8192)
def name_key(word: str) -> str:
    """The normalised form of one name word: what every transliteration of it has in common."""
    decomposed = unicodedata.normalize("NFKD", word)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    letters = "".join(c for c in letters if c.isalpha())
    letters = _DOUBLE.sub(r"\1", letters)
    # A first vowel is kept as written: "Ellen" and "Allen" are two people more often than one spelling.
    out: list[str] = [letters[0]] if letters[:1] in _VOWELS else []
    run = ""
    for char in letters[len(out):]:
        if char in _VOWELS or (char in "yw" and run):
            run += char
            continue
        if run:
            out.append(_vowel_class(run))
            run = ""
        out.append(char)
    if run:
        out.append(_vowel_class(run))
    return "".join(out)


def _vowel_class(run: str) -> str:
    if any(c in run for c in "ouw"):
        return "U"
    if any(c in run for c in "iy") or len(run) > 1:
        return "I"
    return "A"


@lru_cache(maxsize=4096)
def _name_tokens(name: str) -> tuple[tuple[Any, ...], ...]:
    """The tokens of one name as (start, end, key, spelling, bare, particle, connector); names repeat, so cached."""
    tokens = []
    for hit in _TOKEN.finditer(name):
        word = _POSSESSIVE.sub("", hit.group("word"))
        if not word:
            continue
        particle = hit.group("particle")
        sep = hit.group("sep") or ""
        spelling_word = unicodedata.normalize("NFC", word).lower()
        spelling = f"{particle.lower()}{'-' if sep in '-‐' else ' '}{spelling_word}" if particle else spelling_word
        token_end = hit.start("word") + len(word)
        tokens.append((hit.start(), token_end, name_key(word), spelling, spelling_word, bool(particle),
                       word.islower()))
    return tuple(tokens)


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


#: one token of a name run before it becomes a ``_Token``: (offset of its name, the cached token tuple)
_RawToken = tuple[int, tuple[Any, ...]]


def _raw_runs(text: str) -> list[list[_RawToken]]:
    """Runs of name tokens as cached tuples; capitalised function words ("The", "In") split a run."""
    runs: list[list[_RawToken]] = []
    for hit in _NAME.finditer(text):
        start = hit.start()
        before = text[start - 1] if start else ""
        # after a space only "al"/"el" can be a particle: most names (after a space) skip the search
        if before and before in " -‐" and (
                before != " " or text[max(0, start - 3) : start - 1].lower() in _SPACED_PARTICLES):
            window = max(0, start - 5)
            particle = _LEADING_PARTICLE.search(text[window:start])
            if particle:
                start = window + particle.start(1)
        run: list[_RawToken] = []
        for token in _name_tokens(text[start : hit.end()]):
            if token[4] in _NOT_NAMES and not token[5]:  # (start, end, key, spelling, bare, particle, connector)
                if run:
                    runs.append(run)
                run = []
            else:
                run.append((start, token))
        if run:
            runs.append(run)
    return runs


def _materialise(text: str, run: list[_RawToken]) -> list[_Token]:
    return [_Token(base + rel_start, base + rel_end, text[base + rel_start : base + rel_end], *rest)
            for base, (rel_start, rel_end, *rest) in run]


def _name_runs(text: str) -> list[list[_Token]]:
    """Runs of name tokens; capitalised function words ("The", "In") split a run rather than belong to it."""
    return [_materialise(text, run) for run in _raw_runs(text)]


def _spelling_groups(text: str) -> list[list[_Occurrence]]:
    """Groups of occurrences of one name that is spelled more than one way, longest names first."""
    raw_runs = _raw_runs(text)
    # Two spellings of a name differ in at least one word, so a name can only vary where a word key has
    # two spellings; most documents have none, and then nothing more is built (not even the tokens).
    spellings: dict[str, set[str]] = defaultdict(set)
    for raw_run in raw_runs:
        for _, token in raw_run:
            spellings[token[2]].add(token[3])
    varying = {key for key, forms in spellings.items() if len(forms) > 1}
    if not varying:
        return []
    runs = [_materialise(text, raw_run) for raw_run in raw_runs]
    lower_words = {w.strip(_PUNCTUATION) for w in text.split() if w[:1].islower()}
    units: dict[tuple[str, ...], list[_Occurrence]] = defaultdict(list)
    for run_index, run in enumerate(runs):
        if not any(token.key in varying for token in run):
            continue
        for i in range(len(run)):
            for j in range(i + 1, min(len(run), i + MAX_NAME_TOKENS) + 1):
                part = run[i:j]
                if part[0].connector or part[-1].connector:
                    continue
                key = tuple(t.key for t in part)
                if len("".join(key)) < 4 or not any(k in varying for k in key):
                    continue
                if len(part) == 1 and (part[0].bare in lower_words or part[0].text.isupper()):
                    continue  # a capitalised ordinary word ("Then") or an acronym
                units[key].append(
                    _Occurrence(part[0].start, part[-1].end, text[part[0].start : part[-1].end],
                                " ".join(t.spelling for t in part), " ".join(t.bare for t in part),
                                tuple(t.particle for t in part), run_index, i, j)
                )
    groups: list[list[_Occurrence]] = []
    for _key, occurrences in sorted(units.items(), key=lambda item: -len(item[0])):
        variants = _true_variants(occurrences)
        if variants:
            groups.append(variants)
    return groups


def _true_variants(occurrences: list[_Occurrence]) -> list[_Occurrence]:
    """The occurrences whose spelling differs from another's by more than a particle left out."""
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
            keep.update((a.spelling, b.spelling))
    return [o for o in occurrences if o.spelling in keep]


def _location(document: Any, start: int, end: int, text: str) -> dict[str, Any]:
    src_start, _ = document.source_span(start, end)
    line, column = document.position(src_start)
    return {"line": line, "column": column, "text": text}


def spelling_matches(document: Any) -> Iterable[Match]:
    """One match at each occurrence of each variant spelling of a name."""
    covered: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for group in _spelling_groups(document.text):
        fresh = [o for o in group if not any(i <= o.first and o.last <= j for i, j in covered.get(o.run, ()))]
        if len({o.spelling for o in fresh}) < 2:
            continue
        counts = Counter(o.spelling for o in fresh)
        first_seen = {o.spelling: i for i, o in reversed(list(enumerate(fresh)))}
        preferred_spelling = max(counts, key=lambda s: (counts[s], -first_seen[s]))
        preferred = next(o.text for o in fresh if o.spelling == preferred_spelling)
        locations = [_location(document, o.start, o.end, o.text) for o in fresh]
        others_of: dict[str, str] = {}
        for occurrence in fresh:
            covered[occurrence.run].append((occurrence.first, occurrence.last))
            if occurrence.spelling not in others_of:
                others_of[occurrence.spelling] = _describe_others(
                    [(loc, o) for loc, o in zip(locations, fresh, strict=True) if o.spelling != occurrence.spelling]
                )
            others = others_of[occurrence.spelling]
            yield Match(
                occurrence.start,
                occurrence.end,
                data={"check": "spelling", "name": preferred, "variants": sorted({o.text for o in fresh}),
                      "locations": locations, "suggestion": preferred, "others": others},
                suggestion=preferred if occurrence.spelling != preferred_spelling else None,
            )


def _describe_others(pairs: list[tuple[dict[str, Any], _Occurrence]]) -> str:
    lines: dict[str, list[int]] = defaultdict(list)
    for location, occurrence in pairs:
        lines[occurrence.text].append(location["line"])
    parts = []
    for text, numbers in lines.items():
        label = "line" if len(numbers) == 1 else "lines"
        parts.append(f"'{text}' ({label} {', '.join(str(n) for n in sorted(set(numbers)))})")
    return ", ".join(parts)


GENERIC_NOUNS = frozenset({"person", "dead", "victim", "casualty", "fatality", "life", "body", "death", "killed"})


def _overlap(a: Quantity, b: Quantity) -> bool:
    low = max(x for x in (a.low, b.low, float("-inf")) if x is not None)
    high = min(x for x in (a.high, b.high, float("inf")) if x is not None)
    return low <= high


def _generic(quantity: Quantity) -> bool:
    return quantity.noun is None or quantity.noun in GENERIC_NOUNS


def figures_conflict(a: Quantity, b: Quantity) -> bool:
    """Can these two counts of the same event not both be true?"""
    if a.event is None or a.event != b.event or a.unit != "count" or b.unit != "count":
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
_OTHER_COUNT = regex.compile(
    r"\b(?:last|previous|past)\s+(?:year|month|decade)s?\b|\b(?:in|since|during|by)\s+(?:19|20)\d\d\b|"
    r"\b(?:another|similar|previous|separate|earlier)\s+(?:\w+\s+)?(?:attack|incident|bombing|strike|raid|"
    r"clash|crash|blast|explosion|disaster|quake|earthquake|storm|flood|fire|shooting)s?\b|"
    r"\bso\s+far\s+this\s+year\b|\bthis\s+year\b|\bin\s+total\b|\baltogether\b|\ba\s+total\s+of\b|"
    r"\boverall\b|\bcumulative\b|\bsince\s+the\s+(?:war|conflict|uprising|fighting|outbreak|start)\b",
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
    text = document.text
    by_signature: dict[tuple[Any, ...], list[Quantity]] = defaultdict(list)
    for quantity in scan(document):
        if quantity.event and quantity.unit == "count" and not _other_count(document, quantity):
            by_signature[_signature(quantity)].append(quantity)
    signatures = list(by_signature)
    rivals_of: dict[tuple[Any, ...], list[tuple[Any, ...]]] = defaultdict(list)
    for index, first in enumerate(signatures):
        for second in signatures[index + 1 :]:
            if figures_conflict(by_signature[first][0], by_signature[second][0]):
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
            if others:
                found.append((quantity, others))
    for quantity, others in sorted(found, key=lambda pair: pair[0].start):
        yield _figure_match(document, text, quantity, others)


def _figure_match(document: Any, text: str, quantity: Quantity, rivals: list[Quantity]) -> Match:
    conflicts = []
    for other in rivals[:MAX_LISTED]:
        location = _location(document, other.start, other.end, text[other.start : other.end])
        location["interval"] = other.interval_text()
        conflicts.append(location)
    others = ", ".join(f"'{c['text']}' (line {c['line']}: {c['interval']})" for c in conflicts)
    if len(rivals) > MAX_LISTED:
        others += f" and {len(rivals) - MAX_LISTED} more"
    return Match(
        quantity.start,
        quantity.end,
        data={"check": "figures", "event": quantity.event, "noun": quantity.noun, **_interval(quantity),
              "interval": quantity.interval_text(), "conflicts": conflicts, "conflict_count": len(rivals),
              "others": others},
    )


def _interval(quantity: Quantity) -> dict[str, Any]:
    data = quantity.data()
    return {key: data[key] for key in ("low", "high", "approximate")}


CHECKS = {"spelling": spelling_matches, "figures": figure_matches}


class ConsistencyMatcher(Matcher):
    """Document-level comparisons; ``options.check`` names which one this rule runs."""

    kind = "consistency"
    stage = "document"
    options_schema = {
        "type": "object",
        "additionalProperties": False,
        "required": ["check"],
        "properties": {"check": {"enum": sorted(CHECKS)}},
    }

    def __init__(self, rule: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(rule, **kwargs)
        check = self.options.get("check")
        if check not in CHECKS:
            raise RuleError(f"a consistency rule needs options.check, one of: {', '.join(sorted(CHECKS))}")
        self.check = CHECKS[check]

    def find(self, document, prior: Sequence[Any] = ()) -> Iterable[Match]:
        yield from self.check(document)
