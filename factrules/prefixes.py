"""The literal words every match of a regex must begin with, read from the pattern itself.

A house style guide is thousands of pattern rules, and a pattern rule with no
``prefilter`` used to be one more pass of the ``regex`` module over the whole
text.  Most such patterns begin with a word (``\\bspokes(?:man|woman)\\b``,
``(?:officials|sources)\\s+said``): every match starts where one of a few
literal words starts.  ``literal_starts`` finds those words; one pass over
the text for the words of all rules (``keywords.StartIndex``) gives the
places, and the exact pattern is then tried only there
(``matchers.pattern``), which finds exactly the matches a full scan finds:
every match starts at a candidate, and ``finditer`` takes, from where the
last match ended, the leftmost place the pattern matches.

Conservative by construction: any construct not understood, any flag that
changes what a letter matches (full case folding, reverse search), any start
anchor, a first word shorter than ``MIN_WORD``, or more than
``MAX_ALTERNATIVES`` words, and the pattern is not eligible (``None``): it is
scanned whole, as before.  The pattern is read with Python's own ``re``
parser; syntax only the ``regex`` module has (``\\p{..}``, fuzzy matching,
named lists, ``\\K``, ...) either fails to parse there or is refused by a
textual check below, and then the pattern is scanned whole.
"""

from __future__ import annotations

import re
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]

import regex

from factrules import rxcache

#: a first word shorter than this is too common to be worth a candidate (it would be most of the text)
MIN_WORD = 3
#: more first words than this, and the pattern is scanned whole
MAX_ALTERNATIVES = 64
#: flags under which a letter of the pattern may match something other than its own upper or lower case
_UNSAFE_FLAGS = (regex.FULLCASE | regex.REVERSE | regex.V1 | regex.WORD | regex.BESTMATCH | regex.ENHANCEMATCH
                 | regex.POSIX)
#: regex-only syntax that Python's parser would read differently: fuzzy constraints (``{e<=1}``, ``{e}``: any
#: brace holding a letter), named lists, \K, inline flag groups that can switch on full case folding,
#: version 1, reverse or POSIX matching
_REGEX_ONLY = rxcache.compile(r"\{[^}]*[a-zA-Z]|\\L<|\\K|\(\?[a-zA-Z\-^]*[fVrwbep]")
_TRANSLATE = {"’": "'"}


def literal_starts(pattern: regex.Pattern[str]) -> tuple[str, ...] | None:
    """Lower-case ASCII words one of which every match of ``pattern`` begins with, or None when unknown."""
    source = pattern.pattern
    if not isinstance(source, str) or pattern.flags & _UNSAFE_FLAGS or _REGEX_ONLY.search(source):
        return None
    flags = 0
    for name in ("IGNORECASE", "MULTILINE", "DOTALL", "VERBOSE"):
        if pattern.flags & getattr(regex, name):
            flags |= getattr(re, name)
    try:
        parsed = sre_parse.parse(source, flags)
    except Exception:  # regex-module syntax Python's parser does not know: scan the whole text
        return None
    starts = _sequence(list(parsed), ("",))
    if starts is None:
        return None
    words = set()
    for start in starts:
        word = _leading_word(start)
        if len(word) < MIN_WORD:
            return None
        words.add(word)
    return tuple(sorted(words)) if words and len(words) <= MAX_ALTERNATIVES else None


def _leading_word(text: str) -> str:
    """The run of ASCII letters and digits that ``text`` starts with, lower-cased."""
    end = 0
    while end < len(text) and text[end].isascii() and text[end].isalnum():
        end += 1
    return text[:end].lower()


def _sequence(items: list, prefixes: tuple[str, ...]) -> tuple[str, ...] | None:
    """Extend each of ``prefixes`` by the literal text the items must begin with, for as long as it is known.

    Returns None when an item is not understood before any literal is known; once a prefix has letters, an
    item that is not understood just ends it there (the prefix is still what every match starts with).
    """
    for op, value in items:
        if op is sre.AT:
            if value is sre.AT_BOUNDARY and not any(prefixes):
                continue  # \b before the first letter: zero-width, the word still starts there
            return _stop(prefixes)
        if op in (sre.ASSERT, sre.ASSERT_NOT):
            if any(prefixes):
                return prefixes  # a look-around after letters: the letters are still a prefix
            continue  # zero-width look-around before the first letter: the match still starts with what follows
        if op is sre.LITERAL:
            prefixes = tuple(p + _char(value) for p in prefixes)
            continue
        if op is sre.IN:
            chars = _class_chars(value)
            if chars is None or len(prefixes) * len(chars) > MAX_ALTERNATIVES:
                return _stop(prefixes)
            prefixes = tuple(p + c for p in prefixes for c in chars)
            continue
        if op is sre.SUBPATTERN:
            _group, add_flags, del_flags, body = value
            if add_flags or del_flags:
                return _stop(prefixes)
            inner = _sequence(list(body), prefixes)
            if inner is None:
                return None
            if _complete(list(body)):
                prefixes = inner
                continue
            return inner
        if op is sre.BRANCH:
            _, alternatives = value
            combined: list[str] = []
            for alternative in alternatives:
                inner = _sequence(list(alternative), prefixes)
                if inner is None:
                    return _stop(prefixes)
                combined.extend(inner)
                if len(combined) > MAX_ALTERNATIVES:
                    return _stop(prefixes)
            combined_set = tuple(dict.fromkeys(combined))
            if all(_complete(list(a)) for a in alternatives):
                prefixes = combined_set
                continue
            return combined_set
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
            low, _high, body = value
            if low >= 1:
                inner = _sequence(list(body), prefixes)
                return inner if inner is not None else _stop(prefixes)
            return _stop(prefixes)
        return _stop(prefixes)
    return prefixes


def _stop(prefixes: tuple[str, ...]) -> tuple[str, ...] | None:
    """The prefixes so far, if they say anything (all have letters), else None: not eligible."""
    return prefixes if prefixes and all(prefixes) else None


def _complete(items: list) -> bool:
    """Whether ``_sequence`` reads every item of ``items`` through (literals, classes, groups of those)."""
    for op, value in items:
        if op is sre.LITERAL:
            continue
        if op is sre.IN and _class_chars(value) is not None:
            continue
        if op is sre.SUBPATTERN and not value[1] and not value[2] and _complete(list(value[3])):
            continue
        if op is sre.BRANCH and all(_complete(list(a)) for a in value[1]):
            continue
        return False
    return True


def _char(code: int) -> str:
    char = chr(code)
    return _TRANSLATE.get(char, char)


def _class_chars(items: list) -> list[str] | None:
    """The characters of a small class of literal characters (``[Ss]``, ``[’']``), else None."""
    chars: list[str] = []
    for op, value in items:
        if op is sre.LITERAL:
            chars.append(_char(value))
        else:
            return None
    return list(dict.fromkeys(chars)) if 0 < len(chars) <= 4 else None
