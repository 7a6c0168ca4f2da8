"""Numbers written in words and digits: the regex pieces that find them and the parser that values them.

The ``number`` matcher builds its single document-wide regex from these
pieces, then values only the few spans it found, so the parsing here runs
per match, never per token of the text.  Spelled-out numbers in news copy are
short ("Fifteen", "two hundred and fifty", "half a million", "a dozen"), so a
small hand-written parser is enough; a library for arbitrary number words
would cost an import and still not give spans.
"""

from __future__ import annotations

import regex

from factrules import rxcache

UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8,
    "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15,
    "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19,
}
TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
SCALES = {"hundred": 100, "thousand": 1_000, "million": 1_000_000, "billion": 1_000_000_000,
          "trillion": 1_000_000_000_000}
#: Abbreviated scales, only after a currency sign ("$5bn", "£3m") where they cannot be metres.
SHORT_SCALES = {"k": 1_000, "m": 1_000_000, "mn": 1_000_000, "bn": 1_000_000_000, "tn": 1_000_000_000_000,
                "mln": 1_000_000, "bln": 1_000_000_000}
#: Abbreviations that mean a scale wherever they follow digits: "25bn rupees", "50 mln dlrs" (wire copy
#: writes "mln" and "billion" as words of their own).  "m" and "k" are not here: "30m" may be metres.
SCALE_ABBREVIATIONS = ("mln", "bln", "bn", "mn", "tn")
#: Currency names after an "m" that make it millions, not metres: "30m euros".
CURRENCY_NAMES = r"(?:euros?|dollars?|dlrs|pounds?|rupees?|yen|yuan|francs?|marks|rand|roubles?|rubles?|pesos?)"


def _alternation(words) -> str:
    return "|".join(sorted(words, key=len, reverse=True))


_DIGIT_WORDS = _alternation(k for k in UNITS if 0 < UNITS[k] < 10)
_SMALL = rf"(?:(?:{_alternation(TENS)})(?:[-\s](?:{_DIGIT_WORDS}))?|{_alternation(UNITS)})"
_SCALE = rf"(?:{_alternation(SCALES)}|dozen)"
#: A number in words: "fifteen", "twenty-five", "two hundred and fifty thousand", "a dozen", "half a million".
WORD_NUMBER = (
    rf"(?:(?:half\s+)?an?\s+{_SCALE}|{_SMALL})"
    rf"(?:(?:(?<=(?:hundred|thousand|million|billion))\s+and\s+|[\s-]+)(?:{_SMALL}|{_SCALE})(?![\p{{L}}-]))*"
)
#: A number in digits, with thousands separators and a decimal part: "1,500", "2.3", "100".
DIGIT_NUMBER = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)"
_DIGIT_END = r"(?![\d\p{L}]|[.,:/]\d)"
CURRENCY = r"(?:(?:US|A|C|NZ|HK|S)?[$£€¥₹₽]\s?)"
#: Either form, a currency sign before and scale words ("2.3 million") after.
#: After the digits: the usual end first, and only before a letter the suffixes (a scale after a currency sign,
#: a wire abbreviation, pence): trying those first at every figure cost a tenth of the number scan.
NUMBER = (
    rf"(?:{CURRENCY}?{DIGIT_NUMBER}(?:{_DIGIT_END}|(?=\p{{L}})(?:(?<={CURRENCY}[\d.,]+)(?:{_alternation(SHORT_SCALES)})"
    rf"(?!\p{{L}})|(?:{_alternation(SCALE_ABBREVIATIONS)}|m(?=\s+{CURRENCY_NAMES}\b))(?!\p{{L}})"
    rf"|p(?![\d\p{{L}}]|\.\p{{L}})))"
    rf"(?:\s+(?:{_alternation([*SCALES, *SCALE_ABBREVIATIONS])})(?![\p{{L}}-]))*"
    rf"|{CURRENCY}?{WORD_NUMBER}(?![\p{{L}}-])(?:\s+(?:{_alternation(SCALE_ABBREVIATIONS)})(?![\p{{L}}-]))?)"
)

#: ``regex``'s ``\s`` and ``\p{L}`` over ASCII text, for the standard library's ``re``
ASCII_SPACE = r"[\t\n\v\f\r ]"
ASCII_LETTER = "a-zA-Z"


def _ascii_number() -> str:
    r"""``NUMBER`` in ``re``'s dialect for lower-cased ASCII text with no currency sign.

    There a currency prefix never matches (nor the scales only a currency sign allows), ``\s`` is the six
    ASCII spaces, ``\p{L}`` and ``\p{N}`` are ASCII letters and digits, and a look-behind of several
    widths is one per width; the rest is ``NUMBER`` piece by piece, in the same order.  A test matches the
    two against each other on generated text.
    """
    space, letter = ASCII_SPACE, ASCII_LETTER
    small = rf"(?:(?:{_alternation(TENS)})(?:[\t\n\v\f\r -](?:{_DIGIT_WORDS}))?|{_alternation(UNITS)})"
    after_scale = "(?:" + "|".join(f"(?<={scale})" for scale in ("hundred", "thousand", "million", "billion")) + ")"
    word_number = (
        rf"(?:(?:half{space}+)?an?{space}+{_SCALE}|{small})"
        rf"(?:(?:{after_scale}{space}+and{space}+|[\t\n\v\f\r -]+)(?:{small}|{_SCALE})(?![{letter}-]))*"
    )
    digits = DIGIT_NUMBER.replace(r"\d", "[0-9]")
    return (
        rf"(?:{digits}(?:(?![0-9{letter}]|[.,:/][0-9])|(?=[{letter}])(?:"
        rf"(?:{_alternation(SCALE_ABBREVIATIONS)}|m(?={space}+{CURRENCY_NAMES}\b))(?![{letter}])"
        rf"|p(?![0-9{letter}]|\.[{letter}])))"
        rf"(?:{space}+(?:{_alternation([*SCALES, *SCALE_ABBREVIATIONS])})(?![{letter}-]))*"
        rf"|{word_number}(?![{letter}-])(?:{space}+(?:{_alternation(SCALE_ABBREVIATIONS)})(?![{letter}-]))?)"
    )


ASCII_NUMBER = _ascii_number()

_TOKEN = rxcache.compile(r"[\p{L}]+|\d[\d,]*(?:\.\d+)?|[$£€¥₹₽]", regex.IGNORECASE)


#: text -> value: the same figures ("40", "two", "hundreds") recur all through a corpus
_PARSED: dict[str, float | None] = {}


def parse_number(text: str) -> float | None:
    """The value of a number as ``NUMBER`` matches it; ``None`` when it is not one.

    ``"2.3 million"`` -> 2300000, ``"two hundred and fifty"`` -> 250,
    ``"half a dozen"`` -> 6, ``"$5bn"`` -> 5e9.
    """
    if text in _PARSED:
        return _PARSED[text]
    value = _parse_number(text)
    if len(_PARSED) < 100_000:
        _PARSED[text] = value
    return value


def _parse_number(text: str) -> float | None:
    total = 0.0
    current = 0.0
    seen = False
    half = False
    for token in _TOKEN.findall(text.lower()):
        if token[0].isdigit():
            current += float(token.replace(",", ""))
            seen = True
        elif token in UNITS:
            current += UNITS[token]
            seen = True
        elif token in TENS:
            current += TENS[token]
            seen = True
        elif token == "dozen":
            current = (current or 1) * 12
            seen = True
        elif token == "hundred":
            current = (current or 1) * 100
            seen = True
        elif token in SCALES or token in SHORT_SCALES:
            scale = SCALES.get(token) or SHORT_SCALES[token]
            total += (current or 1) * scale
            current = 0.0
            seen = True
        elif token == "half":
            half = True
        # "a", "an", "and" and currency signs carry no value of their own
    if not seen:
        return None
    value = total + current
    return value / 2 if half else value


def as_number(value: float) -> int | float:
    """An int when the value is whole, so JSON shows 100, not 100.0."""
    return int(value) if float(value).is_integer() else round(value, 6)
