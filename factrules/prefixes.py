"""The literal words every match of a regex must begin with, read from the pattern itself.

A house style guide is thousands of pattern rules, and a pattern rule with no
``prefilter`` used to be one more pass of the ``regex`` module over the whole
text.  Most such patterns begin with a word (``\\bspokes(?:man|woman)\\b``,
``(?:officials|sources)\\s+said``): every match starts where one of a few
literal words starts.  ``literal_starts`` finds those words; one pass over
the text for the words of all rules (``keywords.WordStarts``) gives the
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

The words go on past the first as far as they are literal: whitespace
(``\\s+``, ``\\s``, a space) is one space, as in the spaced text the words
are searched in (``keywords.Spaced``: every run of whitespace one space), and
an optional group (``(?:s|ed)?``) gives the words with and without it.  So
``\\brise(?:s|n)?\\s+(?:sharply|steeply)`` is tried only where "rise sharply",
"rises steeply", ... stand, not wherever "rise" does.  Only plain ASCII goes
into the words (letters, digits, punctuation), where lower-casing and the
``regex`` module's case-insensitive matching agree.
"""

from __future__ import annotations

import re
import string
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
#: what the regex module's ``\s`` matches: a run of them is one space in the spaced text (``keywords.Spaced``)
_SPACES = frozenset("\t\n\x0b\x0c\r \x85\xa0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
                    "\u2028\u2029\u202f\u205f\u3000")
#: characters a searched prefix may hold: ASCII, where ``fold`` and the regex's case-insensitive match agree
_PLAIN = frozenset(string.ascii_letters + string.digits + string.punctuation + " ")


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
        if len(_leading_word(start)) < MIN_WORD:
            return None
        words.add(_plain_prefix(start))
    return tuple(sorted(words)) if words and len(words) <= MAX_ALTERNATIVES else None


def _plain_prefix(text: str) -> str:
    """``text`` lower-cased, up to its first character that is not plain ASCII (``_PLAIN``)."""
    end = 0
    while end < len(text) and text[end] in _PLAIN:
        end += 1
    return text[:end].lower()


def _is_space(op, value) -> bool:  # noqa: ANN001 - the parser's own item types
    """Whether the item matches one whitespace character and nothing else (a space, ``\\s``, ``[ \\t]``)."""
    if op is sre.LITERAL:
        return chr(value) in _SPACES
    if op is sre.IN:
        return bool(value) and all(
            (kind is sre.LITERAL and chr(item) in _SPACES) or (kind is sre.CATEGORY and item is sre.CATEGORY_SPACE)
            for kind, item in value)
    return False


def _is_space_run(op, value) -> bool:  # noqa: ANN001
    """Whether the item is whitespace, one or more characters of it (``\\s+``, ``\\s{1,3}``, ``\\s``, a space)."""
    if _is_space(op, value):
        return True
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, _high, body = value
        body = list(body)
        return low >= 1 and len(body) == 1 and _is_space(*body[0])
    return False


def _optional(op, value) -> list | None:  # noqa: ANN001
    """The body of an optional item (``X?``) that ``_sequence`` reads whole, else None."""
    if op in (sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT):
        low, high, body = value
        body = list(body)
        if low == 0 and high == 1 and _complete(body):
            return body
    return None


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
        if _is_space_run(op, value):
            if not all(prefixes):
                return None  # whitespace before any letter: not a word start
            # any run of whitespace, however long, is one space in the spaced text
            prefixes = tuple(p if p.endswith(" ") else p + " " for p in prefixes)
            continue
        optional = _optional(op, value)
        if optional is not None:
            inner = _sequence(optional, prefixes)
            if inner is None:
                return _stop(prefixes)
            combined_set = tuple(dict.fromkeys((*prefixes, *inner)))
            if len(combined_set) > MAX_ALTERNATIVES:
                return _stop(prefixes)
            prefixes = combined_set
            continue
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
        if _is_space_run(op, value) or _optional(op, value) is not None:
            continue
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
