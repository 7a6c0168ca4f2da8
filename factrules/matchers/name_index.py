"""Capitalised names in a document: runs of name tokens, their transliteration keys and spellings.

Shared by the spelling check's two comparisons: whole multi-word names keyed on a normalised form
(transliteration particles such as al-/el-/ez- dropped, diacritics, hyphens, spaces and doubled letters
removed, vowel runs reduced to three classes, so "Zour"/"Zor"/"Zawr" agree), and single words compared
by edit distance.  The document is scanned once; names repeat, so a name's tokens are cached.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from operator import methodcaller
from typing import Any

import regex

from factrules import rxcache

PARTICLES = frozenset("al el ez es as ad ash ar an at az ed er et ul ud un ur ut adh dh".split())
#: longest first (ties alphabetically: equal-length words cannot both match at one place, so the tie order
#: changes no match, and a fixed one gives the same pattern in every process, which ``rxcache`` keys on)
_PARTICLE_ALTERNATION = "|".join(sorted(PARTICLES, key=lambda word: (-len(word), word)))
#: Lower-case words that join the parts of one name ("Mohammed bin Salman", "Ursula von der Leyen").
CONNECTORS = frozenset("bin ibn bint abu abd de da van von der del della la le di du dos das".split())
_CONNECTOR_ALTERNATION = "|".join(sorted(CONNECTORS, key=lambda word: (-len(word), word)))
#: A ``run`` of capitalised name words, and in ``lead`` a particle just before it ("al-" of "al-Assad").  The
#: run starts at a capital, which is what makes the scan fast, so the particle is captured by a look-behind, in
#: the same pass: only a particle that stands alone ("Bashar al-Assad", not the end of "regional-Assad").
#: ``findall`` gives (lead, run) pairs, whose concatenation is the name ``raw_runs`` tokenises.  After a space
#: the run goes on only at a capital or the first letter of a connector or particle (``[abdeiluv]``; the
#: particles' upper-case forms are capitals): most names are followed by a lower-case word, and the guard
#: spares trying forty connectors and particles on it.
_NAME = rxcache.compile(
    r"""
    (?<![\p{L}\p{M}\p{N}'’])
    (?:(?<=(?:^|[^\p{L}\p{M}\p{N}'’-])(?P<lead>(?i:al|el)[\ \-‐]|(?i:""" + _PARTICLE_ALTERNATION + r""")[-‐])))?
    (?P<run>\p{Lu}[\p{L}\p{M}'’]*(?:-\p{L}[\p{L}\p{M}]*)*
    (?:(?:[\ ]+|[\ ]*\n[\ ]*)(?=[\p{Lu}abdeiluv])(?:(?:""" + _CONNECTOR_ALTERNATION + r""")(?:[\ ]+|[\ ]*\n[\ ]*))?
       (?:(?i:al|el)[\ \-‐]|(?i:""" + _PARTICLE_ALTERNATION + r""")[-‐])?
       \p{Lu}[\p{L}\p{M}'’]*(?:-\p{L}[\p{L}\p{M}]*)*)*
    (?![\p{L}\p{M}]))
    """,
    regex.VERBOSE,
)
#: ``_NAME`` for ASCII text, in ``re``: the same runs and particles, twice as fast on wire copy.  In
#: ASCII ``\p{Lu}`` is ``[A-Z]``, ``\p{L}`` ``[A-Za-z]``, ``\p{N}`` ``[0-9]`` and ``\p{M}`` nothing.  The pattern
#: starts at its capital (``re`` then skips to the next capital in C) and checks the character before it from
#: there; ``re`` looks behind only a fixed width, so the particle is found by two look-behinds, one per width
#: (``lead``: "al-", "el ", "ez-"; ``lead4``: "adh-", "ash-"), each first asking cheaply for a word of that
#: length before the capital; the optional parts are branches with an empty last choice, which ``re`` tries
#: without the cost of a repeat.  The hyphenated parts of a word and the words of a run repeat possessively
#: (``*+``, nothing given back): a run ends at the first word that cannot go on, and what follows a whole word
#: is never a letter, so the final ``(?![A-Za-z])`` never sends the match back into one; ``re`` then keeps
#: no backtracking state per word.  ``findall`` gives (run, lead, lead4); ``distinct_names`` joins the leads
#: (at most one is set).  The curly apostrophe and U+2010 HYPHEN stand where ``_NAME`` names them, so text
#: whose only other characters past ASCII are ``TWIN_PUNCTUATION`` (typeset quotes, dashes, currency signs:
#: no letter, mark or digit) is read by the twin too (``_twin_reads``).  A test compares the two patterns'
#: matches on generated text.
_ASCII_LEAD_GUARD = r"(?<=(?<![A-Za-z0-9'’\-])[A-Za-z]{%d}%s[A-Z])"
_ASCII_NAME = rxcache.compile_re(
    r"(?P<run>[A-Z](?<![A-Za-z0-9'’][A-Z])"
    r"(?:" + _ASCII_LEAD_GUARD % (2, r"[\ \-‐]") + r"(?<=(?P<lead>(?i:al|el)[\ \-‐]|(?i:"
    + "|".join(word for word in _PARTICLE_ALTERNATION.split("|") if len(word) == 2) + r")[\-‐])[A-Z])"
    r"|" + _ASCII_LEAD_GUARD % (3, r"[\-‐]") + r"(?<=(?P<lead4>(?i:"
    + "|".join(word for word in _PARTICLE_ALTERNATION.split("|") if len(word) == 3) + r")[\-‐])[A-Z])"
    r"|)"
    r"[A-Za-z'’]*(?:-[A-Za-z][A-Za-z]*)*+"
    r"(?:(?:[\ ]+|[\ ]*\n[\ ]*)(?=[A-Zabdeiluv])(?:(?:" + _CONNECTOR_ALTERNATION + r")(?:[\ ]+|[\ ]*\n[\ ]*)|)"
    r"(?:(?i:al|el)[\ \-‐]|(?i:" + _PARTICLE_ALTERNATION + r")[\-‐]|)"
    r"[A-Z][A-Za-z'’]*(?:-[A-Za-z][A-Za-z]*)*+)*+"
    r"(?![A-Za-z]))"
)
#: characters past ASCII that the twin reads as ``_NAME`` does: none is a letter, mark or digit (a test checks
#: each against ``regex``), and none is the curly apostrophe or U+2010, which the twin names itself
TWIN_PUNCTUATION = "‘“”„‹›«»–—―‑‒…•·′″\u00a0\u2009\u202f\u2007£€¥¢°§¶†‡©®™"
_BEYOND_TWIN = rxcache.compile_re("[^\x00-\x7f’‐" + TWIN_PUNCTUATION + "]")


def _twin_reads(text: str) -> bool:
    """Does the ``re`` twin find in ``text`` what ``_NAME`` finds: ASCII, or past ASCII only what it knows."""
    return text.isascii() or _BEYOND_TWIN.search(text) is None


_TOKEN = rxcache.compile(
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
PUNCTUATION = "\"'“”‘’()[]{},.;:!?-–—"
_POSSESSIVE = rxcache.compile(r"['’]s?$")
_LETTERS = rxcache.compile(r"[^\p{L}]+")
_DOUBLE = rxcache.compile(r"(.)\1+")
_VOWELS = frozenset("aeiou")
MAX_NAME_TOKENS = 4


@dataclass(frozen=True, slots=True)
class NameToken:
    start: int
    end: int
    text: str
    key: str
    spelling: str
    bare: str
    particle: bool
    connector: bool = False
    word: bool = False


#: A single word is compared with others only from this many letters.
MIN_WORD = 4
#: The longer of two words compared by distance must have at least this many letters.
MIN_LONGER = 5
#: Up to this many letters a word may differ by one edit; longer words by two.
SHORT_WORD = 7
_LOWER_TAIL = rxcache.compile(r"-\p{Ll}")


def edit_limit(longer: int) -> int:
    """The edits two words may differ by and still be one name spelled two ways, by the longer's length:
    one rule for the spelling check and the gate that proves it has nothing to find."""
    return 1 if longer <= SHORT_WORD else 2


def comparable_word(word: str) -> bool:
    """Can this word be a name on its own: long enough, not an acronym or a compound ("Miami-based")?"""
    return len(word) >= MIN_WORD and not word.isupper() and not ("-" in word and _LOWER_TAIL.search(word))


@lru_cache(maxsize=16384)
def fold_word(word: str) -> str:
    """Lower case letters without diacritics or punctuation: what two spellings are measured on."""
    return _ascii_letters(word) if word.isascii() else _fold_unicode(word)


def _fold_unicode(word: str) -> str:
    """``fold_word`` of any word: decomposed, combining marks and whatever is not a letter dropped."""
    decomposed = unicodedata.normalize("NFKD", word)
    return _LETTERS.sub("", "".join(c for c in decomposed if not unicodedata.combining(c))).lower()


@lru_cache(maxsize=8192)
def name_key(word: str) -> str:
    """The normalised form of one name word: what every transliteration of it has in common."""
    letters = _DOUBLE.sub(r"\1", _ascii_letters(word) if word.isascii() else _letters(word))
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


def _letters(word: str) -> str:
    """The lower-case letters of a word, diacritics dropped: any word."""
    decomposed = unicodedata.normalize("NFKD", word)
    letters = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    return "".join(c for c in letters if c.isalpha())


def _ascii_letters(word: str) -> str:
    """``_letters`` of an ASCII word, which has no diacritics to decompose: most words, a first pass's cost."""
    lowered = word.lower()
    return lowered if lowered.isalpha() else "".join(filter(str.isalpha, lowered))


def _vowel_class(run: str) -> str:
    if any(c in run for c in "ouw"):
        return "U"
    if any(c in run for c in "iy") or len(run) > 1:
        return "I"
    return "A"


def without_possessive(word: str) -> str:
    """``word`` without a final apostrophe or "'s" (``_POSSESSIVE``), by string tests: no regex call per token."""
    if word[-1:] in _APOSTROPHES:
        return word[:-1]
    if word[-2:-1] in _APOSTROPHES and word[-1] == "s":
        return word[:-2]
    return word


_APOSTROPHES = ("'", "’")


@lru_cache(maxsize=16384)
def _name_tokens(name: str) -> tuple[tuple[Any, ...], ...]:
    """The tokens of one name as (start, end, key, spelling, bare, particle, connector, word); cached.

    ``word`` says whether the token may be compared on its own (``comparable_word``); names repeat, so
    this and the key are worked out once per distinct name.
    """
    plain = _plain_tokens(name)
    if plain is not None:
        return plain
    tokens = []
    for hit in _TOKEN.finditer(name):
        word = without_possessive(hit.group("word"))
        if not word:
            continue
        particle = hit.group("particle")
        sep = hit.group("sep") or ""
        spelling_word = unicodedata.normalize("NFC", word).lower()
        spelling = f"{particle.lower()}{'-' if sep in '-‐' else ' '}{spelling_word}" if particle else spelling_word
        token_end = hit.start("word") + len(word)
        connector = word.islower()
        tokens.append((hit.start(), token_end, name_key(word), spelling, spelling_word, bool(particle),
                       connector, not connector and comparable_word(word)))
    return tuple(tokens)


def _plain_tokens(name: str) -> tuple[tuple[Any, ...], ...] | None:
    """``_name_tokens`` of a plain name, by splitting it: ASCII capitalised words of letters, apart by spaces.

    Most names are plain ("Federal Reserve", "Reuters"), and for them ``_TOKEN`` finds each word whole,
    with no particle, connector or possessive to tell apart; None for any other name (hyphens, apostrophes,
    lower-case words, "Al"/"El", which may be particles, or any other character).
    """
    if not name.isascii():
        return None
    words = name.split()
    if not "".join(words).isalpha() or len(name) - name.count(" ") - name.count("\n") != sum(map(len, words)):
        return None
    tokens = []
    at = 0
    for word in words:
        if not word[0].isupper() or word.lower() in _SPACED_PARTICLES:
            return None
        start = name.index(word, at)
        at = start + len(word)
        spelling = word.lower()
        tokens.append((start, at, name_key(word), spelling, spelling, False, False, comparable_word(word)))
    return tuple(tokens)


_SPACED_PARTICLES = frozenset(("al", "el"))


#: From this many characters ``distinct_names`` collects names as it finds them rather than from a list of every
#: hit (a million tuples for a 50 MB draft).
STREAM_NAMES_FROM = 1 << 18
_GROUPS = methodcaller("groups", "")

#: one token of a name run before it becomes a ``NameToken``: (offset of its name, the cached token tuple)
RawToken = tuple[int, tuple[Any, ...]]


def name_spans(text: str) -> Iterator[tuple[int, int]]:
    """(start, end) of each name ``_NAME`` finds, from its leading particle when it has one; ASCII text is
    read with the ``re`` twin (``_ASCII_NAME``) where it can, whose particle is one of two groups."""
    if _twin_reads(text):
        for hit in _ASCII_NAME.finditer(text):
            start = hit.start(2)  # "lead", or -1
            if start < 0:
                start = hit.start(3)  # "lead4", or -1
            yield (start if start >= 0 else hit.start()), hit.end()
        return
    for hit in _NAME.finditer(text):
        start = hit.start(1)  # the leading particle's, or -1 with none
        yield (start if start >= 0 else hit.start()), hit.end()


def raw_runs(text: str) -> list[list[RawToken]]:
    """Runs of name tokens as cached tuples; capitalised function words ("The", "In") split a run."""
    runs: list[list[RawToken]] = []
    for start, end in name_spans(text):
        run: list[RawToken] = []
        for token in _name_tokens(text[start:end]):
            if token[4] in _NOT_NAMES and not token[5]:  # (start, end, key, spelling, bare, particle, connector)
                if run:
                    runs.append(run)
                run = []
            else:
                run.append((start, token))
        if run:
            runs.append(run)
    return runs


def distinct_names(text: str) -> set[tuple[str, str]]:
    """The document's distinct names as (leading particle, run) pairs: one pass in C, without positions.

    ``lead + run`` is the name ``raw_runs`` tokenises at each place the pair occurs.
    """
    if _twin_reads(text):  # most copy: the ``re`` twin, whose hits are (run, lead, lead4)
        hits = set(_ASCII_NAME.findall(text)) if len(text) < STREAM_NAMES_FROM else \
            set(map(_GROUPS, _ASCII_NAME.finditer(text)))
        return {(lead or lead4, run) for run, lead, lead4 in hits}
    if len(text) < STREAM_NAMES_FROM:
        return set(_NAME.findall(text))  # one call: the quickest for a story
    return set(map(_GROUPS, _NAME.finditer(text)))  # a huge draft: no list of every hit


def name_runs(name: str) -> list[list[tuple[Any, ...]]]:
    """The runs ``raw_runs`` makes of one name, as token tuples: split at capitalised function words."""
    runs: list[list[tuple[Any, ...]]] = []
    run: list[tuple[Any, ...]] = []
    for token in _name_tokens(name):
        if token[4] in _NOT_NAMES and not token[5]:
            if run:
                runs.append(run)
            run = []
        else:
            run.append(token)
    if run:
        runs.append(run)
    return runs


def materialise(text: str, run: list[RawToken]) -> list[NameToken]:
    """The tokens of one raw run as ``NameToken``s with document offsets and text."""
    return [NameToken(base + rel_start, base + rel_end, text[base + rel_start : base + rel_end], *rest)
            for base, (rel_start, rel_end, *rest) in run]
