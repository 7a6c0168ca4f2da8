"""The ``number`` kind: quantities that are approximate, ranged or vague, with the interval they mean.

One compiled regex finds every candidate quantity of a document in one pass
(digits, number words, approximators, ranges, vague quantities); only the
few spans it finds are then valued and checked against their context, to
drop what is not a count: dates, times, ages, years, ordinals, identifiers
("Flight 17"), phone numbers, durations ("nearly two years") and compound
modifiers ("a 30-year sentence").  The scan is cached per document, so every
number rule, and the consistency matcher, share it.

Each quantity is classified as ``exact``, ``bound`` (as many as, at least),
``approximate`` (about, nearly, 100 or so), ``range`` (between 100 and 200,
100-200), ``vague`` (hundreds, dozens, several) or ``unknown`` (an unknown
number of); a rule's ``options.classes`` says which it reports.  A finding's
``data`` carries ``low``/``high``/``approximate`` (the interval it means),
``kind``, ``unit`` (count, money, percent, fraction), ``noun`` (the head noun it
counts) and ``event`` (killed, wounded, ... when a verb nearby says what
happened to them): the consistency matcher compares counts with these.
"""

from __future__ import annotations

import re
from array import array
from bisect import bisect_left
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import ahocorasick
import regex

from factrules import rxcache
from factrules.acscan import iter_text
from factrules.keywords import holds_any
from factrules.matchers.base import Match, Matcher, MatcherGroup, RuleError
from factrules.numbers_text import (
    ASCII_LETTER,
    ASCII_NUMBER,
    ASCII_SPACE,
    CURRENCY_NAMES,
    NUMBER,
    SCALE_ABBREVIATIONS,
    SCALES,
    SHORT_SCALES,
    TENS,
    as_number,
    parse_number,
)
from factrules.numbers_text import UNITS as UNIT_WORDS

CLASSES = ("exact", "bound", "approximate", "range", "vague", "unknown")
UNITS = ("count", "money", "percent", "fraction")

#: Approximators before a number, by what they do to the interval.
_BEFORE: dict[str, tuple[str, ...]] = {
    "upper": ("as many as", "as much as", "as high as", "up to", "no more than", "not more than", "at most",
              "a maximum of", "fewer than", "less than", "just under", "well under", "below", "under",
              "as long as"),
    "lower": ("at least", "more than", "over", "upwards of", "in excess of", "no fewer than", "no less than",
              "not less than", "a minimum of", "well over", "just over", "north of", "greater than", "as few as",
              "as little as", "well above", "more than just", "above", "as low as"),
    "about": ("about", "around", "roughly", "approximately", "approx.", "some", "an estimated", "estimated",
              "circa", "an approximate", "about some", "perhaps"),
    "near": ("nearly", "almost", "close to", "just shy of", "approaching", "nearing", "the best part of"),
}
_BEFORE_KIND = {phrase: kind for kind, phrases in _BEFORE.items() for phrase in phrases}
#: Approximators after a number.
_AFTER_KIND = {"or so": "about", "or thereabouts": "about", "odd": "about", "or more": "lower", "plus": "lower",
               "+": "lower", "or fewer": "upper", "or less": "upper", "at most": "upper", "at least": "lower"}

_VAGUE: list[tuple[str, str]] = [
    # (name, regex source); intervals are in _VAGUE_INTERVAL, computed in _vague()
    ("unknown", r"an?\s+(?:unknown|undisclosed|unspecified|uncertain|untold|unconfirmed|indeterminate|unclear|"
                r"undetermined|unnamed)\s+number\s+of"),
    ("number-of", r"a\s+(?:(?:large|significant|growing|great|huge|substantial|considerable|small|good|"
                  r"fair|sizeable|sizable)\s+)?number\s+of"),
    ("tens-of-scale", r"(?:tens|hundreds)\s+of\s+(?:thousands|millions|billions)"),
    ("few-scale", r"(?:several|a\s+few|a\s+couple\s+of|many|some)\s+(?:hundred|thousand|million|billion)"),
    ("plural-scale", r"(?:dozens|hundreds|thousands|millions|billions)(?:\s+(?:upon|and)\s+"
                     r"(?:dozens|hundreds|thousands|millions|billions))?"),
    ("tens-of", r"(?:tens|scores)\s+of"),
    ("handful", r"a\s+(?:handful|clutch|smattering|sprinkling)\s+of"),
    ("multi-scale", r"multi-?(?:million|billion|trillion)"),
    ("couple", r"a\s+couple\s+of"),
    ("few", r"a\s+few"),
    ("several", r"several"),
    ("many", r"numerous|countless|untold|multiple"),
]
_VAGUE_REGEX = [(name, rxcache.compile(source, regex.IGNORECASE)) for name, source in _VAGUE]
#: Vague determiners that only count when a noun (or a verb: "several were hurt") follows.
_WEAK_VAGUE = frozenset({"number-of", "couple", "few", "several", "many"})
#: Of those, the ones with no number word in them ("several", "numerous", "a few"): they state no figure, so
#: they count only for casualties and the like, where any count is a claim to check ("numerous fighters were
#: killed"), never for "several ministers" or "numerous engagements".
_NEEDS_EVENT = frozenset({"number-of", "couple", "few", "several", "many"})
_PLURAL_SCALE = {"dozens": (24, 99), "hundreds": (200, 999), "thousands": (2_000, 9_999),
                 "millions": (2_000_000, 999_999_999), "billions": (2_000_000_000, 999_999_999_999)}

_PRE = "|".join(regex.escape(p).replace(r"\ ", r"\s+") for p in sorted(_BEFORE_KIND, key=len, reverse=True))
_POST = r"or\s+so|or\s+thereabouts|or\s+more|or\s+fewer|or\s+less|[-\s]odd|-?plus|\+"
_VAGUE_SOURCE = "|".join(source for _, source in _VAGUE)
#: Shares of a whole: "half", "a third", "two-thirds".  Only an approximator before one makes a finding
#: ("nearly half", "more than a third"); "half a million" and "a quarter of a million" are numbers.
FRACTIONS = {"half": 2, "halves": 2, "third": 3, "thirds": 3, "quarter": 4, "quarters": 4, "fifth": 5, "fifths": 5,
             "tenth": 10, "tenths": 10}
_FRACTION = (
    r"(?:(?:two|three|four|nine)(?:-|\s+(?=\p{L}+\s+of\b))(?:thirds|quarters|fifths|tenths)"
    r"|(?:(?:an?|one)[\s-]+)?(?:half|third|quarter|fifth|tenth))"
    r"(?!\s+(?:an?\s+|of\s+an?\s+)?(?:hundred|thousand|million|billion|dozen)\b)"
)
#: "less than a month", "as long as a year": "a" is one of a unit of time, after an approximator only.
_A_UNIT = r"(?:years?|months?|weeks?|days?|decades?|hours?|fortnights?|centur(?:y|ies))"
_A_UNIT_WORDS = tuple(f"{article} {unit}" for article in ("a", "an") for unit in
                      ("year", "month", "week", "day", "decade", "hour", "fortnight", "century"))
#: A unit between the two ends of a range: "2.10 dlrs to 2.25 dlrs", "5% to 6%"; the same unit must follow
#: the second end.
_RANGE_UNIT = r"%|pct|percent|dlrs?|dollars?|cts|cents|pence|euros?|pounds|stg|yen|marks|francs|rupees"

#: The look-behind of ``SCAN`` (and ``_BARE_NUMBER``): it keeps "F-16", "COVID-19", "MH17", "#3" and "1.5.2" out.
_SCAN_LOOK_BEHIND = r"(?<![\p{L}\p{N}_/#@+$£€¥]|[\p{L}\p{N}][-–]|\d[.,:])"
#: The one pass: an optional approximator, then a range, a vague quantity or a number, then an optional
#: approximator after it.
SCAN = rxcache.compile(
    rf"""
    {_SCAN_LOOK_BEHIND}
    (?:(?P<pre>{_PRE})\s+)?
    (?:
        (?P<between>between|from|in\s+(?:the|a)\s+range\s+of)\s+(?P<lo1>{NUMBER})(?:\s*(?P<lu1>{_RANGE_UNIT}))?
          \s+(?:and|to)\s+(?P<hi1>{NUMBER})(?(lu1)(?=\s*(?P=lu1)(?!\p{{L}})))
      | (?P<lo2>{NUMBER})(?:\s*(?P<lu2>{_RANGE_UNIT})(?=\s+to\s))?
          (?:\s*[-–—]\s*|\s+(?:to|or)\s+)(?P<hi2>{NUMBER})(?![-–./]\d)(?(lu2)(?=\s*(?P=lu2)(?!\p{{L}})))
      | (?P<vague>{_VAGUE_SOURCE})(?![\p{{L}}-])
      | (?(pre)(?P<frac>{_FRACTION})(?![\p{{L}}-])|(?!))
      | (?(pre)(?P<one>an?\s+{_A_UNIT})(?![\p{{L}}-])|(?!))
      | (?P<num>{NUMBER})
    )
    (?:\s*(?P<post>{_POST})(?![\p{{L}}]))?
    """,
    regex.IGNORECASE | regex.VERBOSE,
)

def _ascii_dialect(source: str) -> str:
    r"""``source`` (``regex``) in ``re``'s dialect for ASCII text: ``\s``, ``\p{L}`` and ``\p{N}`` become the
    ASCII characters they match there, inside a character class or as one."""
    out: list[str] = []
    in_class = False
    index = 0
    while index < len(source):
        char = source[index]
        if char == "\\":
            escape = source[index : index + 2]
            if escape == "\\s":
                out.append("\\t\\n\\v\\f\\r " if in_class else ASCII_SPACE)
            elif escape in ("\\p", "\\P"):
                close = source.index("}", index)
                name = source[index + 3 : close]
                if escape != "\\p" or name not in ("L", "N"):
                    raise ValueError(f"no ASCII form for {source[index : close + 1]}")
                inner = ASCII_LETTER if name == "L" else "0-9"
                out.append(inner if in_class else f"[{inner}]")
                index = close + 1
                continue
            else:
                out.append(escape)
            index += 2
            continue
        if char == "[" and not in_class:
            in_class = True
        elif char == "]" and in_class:
            in_class = False
        out.append(char)
        index += 1
    return "".join(out)


#: ``SCAN`` for ASCII text with no "$", in ``re``: ``ASCII_NUMBER`` for ``NUMBER``, the look-behind one per
#: width, the rest in ``_ascii_dialect``.  Three times faster; a test matches the two at every letter and
#: digit of generated text.
_ASCII_SCAN = rxcache.compile_re(  # a big pattern: its compiled code comes from the cache
    _ascii_dialect(SCAN.pattern.replace(_SCAN_LOOK_BEHIND, r"(?<![a-zA-Z0-9_/\#@+$])(?<![a-zA-Z0-9]-)(?<![0-9][.,:])")
                   .replace(NUMBER, ASCII_NUMBER)),
    re.IGNORECASE | re.VERBOSE,
)

#: ``SCAN``'s groups in order, as ``_interval`` reads them from ``groups()`` (a test checks the order)
_SCAN_GROUPS = ("pre", "between", "lo1", "lu1", "hi1", "lo2", "lu2", "hi2", "vague", "frac", "one", "num", "post")

_MONTH = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|Sept?(?:ember)?|"
          r"Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
#: asked only whether it matches, from the end (``REVERSE``), as ``_ID_BEFORE``
_DATE_BEFORE = rxcache.compile(rf"\b{_MONTH}\.?\s*$", regex.REVERSE)
_DATE_AFTER = rxcache.compile(rf"^(?:st|nd|rd|th)?\s*(?:of\s+)?{_MONTH}\b")
_TIME_AFTER = rxcache.compile(r"^\s*(?:[ap]\.?\s?m\b\.?|o['’]clock|gmt\b|utc\b|bst\b|cet\b|est\b|edt\b|pst\b|hrs\b|"
                            r"local\s+time\b)", regex.IGNORECASE)
_AGE_BEFORE = rxcache.compile(r"\b(?:aged|age|ages|age\s+of)\s+$", regex.IGNORECASE)
_AGE_AFTER = rxcache.compile(r"^[\s-]*(?:years?|yrs?|months?)[\s-]*olds?\b", regex.IGNORECASE)
_COMPOUND_AFTER = rxcache.compile(r"^-\p{L}")
#: ``_COMPOUND_AFTER``, ``_AGE_AFTER`` or ``_TIME_AFTER`` in one call: each one drops the figure
_NOT_A_COUNT_AFTER = rxcache.compile(
    "|".join(f"(?:{p.pattern})" for p in (_COMPOUND_AFTER, _AGE_AFTER, _TIME_AFTER)), regex.IGNORECASE
)
_PERCENT_AFTER = rxcache.compile(r"^\s*(?:%|percent\b|per\s+cent\b|percentage\s+points?\b|pc\b)", regex.IGNORECASE)
#: ``_ID_BEFORE`` and ``_YEAR_BEFORE`` end at ``$`` and are only asked whether they match: searching from
#: the end (REVERSE) finds the same answer without trying the long alternation at every position first
_ID_BEFORE = rxcache.compile(
    r"\b(?:no|nos|number|art|article|resolution|route|highway|flight|chapter|section|room|page|gate|platform|level|"
    r"phase|unit|box|suite|block|row|seat|terminal|bus|channel|category|grade|class|stage|round|game|episode|season|"
    r"part|volume|vol|issue|item|question|point|paragraph|para|amendment|proposition|prop|model|version|type|mk|"
    r"mark|district|ward|precinct|squadron|battalion|brigade|division|regiment|corps|army|fleet|apollo|windows|"
    r"interstate|lane|street|avenue|road|exit|level|floor|track|verse|psalm|line|grade|year|day|week|match)\.?\s*$",
    regex.IGNORECASE | regex.REVERSE,
)
#: The words ``_ID_BEFORE`` and ``_DATE_BEFORE`` look for (lower-cased; as written)
_ID_WORDS = frozenset(_ID_BEFORE.pattern[len(r"\b(?:") : _ID_BEFORE.pattern.index(r")\.?")].split("|"))
_MONTH_WORDS = frozenset(
    f"{head}{tail}" for heads, tails in (
        (("Jan",), ("", "uary")), (("Feb",), ("", "ruary")), (("Mar",), ("", "ch")), (("Apr",), ("", "il")),
        (("May", "Jun", "June", "Jul", "July"), ("",)), (("Aug",), ("", "ust")), (("Sep", "Sept"), ("", "ember")),
        (("Oct",), ("", "ober")), (("Nov", "Dec"), ("", "ember")),
    ) for head in heads for tail in tails
)
#: The ASCII word a text ends with, before an optional "." and spaces
_TAIL_WORD = rxcache.compile_re(r"([A-Za-z]+)\.?\s*\Z")


def _tail_word(before: str) -> str | None:
    """The word ``_ID_BEFORE`` or ``_DATE_BEFORE`` would have to find at the end of ``before`` ("" for none),
    or None when an ASCII test cannot tell (the text is not ASCII).

    Those two ``regex`` searches ran for every figure; one ``re`` search here finds the only word either
    could match (a word they match stands after a word boundary, so it is the whole run of ASCII letters
    before the end, and ``re``'s spaces include ``regex``'s), and a set lookup tells whether to ask them.
    """
    if not before.isascii():
        return None
    tail = _TAIL_WORD.search(before)
    return tail.group(1) if tail else ""


_YEAR_BEFORE = rxcache.compile(r"(?:\b(?:in|since|by|until|till|before|after|from|during|of|early|late|mid|"
                             r"spring|summer|autumn|fall|winter|year|the)\s+|[,(–-]\s*)$",
                             regex.IGNORECASE | regex.REVERSE)
_AT_BEFORE = rxcache.compile(r"\bat\s+$", regex.IGNORECASE)
_PHONE = rxcache.compile(r"(?:\+\d{1,3}[\s.-]?)?\(?\d{2,5}\)?[\s.-]\d{3,4}[\s.-]?\d{3,4}")
#: What every ``_PHONE`` match holds ("12 3456"), in ``re`` over ASCII text (where ``re``'s spaces include
#: ``regex``'s): most figures have none near them, and one search here spares the costlier ``_PHONE`` scan
_PHONE_SHAPE = rxcache.compile_re(r"[0-9]\)?[\s.-][0-9]{3}")
_CURRENCY_SIGN = rxcache.compile(r"[$£€¥₹₽]")
_PENCE = rxcache.compile(r"\dp$")
_SCALE_WORD = rxcache.compile(r"\b(?:" + "|".join(SCALES) + r"|dozen|bn|mn|m|k|tn|mln|bln)\b", regex.IGNORECASE)
_WORD_NUMBER_ONE = rxcache.compile(r"^(?:one|a|an)$", regex.IGNORECASE)
_SPEECH_AFTER = rxcache.compile(r"\s*(?:said|say|says|told|believe|believed|argue|argued|claim|claimed|warned|"
                              r"insisted|stated)\b", regex.IGNORECASE)
_OF_AFTER = rxcache.compile(r"\s+of\b", regex.IGNORECASE)

TIME_UNITS = frozenset(
    "second minute hour day night week weekend month year decade century generation time occasion moment "
    "morning afternoon evening season term quarter".split()
)
#: Nouns a vague determiner can come with without counting anything an editor would check.
ABSTRACT = frozenset(
    "reason way thing issue question concern factor aspect respect instance case point sense kind sort type "
    "option idea source step measure change problem lesson area".split()
)
CURRENCY_WORDS = frozenset(
    "dollar euro pound ruble rouble yuan yen rupee dinar lira peso franc shekel riyal rial cent penny pence "
    "won naira rand dirham dlr ct stg".split()
)
#: Words that end a noun phrase after a number ("100 fighters were", "hundreds of them in").
_STOP = frozenset(
    """
    a an the and or but nor so yet if then than as at by for from in into on onto of off out over under to with
    within without about above across after against along among around before behind below beneath beside between
    beyond during except inside near outside past per since through throughout toward towards until upon via
    is are was were be been being am have has had having do does did will would shall should can could may might
    must who whom whose which that what where when while why how this these those it its they them their there
    he she his her him we us our you your i me my said says say told according including include included
    also still just only even already reportedly allegedly apparently
    """.split()
)
_DETERMINERS = frozenset("the their those these its his her our them us of".split())
_AUX_AFTER = frozenset("were are was have had has remain remained".split())
_IRREGULAR = {
    "people": "person", "persons": "person", "men": "man", "women": "woman", "children": "child",
    "police": "police", "personnel": "personnel", "staff": "staff", "crew": "crew", "militia": "militia",
    "dead": "dead", "wounded": "wounded", "injured": "injured", "killed": "dead", "cattle": "cattle",
    "livestock": "livestock", "clergy": "clergy", "gunmen": "gunman", "policemen": "policeman",
    "fishermen": "fisherman", "servicemen": "serviceman", "firemen": "fireman", "militiamen": "militiaman",
    "tribesmen": "tribesman", "youth": "youth", "percent": "percent", "pence": "penny",
}
#: What happened to the counted: a nearby word names the event a figure counts (for consistency).
_EVENTS = {
    "killed": r"killed|kills?|killing|dead|died|dies|deaths?|death\s+toll|toll|slain|perished|lost\s+their\s+lives|"
              r"wiped\s+out|fatalities|massacred|fatally",
    "wounded": r"wounded|injured|injuries|hurt|wounding|injuring",
    "missing": r"missing|unaccounted\s+for|disappeared",
    "arrested": r"arrested|detained|captured|jailed|imprisoned|detentions|arrests",
    "displaced": r"displaced|fled|evacuated|made\s+homeless|uprooted",
}
_EVENT_REGEX = rxcache.compile(
    r"(?<!\p{L})(?:" + "|".join(f"(?P<{name}>{source})" for name, source in _EVENTS.items()) + r")(?!\p{L})",
    regex.IGNORECASE,
)


_EVENT_SHAPE = rxcache.compile_re(r"([a-z]+)(\??)((?:\\s\+[a-z]+)*)")


def _event_stems() -> re.Pattern[str] | None:
    """The letters every ``_EVENT_REGEX`` hit starts with, lower-cased (``None``: an alternative has no plain start)."""
    stems = set()
    for source in _EVENTS.values():
        for alternative in source.split("|"):
            shape = _EVENT_SHAPE.fullmatch(alternative)
            if not shape:
                return None
            stems.add(shape.group(1)[:-1] if shape.group(2) else shape.group(1))
    return rxcache.compile_re("|".join(sorted(stems)))


#: A quick test before ``_EVENT_REGEX``: where none of these occurs in the lower-cased text, it finds nothing.
_EVENT_STEMS = _event_stems()
#: How far past a figure's end its event may be: the counted noun ends within 90 characters (``counted_noun``),
#: "percent" within 24, and ``_event`` looks 110 past the noun.
_EVENT_REACH = 24 + 90 + 110
#: Characters that IGNORECASE matches to an ASCII letter but ``str.lower`` does not turn into it.
_FOLD_TRAPS = "\u0130\u017f\u212a"

_NOUN_EVENT = {"dead": "killed", "wounded": "wounded", "injured": "wounded", "death": "killed",
               "fatality": "killed", "casualty": "casualties", "body": "killed"}
#: Where none of these occurs near an exact figure (lower-cased text), it counts no event: an event word's
#: stem (``_EVENT_STEMS``) or the stem of a noun that names one (``_NOUN_EVENT``: "casualties", "bodies").
#: Found by Aho–Corasick in one pass per document: a regex search per figure cost a third of the scan.
_EVENT_CUES = ahocorasick.Automaton()
for _cue in {*(_EVENT_STEMS.pattern.split("|") if _EVENT_STEMS else [""]), "casualt", "bod", "dead", "wound",
             "injur", "death", "fatalit"}:
    _EVENT_CUES.add_word(_cue, len(_cue))
_EVENT_CUES.make_automaton()


def _no_event_near(cues: Sequence[int], start: int, end: int) -> bool:
    """No event cue (``_event_cue_starts``) starts within the reach of ``_event`` and ``counted_noun`` of the
    figure at ``start``-``end``: it counts no event."""
    first = bisect_left(cues, start - 60)
    return first == len(cues) or cues[first] >= end + _EVENT_REACH


def _event_cue_starts(lowered: str) -> Sequence[int]:
    """Where an event cue starts in ``lowered``, sorted (every position, with no stems: nothing ruled out).

    An array (8 bytes a cue; a repeated start is harmless to the bisections that read it)."""
    if _EVENT_STEMS is None:
        return range(len(lowered))
    return array("q", sorted(end - length + 1 for end, length in iter_text(_EVENT_CUES, lowered)))


#: ``regex``'s ``\S+``, in ``re`` (a third of the cost to start a search): ``re`` also counts \x1c-\x1f as
#: spaces and ``regex`` does not, so the class takes them back (a test compares the two at every space)
_WORD_SPLIT = rxcache.compile_re(r"[\S\x1c-\x1f]+")
_CLAUSE_BREAK = rxcache.compile(r"[,;:]|\b(?:and|but|while|whereas)\b", regex.IGNORECASE)
_INITIALS = rxcache.compile(r"(?:\p{L}\.)+")
_WORD = rxcache.compile(r"\p{L}[\p{L}'’-]*")
_TRAILING_OF = rxcache.compile(r"\s+of$", regex.IGNORECASE)
_STRIP = "\"'“”‘’()[]"


@dataclass(slots=True)
class Quantity:
    """One quantity found in a document's plain text, and what it means."""

    start: int
    end: int
    kind: str
    low: float | None
    high: float | None
    unit: str = "count"
    noun: str | None = None
    event: str | None = None
    value: float | None = None

    @property
    def approximate(self) -> bool:
        return self.kind != "exact"

    @property
    def specific(self) -> bool:
        """It states a figure (not "numerous", not "an unknown number")."""
        return self.kind in ("exact", "bound", "approximate", "range") or (
            self.kind == "vague" and self.high is not None
        )

    def meaning(self) -> str:
        low, high = _show(self.low), _show(self.high)
        if self.kind == "exact":
            return f"an exact figure ({_show(self.value)})"
        if self.kind == "unknown":
            return "no figure at all"
        if self.kind == "range":
            return f"a range ({low}–{high})"
        if self.low is None and self.high is not None:
            return f"an upper bound (≤{high})"
        if self.high is None and self.low is not None:
            return f"a lower bound (≥{low})" if self.kind == "bound" else f"a vague quantity (≥{low})"
        if self.kind == "vague":
            return f"a vague quantity ({low}–{high})"
        return f"an approximation (about {_show(self.value)}, say {low}–{high})"

    def interval_text(self) -> str:
        """The interval in a few characters: "≤100", "≥2", "200–999", "about 100", "15", "unknown"."""
        if self.kind == "unknown":
            return "unknown"
        if self.kind == "exact":
            return _show(self.value)
        if self.kind == "approximate" and self.value is not None:
            return f"about {_show(self.value)}"
        if self.low is None:
            return f"≤{_show(self.high)}"
        if self.high is None:
            return f"≥{_show(self.low)}"
        return f"{_show(self.low)}–{_show(self.high)}"

    def data(self) -> dict[str, Any]:
        data: dict[str, Any] = {
            "low": None if self.low is None else as_number(self.low),
            "high": None if self.high is None else as_number(self.high),
            "approximate": self.approximate,
            "kind": self.kind,
            "unit": self.unit,
            "meaning": self.meaning(),
        }
        if self.noun:
            data["noun"] = self.noun
        if self.event:
            data["event"] = self.event
        return data


def _show(value: float | None) -> str:
    if value is None:
        return "?"
    number = as_number(value)
    return f"{number:,}" if isinstance(number, int) else f"{number:,.6g}"


@lru_cache(maxsize=8192)
def singular(word: str) -> str:
    """A rough singular for comparing counted nouns: "contractors" -> "contractor".

    Cached: it runs on the word after every figure, and the same few words ("people", "years") recur.
    """
    word = word.lower().strip(_STRIP)
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _is_plural(word: str) -> bool:
    lower = word.lower()
    if lower in _IRREGULAR:
        return True
    return (
        len(word) >= 4 and lower.endswith("s") and not lower.endswith(("'s", "’s", "ss", "us", "is"))
        and not word.isupper()
    )


#: raw token -> (word, lower-cased word, a sentence mark ends it, it is a word): the same few words
#: follow figures all through a corpus, so each is analysed once
_TOKEN_INFO: dict[str, tuple[str, str, bool, bool]] = {}


def _token_info(raw: str) -> tuple[str, str, bool, bool]:
    info = _TOKEN_INFO.get(raw)
    if info is None:
        word = raw.strip(_STRIP)
        trailing = word[-1:] in ",.;:!?" and not _INITIALS.fullmatch(word)
        word = word.rstrip(",.;:!?")
        info = (word, word.lower(), trailing, bool(word) and bool(_WORD.fullmatch(word)))
        if len(_TOKEN_INFO) < 100_000:
            _TOKEN_INFO[raw] = info
    return info


def counted_noun(text: str, end: int) -> tuple[str | None, str | None, int]:
    """The head noun a quantity ending at ``end`` counts, the word right after it, and where the noun ends."""
    first: str | None = None
    run: list[str] = []
    run_end = end
    for index, token in enumerate(_WORD_SPLIT.finditer(text, end, min(len(text), end + 90))):
        if index >= 7:  # the noun is among the next seven words
            break
        raw = token.group()
        if not index:
            first = raw.lower().strip(_STRIP + ",.;:")
        word, lower, trailing, is_word = _token_info(raw)
        if not is_word:
            break
        if lower in _DETERMINERS and not run and index < 3:
            continue
        if lower in _STOP:
            break
        run.append(word)
        run_end = token.end()
        if trailing or len(run) >= 4:
            break
    for word in run:
        if _is_plural(word):
            return singular(word), first, run_end
    if len(run) == 1 and run[0].lower() in ("dead", "wounded", "injured"):
        return singular(run[0]), first, run_end
    return None, first, end


def _scale_factor(text: str) -> float:
    factor = 1.0
    for word in _SCALE_WORD.findall(text):
        lower = word.lower()
        if lower in SCALES:
            factor *= SCALES[lower]
        elif lower in SCALE_ABBREVIATIONS:
            factor *= SHORT_SCALES[lower]
    return factor


class _Candidate:
    """A regex hit being turned into a Quantity (or dropped)."""

    __slots__ = ("hit", "start", "end", "kind", "low", "high", "value", "digits", "vague_name", "pre_text",
                 "num_text", "unit", "unit_noun", "matched")

    def __init__(self, hit: regex.Match[str]) -> None:
        self.hit = hit
        self.start, self.end = hit.span()
        self.kind = "exact"
        self.low: float | None = None
        self.high: float | None = None
        self.value: float | None = None
        self.digits = False
        self.vague_name = ""
        #: the hit's ``pre`` and ``num`` groups, read once by ``_interval``
        self.pre_text: str | None = None
        self.num_text: str | None = None
        #: a unit the hit itself fixes ("fraction"), else None and the context decides
        self.unit: str | None = None
        #: the unit of time in "less than a month", counted as the noun
        self.unit_noun: str | None = None


def _interval(candidate: _Candidate, text: str) -> bool:
    """Value a hit; False when it is not a quantity after all (a score, a year range, a pronoun 'one')."""
    hit = candidate.hit
    # one call for every group, by position (``_SCAN_GROUPS``): each ``group(name)`` costs as much as the
    # lookups it saves
    raw_pre, between, lo1, _, hi1, lo2, _, hi2, vague, fraction, one, number, post = hit.groups()
    candidate.pre_text, candidate.num_text = raw_pre, number
    pre = " ".join(raw_pre.lower().split()) if raw_pre else None
    post_kind = _AFTER_KIND.get(" ".join(post.lower().replace("-", " ").split())) if post else None
    lo_text = lo1 or lo2
    if lo_text:
        hi_text = hi1 or hi2
        low, high = parse_number(lo_text), parse_number(hi_text)
        if low is None or high is None:
            return False
        dashed = bool(lo2) and not _TO_OR.search(hit.group())
        if dashed and lo_text.strip()[:1].isdigit() != hi_text.strip()[:1].isdigit():
            return False  # "7-Eleven": a name, not a range
        if not _SCALE_WORD.search(lo_text) and _SCALE_WORD.search(hi_text):
            scaled = low * _scale_factor(hi_text)
            if scaled < high:  # "two to three million", not "700,000 to one million"
                low = scaled
        if low >= high:
            return False  # a score ("3-1") or a vote, not a range
        start = candidate.start
        if (between or "").lower() == "from" and not _RANGE_VERB_BEFORE.search(text, max(0, start - 24), start):
            return False  # a change ("rose from 5 to 10"), not a range; "ranging from 5 to 10" is one
        if not dashed and not between and not pre and _CHANGE_BEFORE.search(text, max(0, start - 60), start):
            return False  # "lifted the dividend 2 cts to 12 cts", "rose 360 mln to 27.7 billion": a change
        if dashed and _score_context(text, start, candidate.end):
            return False  # "England 17-18 France", "won 5-7 6-0 6-2"
        if _year_like(lo_text) and (_year_like(hi_text) or not hi_text.strip().isdigit()
                                    or _YEAR_BEFORE.search(text, max(0, candidate.start - 24), candidate.start)):
            return False  # "1990-95", "in 1987 to 1.45 mln tonnes": a year is not the low end of a count
        candidate.digits = lo_text[0].isdigit() or hi_text[0].isdigit()
        if candidate.digits and (_leading_zero(lo_text) or _leading_zero(hi_text)):
            return False
        candidate.kind, candidate.low, candidate.high = "range", low, high
        candidate.value = None
        if pre in _BEFORE["upper"]:
            candidate.low = None
        elif pre in _BEFORE["lower"]:
            candidate.high = None
        return True
    if vague:
        return _vague(candidate, vague, pre)
    if fraction:
        return _fraction(candidate, fraction, pre, post_kind)
    if one:  # "less than a month": one unit of time
        number = one
        candidate.num_text = one
        candidate.unit_noun = singular(one.split()[-1])
        value: float | None = 1.0
    else:
        value = parse_number(number)
    if value is None:
        return False
    candidate.value = value
    candidate.digits = number.lstrip("$£€¥₹₽USACNZHK ")[:1].isdigit()
    if candidate.digits and _leading_zero(number.lstrip("$£€¥₹₽USACNZHK ")):
        return False
    how = _BEFORE_KIND.get(pre) if pre else None
    how = how or post_kind
    if pre in _PLACE_BOUNDS and (
            _year_like(number) or (pre == "under" and not _is_measure(number, text, candidate.end))):
        return False  # "under 1987 rules", "under three categories": a place or a heading, not a bound
    if _WORD_NUMBER_ONE.match(number.strip()) and (how is None or _OF_AFTER.match(text, candidate.end)):
        return False  # "one of them", "about one of them": a pronoun, not a figure
    if how is None:
        candidate.kind, candidate.low, candidate.high = "exact", value, value
        return True
    if how == "upper":
        candidate.kind, candidate.low, candidate.high = "bound", None, value
    elif how == "lower":
        candidate.kind, candidate.low, candidate.high = "bound", value, None
    elif how == "near":
        candidate.kind, candidate.low, candidate.high = "approximate", _round(value * 0.9), value
    else:
        candidate.kind, candidate.low, candidate.high = "approximate", _round(value * 0.9), _round(value * 1.1)
    return True


_TO_OR = rxcache.compile(r"\s(?:to|or)\s")
#: Bounds that are also prepositions of place or rank: a year after them is not a figure.
_PLACE_BOUNDS = frozenset({"above", "below", "under"})
#: "from X to Y" is a range only after a verb of ranging; after anything else it is a change.
_RANGE_VERB_BEFORE = rxcache.compile(r"\b(?:rang(?:e|es|ed|ing)|var(?:y|ies|ied|ying)|anywhere)\s+$",
                                   regex.IGNORECASE)
#: A verb of change up to three words before "X dlrs to Y dlrs": the first figure is the change, not a low end.
_CHANGE_BEFORE = rxcache.compile(
    r"\b(?:rose|rise|rises|rising|fell|fall|falls|falling|up|down|increased?|increases|increasing|decreased?|"
    r"decreases|raised?|raises|raising|lifted|lifts?|cut|cuts|cutting|lowered|lowers?|reduced?|reduces|boosted|"
    r"boosts?|dropped|drops?|climbed|climbs?|jumped|jumps?|gained|gains?|declined|declines?|slipped|slips?|eased|"
    r"eases?|grew|grows?|surged|soared|plunged|tumbled|narrowed|widened|revised|trimmed|slashed|"
    r"lost|loses?|shed|sheds)(?:\s+(?!(?:by|to|at|of|between)\b)[\p{L}'’.,-]+){0,3}\s+$",
    regex.IGNORECASE,
)
#: Around a dashed pair: another score, a word of winning, or a team on each side make it a score.
_SCORE_BEFORE = rxcache.compile(
    r"(?:\d[-–]\d+[,;]?\s+|\b(?:won|wins?|winning|beat|beats|beating|drew|draw|draws|led|"
    r"leads?|leading|trailed|trails?|trailing|edged|thrashed|victory|defeat|score|scored)\s+(?:\p{L}+\s+)?"
    r"|\b\p{Lu}\p{L}+\s+)$"
)
_SCORE_AFTER = rxcache.compile(
    r"^(?:[,;]?\s+\(?\d+[-–]\d|\s+(?:wins?|victory|victories|defeats?|loss|lead|draw|scoreline|triumph|home|away|"
    r"thrashing|drubbing|success|aggregate|half-time|ft|ht)\b)",
    regex.IGNORECASE,
)
_TEAM_AFTER = rxcache.compile(r"^\s+\p{Lu}")


_MEASURE_AFTER = rxcache.compile(rf"\s*(?:%|(?:pct|percent|per\s+cent|{CURRENCY_NAMES}|cts|cents|pence|stg)\b)",
                               regex.IGNORECASE)


def _is_measure(number: str, text: str, end: int) -> bool:
    """Money, a percentage or a scaled figure: "under 150 mln", "under $5", "under 10 dlrs", "under 4 pct"."""
    return bool(_CURRENCY_SIGN.search(number) or _SCALE_WORD.search(number) or _MEASURE_AFTER.match(text, end))


def _score_context(text: str, start: int, end: int) -> bool:
    """A dashed pair that reads as a score or result, not a range."""
    before = text[max(0, start - 30) : start]
    after = text[end : end + 24]
    if _SCORE_AFTER.match(after):
        return True
    found = _SCORE_BEFORE.search(before)
    if not found:
        return False
    if found.group()[:1].isupper() and not found.group().lower().startswith(("won", "beat", "lost", "drew")):
        return bool(_TEAM_AFTER.match(after))  # "England 17-18 France": a team before and after
    return True


def _fraction(candidate: _Candidate, fraction: str, pre: str | None, post_kind: str | None) -> bool:
    """"nearly half", "more than a third", "about two-thirds": a share with an approximator, as a fraction."""
    how = (_BEFORE_KIND.get(pre) if pre else None) or post_kind
    if how is None:
        return False  # "half the income", "a third of the staff": stated, not approximate
    words = fraction.lower().replace("-", " ").split()
    value = (UNIT_WORDS.get(words[0], 1) if len(words) > 1 else 1) / FRACTIONS[words[-1]]
    candidate.value = value
    candidate.unit = "fraction"
    if how == "upper":
        candidate.kind, candidate.low, candidate.high = "bound", None, value
    elif how == "lower":
        candidate.kind, candidate.low, candidate.high = "bound", value, None
    elif how == "near":
        candidate.kind, candidate.low, candidate.high = "approximate", round(value * 0.9, 4), value
    else:
        candidate.kind, candidate.low, candidate.high = "approximate", round(value * 0.9, 4), round(value * 1.1, 4)
    return True
#: normalised vague quantity -> the name of the first ``_VAGUE`` pattern it matches (the same few recur)
_VAGUE_NAMES: dict[str, str] = {}


def _vague(candidate: _Candidate, vague: str, pre: str | None) -> bool:
    text = " ".join(vague.lower().split())
    name = _VAGUE_NAMES.get(text)
    if name is None:
        name = next(n for n, compiled in _VAGUE_REGEX if compiled.fullmatch(text))
        if len(_VAGUE_NAMES) < 10_000:
            _VAGUE_NAMES[text] = name
    candidate.vague_name = name
    candidate.kind = "vague"
    low: float | None
    high: float | None
    if name == "unknown":
        candidate.kind, low, high = "unknown", None, None
    elif name == "tens-of-scale":
        scale = _PLURAL_SCALE[text.split()[-1]][0] / 2
        low, high = (20 * scale, 100 * scale - 1) if text.startswith("tens") else (200 * scale, 1000 * scale - 1)
    elif name == "few-scale":
        scale = SCALES[text.split()[-1]]
        low, high = (2 * scale, 5 * scale) if text.startswith(("a few", "a couple")) else (2 * scale, 10 * scale - 1)
        if text.startswith("a couple"):
            high = 3 * scale
    elif name == "plural-scale":
        low, high = _PLURAL_SCALE[text.split()[0]]
        high = _PLURAL_SCALE[text.split()[-1]][1]
    elif name == "tens-of":
        low, high = (20, 99) if text.startswith("tens") else (40, 199)
    elif name == "handful":
        low, high = 2, 9
    elif name == "multi-scale":  # "multi-billion": two of the scale at least
        low, high = 2 * SCALES[text.replace("-", "")[5:]], None
    elif name == "couple":
        low, high = 2, 3
    elif name == "few":
        low, high = 2, 5
    elif name == "several":
        low, high = 3, 9
    else:  # numerous, countless, multiple, a number of
        low, high = 2, None
    if pre in _BEFORE["upper"]:
        low = None
    elif pre in _BEFORE["lower"]:
        high = None
    candidate.low, candidate.high = low, high
    matched = candidate.hit.group()
    trimmed = _TRAILING_OF.sub("", matched)
    candidate.end = candidate.start + len(trimmed)
    return True


def _round(value: float) -> float:
    return float(round(value)) if value >= 10 else round(value, 2)


def _year_like(text: str) -> bool:
    stripped = text.strip()
    return len(stripped) == 4 and stripped.isdigit() and 1000 <= int(stripped) <= 2199


def _leading_zero(text: str) -> bool:
    stripped = text.strip()
    return len(stripped) > 1 and stripped[0] == "0" and stripped[1] != "."


#: Approximators that also mean "during" before a span of time ("over two days", "some days").
_DURING = frozenset({"over", "well over", "just over"})


def _bounded_span(candidate: _Candidate) -> bool:
    """A bound, approximation or range of time ("up to 20 years", "some 26 years", "three to five years",
    "almost five times"): the figure is a claim to check, unlike an exact duration ("for three weeks")."""
    if candidate.kind not in ("bound", "approximate", "range"):
        return False
    pre = candidate.pre_text
    return not pre or " ".join(pre.lower().split()) not in _DURING


def _count_context(candidate: _Candidate, text: str) -> tuple[str | None, str | None, int] | None:
    """``None`` for a figure its context rules out as a count (a date, time, age, year, identifier, phone
    number, duration or compound modifier); else its counted noun, the word after it and where the noun ends.

    The tests that need no noun come first, and the noun is looked for only when they pass: years are the
    commonest figure in copy, and "in 2019" is ruled out whatever follows it.
    """
    start, end = candidate.start, candidate.end
    before = text[max(0, start - 24) : start]
    after = text[end : end + 24]
    if _NOT_A_COUNT_AFTER.match(after) or ("age" in before.lower() and _AGE_BEFORE.search(before)):
        return None  # every form of _AGE_BEFORE holds "age": most figures skip the search
    vague = candidate.kind in ("vague", "unknown")
    number = candidate.num_text
    if not vague:
        word = _tail_word(before)  # asks the two searches before only where they may match
        if (word is None or word in _MONTH_WORDS) and _DATE_BEFORE.search(before) or _DATE_AFTER.match(after):
            return None
        if (number is not None and not candidate.pre_text and (word is None or word.lower() in _ID_WORDS)
                and _ID_BEFORE.search(before)):
            return None
        if number is not None and _year_like(number) and _YEAR_BEFORE.search(before):
            return None
    noun, first, noun_end = counted = counted_noun(text, end)
    if (noun in TIME_UNITS or (first is not None and singular(first) in TIME_UNITS)) and not _bounded_span(candidate):
        return None
    if vague:
        if candidate.vague_name in _WEAK_VAGUE:
            if noun is None and first not in _AUX_AFTER:
                return None
            if noun in ABSTRACT or _SPEECH_AFTER.match(text[noun_end : noun_end + 16]):
                return None  # "several reasons", "several officials said": not a count to check
        return counted
    if number is not None and noun is None:
        if _year_like(number):
            return None
        if candidate.value is not None and candidate.value <= 24 and _AT_BEFORE.search(before):
            return None  # "at around 7": a time of day
    if candidate.digits:
        window_start, window_end = max(0, start - 20), min(len(text), end + 20)
        window = text[window_start:window_end]
        for phone in (_PHONE.finditer(text, window_start, window_end)
                      if not window.isascii() or _PHONE_SHAPE.search(window) else ()):
            if phone.start() < end and start < phone.end():
                return None
    return counted


def _event(text: str, quantity_start: int, noun_end: int, sentence: tuple[int, int], stop: int,
           lowered: str | None = None, cues: Sequence[int] | None = None) -> str | None:
    """The event word nearest a quantity: up to 4 words before it or 12 after, within its sentence.

    ``lowered`` (``text`` lower-cased, offsets unchanged, no case-folding traps) lets a cheap search
    for the event words' first letters skip the search for the event words where there are none.
    ``cues`` (``_event_cue_starts(lowered)``) skips that search too where no cue starts in the span: every
    place the stems match is a cue's start (a bisection for a regex search over some 200 characters).
    """
    best: tuple[int, str] | None = None
    search_start = max(sentence[0], quantity_start - 60)
    search_end = min(sentence[1], stop, noun_end + 110)  # 12 words at most
    if cues is not None:
        first = bisect_left(cues, search_start)
        if first == len(cues) or cues[first] >= search_end:
            return None
    if lowered is not None and _EVENT_STEMS is not None and not _EVENT_STEMS.search(lowered, search_start,
                                                                                      search_end):
        return None
    for hit in _EVENT_REGEX.finditer(text, search_start, search_end):
        if hit.end() <= quantity_start:
            gap = text[hit.end() : quantity_start]
            distance = len(gap.split())
            if distance > 4 or _CLAUSE_BREAK.search(gap):
                continue  # "killed 12 and dozens more were injured": the verb belongs to the other figure
        elif hit.start() >= noun_end:
            distance = len(text[noun_end : hit.start()].split())
            if distance > 12:
                break
        else:
            distance = 0
        name = hit.lastgroup
        if best is None or distance < best[0]:
            best = (distance, name)
    return best[1] if best else None


#: (document, text, whether exact figures with no event were kept, quantities) of the last scan: one tuple,
#: replaced whole, so threads never see half of it.
_last: tuple[Any, str | None, bool, list[Quantity]] = (None, None, True, [])


def _trie(words: Iterable[str]) -> str:
    """Regex source matching exactly ``words``, factored by prefix: far faster than a flat alternation."""
    root: dict[str, Any] = {}
    for word in words:
        node = root
        for char in word:
            node = node.setdefault(char, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        branches = [regex.escape(char) + build(child) for char, child in sorted(node.items()) if char]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        return f"(?:{body})?" if "" in node else body

    return build(root)


#: Words that can start a quantity's core: number words, scales and vague quantity words.
_CORE_WORDS = sorted(
    {*UNIT_WORDS, *TENS, *SCALES, "dozen", "dozens", "hundreds", "thousands", "millions", "billions", "tens",
     "scores", "handful", "number", "few", "couple", "several", "numerous", "countless", "untold", "multiple",
     "clutch", "smattering", "sprinkling", "multi", "multimillion", "multibillion", "multitrillion", *FRACTIONS,
     *_A_UNIT_WORDS}
)
#: The prefilter, run over lower-cased text with the standard library's ``re`` (a trie of literals is
#: several times faster there than ``regex`` with IGNORECASE).  Every quantity contains one of its hits.
_CORE = rxcache.compile_re(r"\b(?:" + _trie(_CORE_WORDS) + r"\b|\d[\d,.]*)|[$£€¥₹₽]\s?\d[\d,.]*")
#: First words of what may come before a core word within a quantity ("as many as", "between", "an unknown").
_LEAD_WORDS = frozenset(
    {phrase.split()[0] for phrase in _BEFORE_KIND} | {"between", "from", "a", "an", "half", "tens", "hundreds",
                                                     "several", "many", "some"}
)
_OTHER_OPENERS = frozenset({"between", "from", "a", "an", "half", "tens", "hundreds", "several", "many", "some"})


def _second_words() -> dict[str, frozenset[str]]:
    """Lead words that open only approximator phrases of two words or more -> the words that can follow them.

    "the" opens only "the best part of", "in" only "in excess of": before a figure they are everywhere, and
    trying the full pattern at each was a third of the number scan.  A lead word that opens anything else
    (a range, a vague quantity, a number, a one-word approximator) is not listed and is always tried.
    """
    phrases: dict[str, list[list[str]]] = {}
    for phrase in _BEFORE_KIND:
        words = phrase.split()
        phrases.setdefault(words[0], []).append(words)
    return {
        first: frozenset(words[1] for words in group)
        for first, group in phrases.items()
        if first not in _OTHER_OPENERS and first not in _CORE_WORDS and all(len(words) > 1 for words in group)
    }


_SECOND_WORDS = _second_words()
#: Core words that can only be a share ("quarter", "thirds"): a quantity never starts at one ("half" can:
#: "half a million").
_SHARE_WORDS = tuple(word for word in FRACTIONS if not word.startswith("half"))
_NEEDS_APPROXIMATOR = (*_SHARE_WORDS, *_A_UNIT_WORDS)
_OPENING_QUOTES = "\"'“‘(["
#: "in the range of 1.2 to 5.2": "in" also opens a range, when "range" is its third word.
_SECOND_WORDS["in"] = _SECOND_WORDS.get("in", frozenset()) | {"the", "a"}
_THIRD_WORDS = {("in", "the"): "range", ("in", "a"): "range"}
_CURRENCY_SIGNS = frozenset("$£€¥₹₽")
#: Where ``_CORE`` can match: a core word (found by Aho–Corasick, wherever it occurs), the start of a run of
#: digits and currency signs, a currency sign and the character after it.
_CORE_AUTOMATON = ahocorasick.Automaton()
for _word in _CORE_WORDS:
    _CORE_AUTOMATON.add_word(_word, len(_word) - 1)
_CORE_AUTOMATON.make_automaton()
_DIGIT_RUN = rxcache.compile_re(r"[\d$£€¥₹₽]+")
#: An ASCII text as bytes for ``_ascii_digit_starts``: a digit to "d", anything else to a space
_ASCII_RUN_TABLE = bytes(ord("d") if code in b"0123456789" else ord(" ") for code in range(256))
#: characters of ASCII text searched per piece by ``_ascii_digit_starts`` (three copies of a piece are made)
_RUN_PIECE = 1 << 20
_WORD_START = _WORD_SPLIT
#: The four characters that only Python counts as whitespace
_SPLIT_DIFFERS = "\x1c\x1d\x1e\x1f"


def _ascii_digit_starts(lowered: str) -> list[int]:
    r"""The starts of ``_CORE``'s matches at digits in an ASCII text with no "$" (then ``\d[\d,.]*`` after a
    word boundary), found from its runs of digits without a regex call each.

    A run starts a match unless a word character stands before it; the match takes in the run, then any
    commas and points and the next run right after them ("1,000.5"), and so on.  ``re`` tests every
    character of the text against a class in turn, a fifth of the number scan's whole-text work on wire
    copy; here the text is translated (as bytes) into runs and spaces and split, in pieces of
    ``_RUN_PIECE`` characters that each end outside a run (a list of every run of a 50 MB draft would be
    tens of MB), and each run is decided as it is split off.
    """
    starts: list[int] = []
    size = len(lowered)
    done = -1
    begin = 0
    while begin < size:
        end = min(size, begin + _RUN_PIECE)
        while end < size and lowered[end].isdigit():
            end += 1
        piece = lowered[begin:end].encode("ascii").translate(_ASCII_RUN_TABLE)
        find = piece.find
        position = 0
        for run in piece.split():
            position = find(run, position)
            start = begin + position
            position += len(run)
            if start != done:  # not the rest of the last match
                if not _starts_word(lowered, start):
                    continue
                starts.append(start)
            done = begin + position
            while done < size and lowered[done] in ",.":
                done += 1
        begin = end
    return starts


def _starts_word(lowered: str, start: int) -> bool:
    """Does a word start at ``start``: no ``re`` word character (``\\w``) just before it?"""
    if not start:
        return True
    before = lowered[start - 1]
    return not (before.isalnum() or before == "_")


def _word_starts(lowered: str) -> list[int]:
    """Where a core word starts after a word boundary, in the order Aho–Corasick finds them."""
    positions: list[int] = []
    for end, back in iter_text(_CORE_AUTOMATON, lowered):
        start = end - back
        if _starts_word(lowered, start):
            positions.append(start)
    return positions


#: The core words and the event cues in one automaton: one pass of the text finds both (two passes cost twice
#: one).  A value is (a core word's length - 1 or None, a cue's length or None).
_WORDS_AND_CUES = ahocorasick.Automaton()
for _word in {*_CORE_WORDS, *_EVENT_CUES.keys()}:
    _WORDS_AND_CUES.add_word(_word, (len(_word) - 1 if _word in _CORE_WORDS else None,
                                     len(_word) if _word in _EVENT_CUES else None))
_WORDS_AND_CUES.make_automaton()


def _word_and_cue_starts(lowered: str) -> tuple[list[int], Sequence[int]]:
    """``_word_starts(lowered)`` and ``_event_cue_starts(lowered)`` from one pass."""
    if _EVENT_STEMS is None:
        return _word_starts(lowered), _event_cue_starts(lowered)
    positions: list[int] = []
    cues: list[int] = []
    for end, (back, length) in iter_text(_WORDS_AND_CUES, lowered):
        if length is not None:
            cues.append(end - length + 1)
        if back is not None and _starts_word(lowered, end - back):
            positions.append(end - back)
    cues.sort()
    return positions, array("q", cues)


def _core_starts(lowered: str, word_starts: list[int] | None = None) -> list[int]:
    """The starts of ``_CORE.finditer(lowered)``, found faster.

    ``_CORE`` begins with a word boundary, which keeps ``re`` from skipping ahead to a likely first
    character: it tried every position of the text.  Here only the positions where it can match are
    tried (a superset, in order, each at most once, skipping those inside the previous match, as
    ``finditer`` does), so the result is the same.  A match at a word holds only letters and spaces, one
    at a digit or a currency sign none, so in an ASCII text with no "$" the matches at digits are found
    on their own (``_ascii_digit_starts``) and the two lists merged.  ``word_starts``: the caller's
    ``_word_starts(lowered)`` (a list this takes over).
    """
    positions = _word_starts(lowered) if word_starts is None else word_starts
    digit_starts: list[int] | None = None
    if lowered.isascii() and "$" not in lowered:
        digit_starts = _ascii_digit_starts(lowered)
    else:
        for run in _DIGIT_RUN.finditer(lowered):
            run_start = run.start()
            positions.append(run_start)
            chunk = run.group()
            if not _CURRENCY_SIGNS.isdisjoint(chunk):
                for index, char in enumerate(chunk):
                    if char in _CURRENCY_SIGNS:
                        positions.append(run_start + index)
                        positions.append(run_start + index + 1)
    positions.sort()
    starts: list[int] = []
    done = 0
    match = _CORE.match
    for position in positions:
        if position < done:
            continue
        core = match(lowered, position)
        if core:
            starts.append(position)
            done = core.end()
    if digit_starts:
        starts += digit_starts
        starts.sort()  # two sorted runs: one merge
    return starts


#: (lead word, the token after it, whether a space parts them) -> whether ``SCAN`` can match text that starts so
_MAY_OPEN: dict[tuple[str, str, bool], bool] = {}


def _may_open(lead: str, following: str, spaced: bool) -> bool:
    r"""Can ``SCAN`` match at ``lead`` when ``following`` comes next (after a space when ``spaced``)?

    Asked of the two words alone, as a partial match: where no text that starts with them could match, the
    figure's text cannot either ("a proposed offering of 40", "from last year's 40": nothing starts at "a"
    or "from").  ``SCAN`` reads a space only as ``\s``, and the text before the lead only makes its
    look-behind fail, so the answer holds whatever space and text stand before; the pairs recur, and each
    is asked once.  Only the next word's first 24 characters are asked about (what cannot start with them
    cannot start with the whole word either), so a long token costs the memo little.
    """
    key = (lead, following[:24], spaced)
    known = _MAY_OPEN.get(key)
    if known is None:
        known = SCAN.match(f"{lead} {key[1]}" if spaced else lead + key[1], partial=True) is not None
        if len(_MAY_OPEN) < 20_000:
            _MAY_OPEN[key] = known
    return known


#: After a range's low end: a unit, then "and" or "to" (``SCAN``'s ``between`` branch)
_RANGE_JOIN = rxcache.compile(rf"(?:\s*(?:{_RANGE_UNIT}))?\s+(?:and|to)\s", regex.IGNORECASE)
#: ``_RANGE_JOIN`` for lower-cased ASCII text with no "$", in ``re`` (as ``_ASCII_BARE_NUMBER``)
_ASCII_RANGE_JOIN = rxcache.compile_re(rf"(?:{ASCII_SPACE}*(?:{_RANGE_UNIT}))?{ASCII_SPACE}+(?:and|to){ASCII_SPACE}")
_RANGE_LEADS = frozenset({"between", "from"})


def _range_may_open(text: str, core_start: int, ascii_lowered: str | None = None) -> bool:
    """Can "between" or "from", right before (and spaced from) a figure in digits at ``core_start``, open a
    range there?  Only when a number starts at the figure and a unit, "and" or "to" follow it: "up from 1.27
    billion dlrs the previous year" opens nothing.  ``NUMBER`` is taken whole, as ``_BARE_NUMBER`` takes it:
    a shorter one ends before a scale word, which neither a unit nor "and"/"to" is.  ``ascii_lowered``: the
    text lower-cased, when that is ASCII with no "$": then the ``re`` twins read it, at a third of the cost."""
    if ascii_lowered is not None:
        ascii_bare = _ASCII_BARE_NUMBER.match(ascii_lowered, core_start)
        return ascii_bare is not None and _ASCII_RANGE_JOIN.match(ascii_lowered, ascii_bare.end()) is not None
    bare = _BARE_NUMBER.match(text, core_start)
    return bare is not None and _RANGE_JOIN.match(text, bare.end()) is not None


def _openers(words: list[str], lowered: str, core_start: int, text: str | None = None,
             ascii_lowered: bool = False) -> list[int]:
    """Which of ``words`` (the last words before a core hit starting at ``core_start``) can open a quantity.

    A lead word opens one unless it opens only longer approximator phrases and the next word does not fit
    ("the 12 dead": not "the best part of", so nothing can start at "the"), or nothing can start with it and
    the next word (``_may_open``: "a proposed", "from last"), or it is "from" or "between" right before a
    figure in digits that no "and"/"to" follows (``_range_may_open``, asked with ``text``).  ``_hits`` asks
    this first of the split words alone: most figures have a "the" or an "in" before them that opens
    nothing, and then the positions of the words are never needed.  ``ascii_lowered``: ``lowered`` is ASCII
    with no "$", and ``_range_may_open`` may read it instead of ``text``.
    """
    found = []
    last = len(words) - 1
    for index, lead in enumerate(words):
        if lead not in _LEAD_WORDS:
            if lead[0] not in _OPENING_QUOTES or lead.lstrip(_OPENING_QUOTES) not in _LEAD_WORDS:
                continue  # (words are never empty)
            lead = lead.lstrip(_OPENING_QUOTES)  # '"more than half"': the quotation opens with the quantity
        if index < last:
            following = words[index + 1]
        else:  # the hit's own first word (its first 40 characters: a prefix is as good), maybe joined to the lead
            following = (lowered[core_start : core_start + 40].split(None, 1) or [""])[0]
        seconds = _SECOND_WORDS.get(lead)
        if seconds is not None:
            second = following.replace("ſ", "s")
            if second not in seconds:
                continue
            third = _THIRD_WORDS.get((lead, second))
            if third is not None and (index + 2 >= len(words) or words[index + 2] != third):
                continue
        spaced = index < last or lowered[core_start - 1].isspace()
        if not _may_open(lead, following, spaced):
            continue
        if (lead in _RANGE_LEADS and index == last and spaced and text is not None and lowered[core_start].isdigit()
                and not _range_may_open(text, core_start, lowered if ascii_lowered else None)):
            continue
        found.append(index)
    return found


#: A number in digits at a figure's start, and whether something after it may make it more than a bare number.
#: At a digit no approximator, range opener or vague word can start, so ``SCAN`` there is ``NUMBER`` as a range's
#: low end or as a bare ``num``.  Where this does not match, ``NUMBER`` does not either and ``SCAN`` finds
#: nothing.  Where it matches with no ``more``, ``SCAN`` matches the same span as a bare ``num``: the number is
#: taken whole (atomic, as ``SCAN``'s ``num`` takes it first) and ``more`` is ``SCAN``'s own continuations
#: after it, a range's second half (its unit, separator and number, less the checks after that number) or an
#: approximator after it: "11-1/2", "13-bank", "4.65 --" and "30 to exceed" are bare.  A shorter ``NUMBER``
#: never goes on either: it ends before a digit, a ``.``/``,`` and a digit (refused by its own look-ahead) or
#: before a scale word, which neither a separator nor a range unit begins with.  The look-behind is
#: ``SCAN``'s.  (Tests check all three outcomes against ``SCAN`` on written figures.)  ``more`` is its one
#: group, so ``lastindex`` says whether it matched.
_BARE_NUMBER = rxcache.compile(
    _SCAN_LOOK_BEHIND + rf"(?>{NUMBER})"
    rf"(?P<more>(?=(?:\s*(?:{_RANGE_UNIT})(?=\s+to\s))?(?:\s*[-–—]\s*|\s+(?:to|or)\s+){NUMBER}"
    rf"|\s*(?:{_POST})(?!\p{{L}})))?",
    regex.IGNORECASE,
)
#: ``_POST`` over ASCII text, for ``re``
_ASCII_POST = _POST.replace(r"[-\s]", r"[-\t\n\v\f\r ]").replace(r"\s", ASCII_SPACE)
#: ``_BARE_NUMBER`` for lower-cased ASCII text with no "$", in ``re`` (``ASCII_NUMBER``): a third of the cost.
#: The look-behind is one per width, ``\s`` the ASCII spaces; no dash but "-" and no currency sign is there.
_ASCII_BARE_NUMBER = rxcache.compile_re(  # a big pattern: its compiled code comes from the cache
    rf"(?<![{ASCII_LETTER}0-9_/#@+$])(?<![{ASCII_LETTER}0-9]-)(?<![0-9][.,:])"
    rf"(?>{ASCII_NUMBER})"
    rf"(?P<more>(?=(?:{ASCII_SPACE}*(?:{_RANGE_UNIT})(?={ASCII_SPACE}+to{ASCII_SPACE}))?"
    rf"(?:{ASCII_SPACE}*-{ASCII_SPACE}*|{ASCII_SPACE}+(?:to|or){ASCII_SPACE}+){ASCII_NUMBER}"
    rf"|{ASCII_SPACE}*(?:{_ASCII_POST})(?![{ASCII_LETTER}])))?"
)


#: Number words ("one" to "nineteen", "twenty" to "ninety"): no approximator, range opener or vague quantity
#: starts with one, so at one ``SCAN`` is ``NUMBER`` as a range's low end or a bare ``num``, as at a digit.
_NUMBER_WORDS = frozenset({*UNIT_WORDS, *TENS})
_NUMBER_WORD_INITIALS = frozenset(word[0] for word in _NUMBER_WORDS)


def _plain_number_words(lowered: str, start: int, end: int) -> bool:
    """Is the number ``_BARE_NUMBER`` found at ``start``-``end`` in words one where it decides as at a digit?

    Its first word must be a number word (a word of its own: "tens" is a vague quantity, not "ten"), and it
    must hold no hyphen: "five-six" is one ``NUMBER`` and also the range "five"-"six", which ``SCAN`` takes
    first.  Without a hyphen, a shorter ``NUMBER`` ends before a number or scale word, "and" or "mln",
    which no range separator or unit is.
    """
    words = lowered[start:end]
    return "-" not in words and words.split(None, 1)[0] in _NUMBER_WORDS


def _hits(text: str, lowered: str | None = None, cues: Sequence[int] | None = None,
          word_starts: list[int] | None = None) -> Iterable[regex.Match[str]]:
    """The matches of ``SCAN`` in ``text``, found from the prefilter's hits instead of at every position.

    For each core hit, the full pattern is tried (anchored) at the start of each of the five words before it
    that can open a quantity, farthest first, then at the hit itself; the first match that covers the hit wins.
    With ``cues`` (``_event_cue_starts``: the caller wants no eventless exact figure), a bare number with no
    event cue within reach is passed over, found by ``_BARE_NUMBER`` instead of the far costlier ``SCAN``.
    ``word_starts``: ``_word_starts(lowered)``, when the caller found it with the cues.
    """
    lowered = text.lower() if lowered is None else lowered  # the caller's copy: two of a 50 MB draft cost 100 MB
    if len(lowered) != len(text):  # a rare character that lower-cases to two: keep offsets exact
        yield from SCAN.finditer(text)
        return
    # ``str.split`` finds the same words as ``\S+`` unless the text holds one of the four characters
    # that only Python counts as whitespace
    split_ok = not holds_any(text, _SPLIT_DIFFERS)
    # ``_BARE_NUMBER``, or its ``re`` twin over the lower-cased text where that is ASCII with no "$"
    ascii_lowered = lowered.isascii() and "$" not in lowered
    bare_number, bare_text = (_ASCII_BARE_NUMBER, lowered) if ascii_lowered else (_BARE_NUMBER, text)
    # ``SCAN``, or its ``re`` twin where the text itself is ASCII with no "$"
    scan_match = (_ASCII_SCAN if text.isascii() and "$" not in text else SCAN).match
    covered = 0
    for core_start in _core_starts(lowered, word_starts):
        if core_start < covered:
            continue
        window_start = max(covered, core_start - 48)
        first = lowered[core_start]
        digit = first.isdigit()
        if split_ok and first not in _CURRENCY_SIGNS and not _openers(
                lowered[window_start:core_start].split()[-5:], lowered, core_start, text, ascii_lowered):
            # the common case, no word before the hit that can open a quantity: only the hit itself
            if not digit and lowered.startswith(_NEEDS_APPROXIMATOR, core_start):
                continue  # "the first quarter", "a year ago": a share or "a" unit needs an approximator before it
        else:
            words = list(_WORD_START.finditer(lowered, window_start, core_start))[-5:]
            texts = [word.group() for word in words]
            starts = [words[index].start() + len(texts[index]) - len(texts[index].lstrip(_OPENING_QUOTES))
                      for index in _openers(texts, lowered, core_start, text, ascii_lowered)]
            if words and first in _CURRENCY_SIGNS and words[-1].end() == core_start:
                starts.append(words[-1].start())  # "US$5": the currency's prefix is part of the figure
            found = False
            for start in starts:
                hit = scan_match(text, start)
                if hit and hit.end() > core_start:
                    covered = hit.end()
                    found = True
                    yield hit
                    break
            if found:
                continue
        # the hit itself
        if cues is not None and (digit or first in _NUMBER_WORD_INITIALS):
            bare = bare_number.match(bare_text, core_start)
            if bare is None:
                if digit:
                    continue  # no number here: ``SCAN`` finds nothing either
            elif (bare.lastindex is None  # no ``more``, its one group
                  and (digit or _plain_number_words(lowered, core_start, bare.end()))
                  and (not cues or _no_event_near(cues, core_start, bare.end()))):
                covered = bare.end()  # what ``scan`` would drop: an exact figure with no event
                continue
        hit = scan_match(text, core_start)
        if hit and hit.end() > core_start:
            covered = hit.end()
            yield hit


def scan(document: Any, exact: bool = True) -> list[Quantity]:
    """Every quantity in ``document``; cached for the last document scanned.

    With ``exact=False`` an exact figure is kept only when it may count an event (an event word, or a
    noun that names one, is near it): the consistency check compares only those, and the built-in rules
    report no exact figures.  Most figures in copy are exact and eventless ("12.3 mln dlrs"), and the
    context tests were most of the scan's cost; every quantity that is kept is the same as in a full scan.
    """
    global _last
    text = document.text
    last_document, last_text, last_exact, last_quantities = _last
    if last_document is document and last_text is text and (last_exact or not exact):
        return last_quantities
    lower = text.lower()
    lowered: str | None = lower
    if len(lowered) != len(text) or not text.isascii() and holds_any(text, _FOLD_TRAPS):  # the traps: not ASCII
        lowered = None
        exact = True  # the quick test for event words reads the lower-cased text
    cues: Sequence[int] = ()
    word_starts = None
    if not exact:  # then ``lowered`` is the lower-cased text
        word_starts, cues = _word_and_cue_starts(lower)
        if not word_starts and _DIGIT_RUN.search(lower) is None:
            # ``_CORE`` matches only at a core word, a digit or a currency sign (``_core_starts``): with none in
            # the text there is no hit, and no quantity (a short story with no figure, a title, a caption)
            _last = (document, text, exact, [])
            return _last[3]
    candidates: list[_Candidate] = []
    for hit in _hits(text, lower, None if exact else cues, word_starts):
        if not exact and hit.lastgroup == "num" and hit.start("num") == hit.start():
            # a bare number (no approximator, range or vague word) is exact or nothing: with no event cue
            # starting within the reach of ``_event`` and ``counted_noun`` it counts no event, and is not
            # needed; nor is it needed as the end of an earlier figure's search for its event, which would
            # find no event word there either
            if _no_event_near(cues, hit.start(), hit.end()):
                continue
        candidate = _Candidate(hit)
        if _interval(candidate, text):
            # the hit's text is all that is read of it from here: a regex match object (its groups' spans
            # included) kept for every quantity of a 50 MB draft was 3.5 bytes a character of the draft
            candidate.matched, candidate.hit = hit.group(), None
            candidates.append(candidate)
    quantities: list[Quantity] = []
    for index, candidate in enumerate(candidates):
        if not exact and candidate.kind == "exact":
            if _no_event_near(cues, candidate.start, candidate.end):
                continue
        counted = _count_context(candidate, text)
        if counted is None:
            continue
        noun, first, noun_end = counted
        if candidate.unit_noun:
            noun = candidate.unit_noun  # "less than a month": a month is counted
        end = candidate.end
        unit = "count"
        percent = _PERCENT_AFTER.match(text[end : end + 24]) if candidate.kind not in ("vague", "unknown") else None
        if percent:
            unit, end, noun = "percent", end + percent.end(), None
        elif candidate.unit:
            unit = candidate.unit
        elif (noun in CURRENCY_WORDS or _CURRENCY_SIGN.search(candidate.matched)
              or (candidate.num_text is not None and _PENCE.search(candidate.num_text))):
            unit = "money"
        stop = candidates[index + 1].start if index + 1 < len(candidates) else len(text)
        sentence = document.sentence_at(candidate.start)
        event = _NOUN_EVENT.get(noun or "") or _event(text, candidate.start, max(end, noun_end), sentence, stop,
                                                         lowered, None if exact else cues)
        if event is None and candidate.vague_name in _NEEDS_EVENT:
            continue
        quantities.append(
            Quantity(candidate.start, end, candidate.kind, candidate.low, candidate.high, unit, noun, event,
                     candidate.value)
        )
    _last = (document, text, exact, quantities)
    return quantities


class NumberMatcher(Matcher):
    """Reports the quantities of the classes (and units) a rule names in ``options``."""

    kind = "number"
    options_schema = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "classes": {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"enum": list(CLASSES)}},
            "units": {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"enum": list(UNITS)}},
        },
    }

    def __init__(self, rule: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(rule, **kwargs)
        classes = self.options.get("classes", ["bound", "approximate", "range", "vague", "unknown"])
        units = self.options.get("units", list(UNITS))
        if not set(classes) <= set(CLASSES) or not set(units) <= set(UNITS):
            raise RuleError(f"options.classes must be among {', '.join(CLASSES)}; units among {', '.join(UNITS)}")
        self.classes = frozenset(classes)
        self.units = frozenset(units)

    def wants(self, quantity: Quantity) -> bool:
        return quantity.kind in self.classes and quantity.unit in self.units

    def find(self, document, prior=()) -> Iterable[Match]:
        for quantity in scan(document, exact="exact" in self.classes):
            if self.wants(quantity):
                yield Match(quantity.start, quantity.end, data=quantity.data())

    @classmethod
    def group(cls, matchers: Sequence[Matcher]) -> MatcherGroup:
        return NumberGroup(matchers)


class NumberGroup(MatcherGroup):
    """Every number rule reads the same cached scan of the document."""

    def __init__(self, matchers: Sequence[Matcher]) -> None:
        super().__init__(matchers)
        #: whether a rule reports exact figures (then the scan keeps them all): known once, not per document
        self.exact = any("exact" in m.classes for m in self.matchers)  # type: ignore[attr-defined]

    def find(self, document, prior=()) -> Iterable[tuple[Matcher, Match]]:
        quantities = scan(document, exact=self.exact)
        if not quantities:
            return
        for matcher in self.matchers:
            assert isinstance(matcher, NumberMatcher)
            for quantity in quantities:
                if matcher.wants(quantity):
                    yield matcher, Match(quantity.start, quantity.end, data=quantity.data())
