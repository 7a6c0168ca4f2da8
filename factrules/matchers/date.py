"""The ``date`` kind: relative and vague time references, resolved against the article's date.

"last week", "on Sunday", "two days ago", "recently": a reader cannot place
them without the publication date, so an editor should replace them with
the date.  Finding them is cheap: one compiled regex (``CANDIDATES``) finds
every candidate in one pass for all date rules together; a few checks on
the neighbouring words drop names ("the Sunday Times", "Good Friday"),
weekdays followed by an absolute date ("Sunday, Feb. 11") and spans that are
not dates ("the second attack in a week").  Only the candidates are
resolved (``factrules.dates_resolve``: calendar arithmetic, and dateparser
for counted offsets such as "two days ago", cached per phrase).

A rule's ``options`` choose which expression ``families`` it reports, so a
pack can give each family its own message and severity while the scan is
still shared.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, ClassVar

import ahocorasick
import regex

from factrules import dates_resolve as cal
from factrules import rxcache
from factrules.acscan import iter_text
from factrules.matchers.base import Match, Matcher, MatcherGroup, RuleError
from factrules.numbers_text import parse_number

FAMILIES = ("relative-day", "weekday", "relative-period", "offset", "vague")

DEFAULT_MESSAGES = {
    "resolved": "'{text}' — {when}: give the date.",
    "unresolved": "'{text}' is relative to the publication date, which is not known: give the date "
                  "(or pass --date to resolve it).",
    "vague": "'{text}' is vague: give the date.",
}

# -- the one-pass candidate regex ------------------------------------------------
_NUMBER_WORD = (
    r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen"
    r"|seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred)"
    r"(?:[-\s](?:one|two|three|four|five|six|seven|eight|nine))?"
)
_VAGUE_COUNT = r"(?:a\s+couple\s+of|couple\s+of|a\s+few|few|several|some|many|a\s+number\s+of|a\s+handful\s+of)"
_NUMBER = rf"(?:\d{{1,4}}|an?|{_NUMBER_WORD}|{_VAGUE_COUNT})(?:\s+and\s+a\s+half)?"
_APPROX = r"(?:just|only|about|around|roughly|nearly|almost|approximately|some|more\s+than|less\s+than|barely|over)"
_UNIT = r"(?:minutes?|hours?|days?|weeks?|fortnights?|months?|years?|decades?|century|centuries)"
_WEEKDAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_MONTH = r"(?:january|february|march|april|may|june|july|august|september|october|november|december)"
_SEASON = r"(?:spring|summer|autumn|fall|winter)"
#: A count or a range of counts: "three", "four to six", "two or three".
_COUNT = rf"{_NUMBER}(?:\s+(?:to|or)\s+{_NUMBER})?"
#: What may follow a season for it to be a time ("by the summer, ...", "in the spring."), not a kind of thing
#: ("winter wheat", "summer camp", "the spring of 1986").
_SEASON_END = (
    r"(?=\s*(?:[,.;:!?)\"'”’—–]|$)|\s+(?:in|and|or|but|to|when|with|as|after|before|at|on|for|is|was|will|would"
    r"|could|should|may|might|if|because|while|so|than|from|by|the|a|an|he|she|it|they|we|this|that|months?)\b)"
)

CANDIDATES = rxcache.compile_re(  # a big pattern: its compiled code comes from the cache
    rf"""
    (?<![\w-])(?:
      # "in the past two weeks", "over the next few days": a span that ends or starts today
      (?P<span>(?:(?P<span_prep>in|over|during|within|throughout|for)\s+
           |(?=the\s+(?:past|last|next|coming)\s+(?!{_UNIT}(?![\w-])|quarters?(?![\w-]))\S))
         the\s+(?P<span_dir>past|last|previous|next|coming)
         \s+(?:(?P<span_num>{_NUMBER})(?:\s+(?:to|or)\s+(?P<span_num2>{_NUMBER}))?\s+)?
         (?P<span_unit>{_UNIT}|quarters?))
      # "two days ago", "a week from now", "in three weeks"
    | (?P<ago>(?:(?P<ago_approx>{_APPROX})\s+)?(?P<ago_num>{_NUMBER})\s+(?P<ago_unit>{_UNIT})\s+
         (?P<ago_dir>ago|from\s+now))
    | (?P<bare_ago>(?:(?:just|only|mere)\s+)?(?:minutes|hours|days|weeks|months|years|decades)\s+ago)
    | (?P<in>(?P<in_prep>in|within)\s+(?:(?P<in_approx>{_APPROX})\s+)?(?P<in_num>{_NUMBER})
         (?:\s+(?:to|or)\s+(?P<in_num2>{_NUMBER}))?\s+(?P<in_unit>{_UNIT})
         (?P<in_time>['’]s?\s+time)?)
      # "recently", "in recent weeks", "the other day", "in the coming days"
    | (?P<vague>recently|lately|of\s+late(?=\s*(?:[,.;:!?)"'”’—–]|$)|\s+(?:and|but|is|are|was|were|has|have|had)\b)
         |in\s+recent\s+(?:days|weeks|months|years|times)
         |the\s+other\s+day|not\s+(?:so\s+)?long\s+ago|a\s+(?:short\s+|little\s+)?while\s+ago
         |(?:a\s+(?:short|long)|some)\s+time\s+ago|in\s+the\s+(?:coming|days\s+and\s+weeks\s+ahead|near\s+future)
           (?:\s+(?:days|weeks|months|years))?
         |recent|soon)
      # "yesterday", "this morning", "last night", "the day before yesterday"
    | (?P<day>the\s+day\s+(?:before\s+yesterday|after\s+tomorrow)
         |(?:earlier|later)\s+today
         |(?:yesterday|tomorrow)(?:\s+(?:morning|afternoon|evening|night))?
         |this\s+(?:morning|afternoon|evening)|last\s+night|today|tonight|overnight)
      # "late last year", "earlier this week", "next month", "last March", "this summer"
    | (?P<period>(?:(?P<per_mod>earlier|later|early|mid|late|(?:the\s+)?(?:start|beginning|end|middle)\s+of
           |towards?\s+the\s+end\s+of)[\s-]+)?
         (?P<per_which>this\s+past|this\s+coming|this|last|next)\s+
         (?P<per_unit>weekend|week|month|year|quarter|season|harvest|(?:fiscal|financial|tax)\s+year|fiscal
           |{_SEASON}|{_MONTH}))
      # "by the summer", "in the autumn", "during late spring": a season with no year
    | (?P<season>(?:in|by|during|over|until|till|through|throughout|since|for)\s+(?:the\s+)?
         (?:(?P<season_mod>early|late|mid)[\s-]+)?(?P<season_name>spring|summer|autumn|winter){_SEASON_END})
      # "the previous week", "the week before": in a weekly report, the week before the one reported
    | (?P<prevweek>the\s+(?:previous|preceding|prior)\s+week|the\s+week\s+(?:before|earlier)(?=\s*[,.;:)]))
    | (?P<inthe>(?P<inthe_mod>earlier|later)\s+in\s+the\s+(?P<inthe_unit>week|month|year))
    | (?P<weekend>(?:over|at|during|on)\s+the\s+weekend)
      # "on Sunday", "last Thursday", "next Tuesday", "Friday night", "Thursday of last week"
    | (?P<weekday>(?:(?P<wd_prep>on|last|next|this\s+past|this\s+coming|this|(?:early|late)(?:\s+on)?)\s+)?
         (?P<wd_name>{_WEEKDAY})(?![\w-])
         (?:\s+(?P<wd_part>morning|afternoon|evening|night|overnight))?
         (?:\s+(?:of\s+)?(?P<wd_week>last|this|next)\s+week)?)
    )(?![\w-])
    """,
    re.VERBOSE,
)

_MONTH_WORD = rxcache.compile_re(_MONTH)
_VAGUE_COUNT_WORDS = rxcache.compile_re(_VAGUE_COUNT)

#: Every candidate contains one of these words (lower case).  ``candidates`` looks for them with
#: ``str.find`` (hundreds of MB/s) and runs ``CANDIDATES`` only in a small window around each, so the
#: cost of the date rules grows with the number of date-like words, not with the length of the text.
KEYS = (
    "ago", "day", "tonight", "overnight", "tomorrow", "recent", "late", "week", "month", "year", "fortnight",
    "decade", "centur", "hour", "minute", "future", "last", "next", "this", "soon", "spring", "summer", "autumn",
    "winter", "quarters",
)
_KEY_WORDS = frozenset(
    """ago today yesterday tonight tomorrow day days recent recently lately late week weeks weekend weekends
    month months year years fortnight fortnights decade decades century centuries hour hours minute minutes
    future last next this overnight soon spring summer autumn winter quarters""".split()
) | frozenset(cal.WEEKDAYS)
#: "last", "next" and "this" are keys only before the words that need them ("last night", "this morning",
#: "next March", "last fall"); before a unit or a weekday, that word is a key itself.
_AFTER_WHICH = rxcache.compile_re(
    rf"(?:\s+(?:past|coming))?\s+(?:night|morning|afternoon|evening|quarter|season|harvest|fiscal|financial|tax"
    rf"|{_SEASON}|{_MONTH})(?![\w-])"
)
_KEY_AUTOMATON = ahocorasick.Automaton()
for _key in KEYS:
    _KEY_AUTOMATON.add_word(_key, len(_key))
_KEY_AUTOMATON.make_automaton()
#: How far a candidate can reach before the start / after the start of the key it contains.
_LOOKBACK, _LOOKAHEAD = 64, 48


def lowered(text: str) -> str:
    """``text`` in lower case with its offsets unchanged (a few letters, such as 'İ', grow when lowered)."""
    low = text.lower()
    if len(low) == len(text):
        return low
    return "".join(ch if len(ch.lower()) != 1 else ch.lower() for ch in text)


def _key_hits(low: str) -> list[int]:
    """Start offsets of the whole words of ``_KEY_WORDS`` (sorted): "day" in "Sunday", not in "birthday".

    One Aho–Corasick pass finds every key: a ``str.find`` loop per key passed over the text once per key.
    """
    hits: set[int] = set()
    length = len(low)
    for last, size in iter_text(_KEY_AUTOMATON, low):
        start, end = last + 1 - size, last + 1
        while start and low[start - 1].isalpha():
            start -= 1
        if start in hits:
            continue
        while end < length and low[end].isalpha():
            end += 1
        word = low[start:end]
        if word in _KEY_WORDS and (word not in ("last", "next", "this") or _AFTER_WHICH.match(low, end)):
            hits.add(start)
    return sorted(hits)


_WORD_START = rxcache.compile_re(r"(?<![\w-])\w+")
#: The words a candidate can start with (any number too): the regex is tried only at these.
_FIRST_WORDS = frozenset(
    """in over during within throughout just only about around roughly nearly almost approximately some more less
    barely a an couple few several many mere minutes hours days weeks months years decades recently lately of the
    not earlier later yesterday tomorrow this last today tonight overnight early mid late start beginning end middle
    towards toward next at on one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen
    sixteen seventeen eighteen nineteen twenty thirty forty fifty sixty seventy eighty ninety hundred recent soon for
    by until till through since""".split()
) | frozenset(cal.WEEKDAYS)


#: First words that open a candidate only before one of a few words ("the other day", "the end of",
#: "of late"): before a key they are everywhere, and trying ``CANDIDATES`` at each was most of its misses.
_ONLY_BEFORE = {
    "the": rxcache.compile_re(
        r"\s+(?:other|day|start|beginning|end|middle|past|last|previous|preceding|prior|next|coming|week)"
    ),
    "of": rxcache.compile_re(r"\s+late"),
    "for": rxcache.compile_re(r"\s+the\s+(?:past|last|previous|next|coming|spring|summer|autumn|winter)"),
}
#: "by", "until", "since"... open only a season ("by the summer", "until late spring").
_BEFORE_SEASON = rxcache.compile_re(r"\s+(?:the\s+)?(?:(?:early|late|mid)[\s-]+)?(?:spring|summer|autumn|winter)")
for _word in ("by", "until", "till", "through", "since"):
    _ONLY_BEFORE[_word] = _BEFORE_SEASON


#: Every letter run a candidate can consume is one of these (the letter runs of ``CANDIDATES``' source, each
#: also without its last letter for an optional "s?"): a superset, so a word not in it cannot be inside one.
_CANDIDATE_WORDS = frozenset(
    word for run in rxcache.compile_re(r"[a-z]+").findall(CANDIDATES.pattern) for word in (run, run[:-1]) if word
)


#: Going back through a reversed stretch: the separators (spaces, hyphens) before a word, then the word.
_BACK_STEP = rxcache.compile_re(r"[\s-]*([^\W_]*)")
#: A word and the hyphens and letters joined to it (``[^\W_]`` is ``str.isalnum``).
_WORD_REST = rxcache.compile_re(r"(?:[^\W_]|-)*")


def _run_start(low: str, at: int, floor: int) -> int:
    """The start of the run of candidate words that ends at the key at ``at`` (no further back than ``floor``).

    Inside a candidate, words are whole words of ``_CANDIDATE_WORDS`` or digits, split only by spaces or
    hyphens; so a candidate that reaches the key cannot start before the nearest word or separator that is
    not one of those, and the regex need not be tried at any word before it.

    The run is read a word at a time, one C-level match of ``_BACK_STEP`` on the reversed stretch per word
    (separators and word together), not a character at a time (``tests/test_dates.py`` keeps that loop and
    holds this one to it).
    """
    back = low[floor:at][::-1]  # offset ``i`` in ``back`` is ``at - i`` in ``low``
    size = len(back)
    position = 0
    while position < size:
        step = _BACK_STEP.match(back, position)
        cut = step.start(1)
        if cut == position:
            return at - position  # no separator before this word: the run starts at it
        if cut == size:
            return floor
        end = step.end()
        if end == size:
            return floor
        word = low[at - end:at - cut]
        if word not in _CANDIDATE_WORDS and not word.isdigit():
            return at - position
        position = end
    return floor


def candidates(low: str) -> Iterator[re.Match[str]]:
    """Candidate matches of ``CANDIDATES`` in lower-cased text, found through the ``KEYS`` around them.

    Around each key the regex is tried only at the starts of the few words
    before it (a candidate starts at a word), leftmost first, so the result
    is the same as ``CANDIDATES.finditer(low)`` (a test checks this) at a
    fraction of the cost.
    """
    done = 0
    length = len(low)
    for at in _key_hits(low):
        if at < done:
            continue
        stop = _WORD_REST.match(low, min(length, at + _LOOKAHEAD)).end()  # "last week|end" is not "last week"
        skip_to = 0
        floor = max(done, at - _LOOKBACK)
        for word in _WORD_START.finditer(low, _run_start(low, at, floor), stop):
            word_start = word.start()
            if word_start > at:
                break
            if word_start < skip_to:
                continue
            first = word.group()
            if first not in _FIRST_WORDS and not first[0].isdigit():
                continue
            only_before = _ONLY_BEFORE.get(first)
            if only_before is not None and not only_before.match(low, word.end()):
                continue
            match = CANDIDATES.match(low, word_start, stop)
            if match is None:
                continue
            if match.end() > at:
                done = match.end()
                yield match
                break
            skip_to = match.end()  # a candidate before this key: the scan goes on after it, as finditer would


#: Words that make the next word part of a name or a generic day ("the Sunday Times", "every Monday").
_DETERMINER_BEFORE = rxcache.compile(
    r"\b(?:the|a|an|every|each|that|one|any|his|her|its|their|our|my|your|whose)\s+$", regex.IGNORECASE
)
#: Before "last week" / "next year", a possessive also makes it "the final one": "the company's last year".
_POSSESSIVE_BEFORE = rxcache.compile(r"\w['’]s\s+$")
_WORD_BEFORE = rxcache.compile(r"(\S+)\s+$")
_MONTH_SHORT = r"(?:jan|feb|mar|apr|jun|jul|aug|sept?|oct|nov|dec)\.?"
#: An absolute date right after a weekday: "Sunday, Feb. 11", "Sunday 11 February", "Sunday (Feb. 11)".
_DATE_AFTER = rxcache.compile(
    rf"\s*,?\s*\(?\s*(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:{_MONTH}|{_MONTH_SHORT})(?!\w)"
    rf"|(?:{_MONTH}|{_MONTH_SHORT})\s+\d{{1,2}}(?!\d)|the\s+\d{{1,2}}(?:st|nd|rd|th)\b|\d{{1,2}}/\d{{1,2}}\b)",
    regex.IGNORECASE,
)
#: "overnight" as an adverb, at the end of its clause ("shelled the city overnight."); before a weekday
#: ("overnight Saturday") the weekday is the date.
_OVERNIGHT_ADVERB = rxcache.compile(
    r"\s*(?:[,.;:!?)—–\"”']|$)"
)
_OF_AFTER = rxcache.compile(r"\s+of\b", regex.IGNORECASE)
#: Days that are names whatever surrounds them.
_NAMED_DAYS = rxcache.compile(
    r"\b(?:good|black|cyber|super|ash|easter|palm|holy|maundy|bloody|shrove|giving|fat)\s+$", regex.IGNORECASE
)
#: The first word of the Sunday papers titled "<Name> on Sunday" (case-sensitive: a title is capitalised).
_PAPER_BEFORE = rxcache.compile(r"\b(?:Mail|Independent|Scotland|Wales|Express)\s+$")
_CAPITALISED_AFTER = rxcache.compile(r"[ \t]+(\p{Lu}[\p{Ll}\p{Lu}]+)")
#: After a bare weekday, nouns that make it a kind of thing, not a day: "Sunday school", "the Sunday papers".
_HABIT_AFTER = rxcache.compile(r"[ \t]+(?:schools?|papers?|editions?|supplements?|roasts?|best|trading)\b",
                             regex.IGNORECASE)
#: Before "in a week": an ordinal or superlative makes it a span ("the second attack in a week").
_SPAN_CONTEXT = rxcache.compile(
    r"\b(?:first|second|third|fourth|fifth|\d+(?:st|nd|rd|th)|last|latest|only|time|times|once|twice|most|least"
    r"|biggest|largest|greatest|highest|lowest|smallest|worst|best|deadliest|longest|fastest|strongest|heaviest"
    r"|earliest)\b[^.;:]*$",
    regex.IGNORECASE,
)
_FUTURE = rxcache.compile(
    r"\b(?:will|won['’]t|shall|would|going\s+to|(?:is|are|was|were|be)\s+(?:(?:set|slated|poised)\s+to|due|expected)"
    r"|plans?\s+to|planning\s+to|planned|scheduled|intends?\s+to|upcoming|next|ahead\s+of|to\s+be\s+held"
    r"|(?:is|are)\s+to|(?:is|are)\s+\w+ing)\b|['’]ll\b",
    regex.IGNORECASE,
)
_PAST_WORDS = frozenset(
    "said told was were had did ago began came went took made met held left fell saw gave got won lost hit struck "
    "fought shot sent spoke wrote ran broke".split()
)
#: words ending in "ed" that are not past tenses, or whose tense is read elsewhere ("planned" is a plan)
_NOT_PAST_ED = frozenset(
    "need seed speed feed bleed breed indeed hundred sacred naked wicked kindred planned scheduled expected".split()
)
_WORD_RUN = rxcache.compile(r"\b\w+")
#: matches (empty) where no "be"/"been"/"get" stands just before: a participle after "be" ("will be held")
#: takes its tense from the auxiliary
_NOT_AFTER_BE = rxcache.compile(r"(?<!\b(?:be|been|being|get|gets)\s+)")


def _past_markers(text: str, start: int, end: int) -> Iterator[tuple[int, int]]:
    """Past-tense markers in ``text[start:end]``: whole lower-case words in ``_PAST_WORDS``, or ending in "ed".

    This reads, word by word, what a regex used to find (``tests/test_dates.py`` keeps that regex as the
    definition and holds this function to it, windows and look-behind included).

    A marker is a whole word of lower-case ASCII letters (the regex's ``[a-z]`` between two word
    boundaries), so each word is tested as a string instead of the regex trying its alternation and
    look-behind at every character; the look-behind itself runs only on the few words that qualify.
    """
    for word in _WORD_RUN.finditer(text, start, end):
        token = word.group()
        if not (token in _PAST_WORDS or (len(token) >= 4 and token.endswith("ed") and token not in _NOT_PAST_ED)):
            continue
        if not (token.isascii() and token.isalpha() and token.islower()):
            continue
        if _NOT_AFTER_BE.match(text, word.start()):
            yield word.span()


@dataclass(frozen=True, slots=True)
class Resolution:
    """What a candidate means: its family, and the interval it resolves to (when it can)."""

    family: str
    start: dt.date | None = None
    end: dt.date | None = None
    vague: bool = False
    tense: str | None = None
    approximate: bool = False


@lru_cache(maxsize=64)
def _unresolved(family: str, vague: bool = False, tense: str | None = None) -> Resolution:
    """A resolution without an interval: one shared object per family, vagueness and tense (it is frozen), not
    a new dataclass per candidate (most candidates, when the article's date is not known)."""
    return Resolution(family, vague=vague, tense=tense)


class DateMatcher(Matcher):
    """Relative and vague dates; ``options.families`` picks which this rule reports."""

    kind = "date"
    options_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "families": {"type": "array", "minItems": 1, "uniqueItems": True, "items": {"enum": list(FAMILIES)}},
            "same_weekday": {
                "enum": ["before", "today"],
                "description": "a weekday equal to the article's: the one a week away (default) or the day itself",
            },
            "message_unresolved": {"type": "string", "minLength": 1},
            "message_vague": {"type": "string", "minLength": 1},
        },
    }

    def __init__(self, rule: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(rule, **kwargs)
        families = self.options.get("families", list(FAMILIES))
        unknown = [f for f in families if f not in FAMILIES]
        if unknown:
            raise RuleError(f"unknown date families {unknown} (known: {', '.join(FAMILIES)})")
        self.families = frozenset(families)
        self.same_weekday_today = self.options.get("same_weekday", "before") == "today"
        self.messages = {
            "resolved": rule.get("message") or DEFAULT_MESSAGES["resolved"],
            "unresolved": self.options.get("message_unresolved", DEFAULT_MESSAGES["unresolved"]),
            "vague": self.options.get("message_vague", DEFAULT_MESSAGES["vague"]),
        }

    def find(self, document, prior=()) -> Iterable[Match]:
        for _, match in DateGroup([self]).find(document, prior):
            yield match

    @classmethod
    def group(cls, matchers: Sequence[Matcher]) -> MatcherGroup:
        return DateGroup(matchers)

    def to_match(self, start: int, end: int, resolution: Resolution) -> Match:
        """The finding's data and message for one resolved (or unresolvable) candidate."""
        data: dict[str, Any] = {"family": resolution.family, "resolved_start": None, "resolved_end": None}
        if resolution.tense:
            data["tense"] = resolution.tense
        if resolution.vague:
            data["vague"] = True
            return Match(start, end, data=data, message=self.messages["vague"])
        if resolution.start is None or resolution.end is None:
            return Match(start, end, data=data, message=self.messages["unresolved"])
        when = cal.format_interval(resolution.start, resolution.end)
        if resolution.approximate:
            when = "about " + when
            data["approximate"] = True
        data.update(resolved_start=resolution.start.isoformat(), resolved_end=resolution.end.isoformat(), when=when)
        return Match(start, end, data=data, message=self.messages["resolved"])


class DateGroup(MatcherGroup):
    """One scan of the candidate regex for every date rule; each rule keeps the families it reports."""

    def find(self, document, prior=()) -> Iterable[tuple[Matcher, Match]]:
        matchers: list[DateMatcher] | None = None
        day = None
        # the rules and the article's date are read at the first candidate: most short copy has none
        for hit in candidates(lowered(document.text)):
            if matchers is None:
                matchers = [m for m in self.matchers if isinstance(m, DateMatcher)]
                day = document.metadata.get("date")
                if isinstance(day, dt.datetime):
                    day = day.date()
                if not isinstance(day, dt.date):
                    day = None
            if not matchers:
                return
            resolutions: dict[bool, Resolution | None] = {}
            for matcher in matchers:
                flag = matcher.same_weekday_today
                if flag not in resolutions:
                    resolutions[flag] = interpret(hit, document, day, same_weekday_today=flag)
                resolution = resolutions[flag]
                if resolution is not None and resolution.family in matcher.families:
                    yield matcher, matcher.to_match(hit.start(), hit.end(), resolution)


# -- reading one candidate -----------------------------------------------------------
def _sentence(document: Any, start: int) -> tuple[int, int]:
    return document.sentence_at(start)


def tense_at(text: str, sentence: tuple[int, int], start: int, end: int, default: str = "past") -> str:
    """"past" or "future": the tense marker nearest to the expression in its sentence wins.

    News copy is mostly past tense, so a sentence without markers is past
    unless ``default`` says otherwise.  Markers inside the expression itself
    are ignored (the caller has already read "last" / "next" there).
    """
    s_start, s_end = min(sentence[0], start), max(sentence[1], end)
    best: tuple[int, str] | None = None
    future = (marker.span() for marker in _FUTURE.finditer(text, s_start, s_end))
    for markers, tense in ((future, "future"), (_past_markers(text, s_start, s_end), "past")):
        for marker_start, marker_end in markers:
            if marker_start < end and start < marker_end:
                continue
            distance = start - marker_end if marker_end <= start else marker_start - end
            if best is None or distance < best[0]:
                best = (distance, tense)
    return best[1] if best else default


def _is_name(text: str, start: int, end: int, sentence_start: int, bare: bool) -> bool:
    """A weekday that belongs to a name or a habit: "Good Friday", "the Sunday Times", "every Monday".

    Only a bare weekday (no "on" / "last" / "next" before it) is read as part
    of a name when a capitalised word touches it; "on Sunday Russia said" is
    still a date.
    """
    window = max(sentence_start, start - 40)
    before = text[window:start]
    if _DETERMINER_BEFORE.search(before) or _NAMED_DAYS.search(before):
        return True
    if not bare:
        return False
    previous = _WORD_BEFORE.search(before)
    if previous:
        word = previous.group(1).strip("\"'“‘(")
        at_sentence_start = window + previous.start(1) <= sentence_start + 1
        if word[:1].isupper() and not at_sentence_start and not previous.group(1).endswith((",", ";", ":")):
            return True  # "Good Friday", "Super Tuesday", "Easter Sunday"
    if _HABIT_AFTER.match(text, end):
        return True
    after = _CAPITALISED_AFTER.match(text, end)
    return bool(after and not _MONTH_WORD.fullmatch(after.group(1).lower()))


def interpret(hit: re.Match[str], document: Any, day: dt.date | None, *,
              same_weekday_today: bool = False) -> Resolution | None:
    """Decide whether a candidate is a relative date, and what it resolves to; ``None`` drops it."""
    text = document.text
    start, end = hit.span()
    kind = hit.lastgroup  # the alternative that matched: each is a named group, the last to close
    groups = hit
    sentence = _sentence(document, start)
    before = text[max(sentence[0], start - 40):start]

    if kind == "weekday":
        return _weekday(hit, text, sentence, day, same_weekday_today)
    if kind == "period":
        return _period(hit, text, sentence, before, day)
    if kind == "day":
        phrase = " ".join(groups["day"].split())
        word = text[start:end].split()[0]
        if word[:1].isupper() and start > sentence[0] + 1 and phrase in ("today", "tonight", "yesterday", "tomorrow"):
            return None  # "USA Today", "the Today programme", "Tonight Show"
        if phrase == "overnight" and not _OVERNIGHT_ADVERB.match(text, end):
            return None  # "an overnight curfew", "overnight stays": an adjective, not a time
        if day is None:
            return _unresolved("relative-day")
        if phrase == "overnight":  # the night before the article: from the day before to its date
            return Resolution("relative-day", day - dt.timedelta(days=1), day)
        if phrase.startswith("the day"):
            offset = cal.parsed_offset(phrase)
            if offset is None:
                return _unresolved("relative-day")
            target = day + dt.timedelta(days=offset[0])
        elif phrase.startswith(("yesterday", "last night")):
            target = day - dt.timedelta(days=1)
        elif phrase.startswith("tomorrow"):
            target = day + dt.timedelta(days=1)
        else:
            target = day
        return Resolution("relative-day", target, target)
    if kind == "weekend":
        tense = tense_at(text, sentence, start, end)
        if day is None:
            return _unresolved("relative-period", False, tense)
        first, last = cal.weekend(day, tense)
        return Resolution("relative-period", first, last, tense=tense)
    if kind == "inthe":
        if day is None:
            return _unresolved("relative-period")
        unit = groups["inthe_unit"].lower()
        interval = cal.narrow(cal.period(day, "this", unit), unit, groups["inthe_mod"].lower(), day)
        return Resolution("relative-period", *interval)
    if kind == "vague":
        word = groups["vague"]
        if word == "soon" and (_SOON_BEFORE.search(before) or _SOON_AFTER.match(text, end)):
            return None  # "as soon as", "soon after the vote": relative to another event, not to the day of writing
        return _unresolved("vague", True)
    if kind == "season":
        return _season(hit, text, sentence, day)
    if kind == "prevweek":
        if day is None:
            return _unresolved("relative-period")
        return Resolution("relative-period", *cal.period(day, "last", "week"), approximate=True)
    if kind == "bare_ago":
        return _unresolved("vague", True)
    if kind == "ago":
        return _offset(groups["ago_num"], groups["ago_unit"], groups["ago_dir"], groups["ago_approx"], day)
    if kind == "in":
        if _SPAN_CONTEXT.search(text, sentence[0], start):
            return None  # "the second attack in a week", "the first time in two years"
        within = groups["in_prep"] == "within"
        if within and _OF_AFTER.match(text, end):
            return None  # "within two days of the attack": counted from the attack
        long_unit = _singular(groups["in_unit"]) in _LONG_OFFSET_UNITS
        if not (within or groups["in_time"] or (long_unit and _FUTURE.search(text, sentence[0], start))
                or tense_at(text, sentence, start, end) == "future"):
            return None  # "killed in two days of fighting": a span, not a date
        number = groups["in_num2"] or groups["in_num"]
        approx = groups["in_approx"] or groups["in_num2"]
        if within:
            return _within(number, groups["in_unit"], approx, day)
        return _offset(number, groups["in_unit"], "in", approx, day)
    if kind == "span":
        if _OF_AFTER.match(text, end):
            return None  # "in the last week of January"
        return _span(groups, day)
    return None


#: Units after which "in N units" in a sentence with a future marker anywhere before it is a date ("will grow
#: ... in five years, it said"); "could fly to Tokyo in two hours" is a duration.
_LONG_OFFSET_UNITS = frozenset({"week", "fortnight", "month", "year", "decade"})
#: "as soon as", "too soon to say", "how soon": not a time; "soon after the vote" counts from the vote.
_SOON_BEFORE = rxcache.compile(r"\b(?:as|too|how|so)\s+$", regex.IGNORECASE)
_SOON_AFTER = rxcache.compile(r"\s+(?:after|afterwards?|thereafter|as|before|enough)\b", regex.IGNORECASE)
#: Periods whose bounds a desk defines ("this financial year", "next season", "the next harvest"): flagged as
#: vague, since no calendar gives their dates.
_UNCALENDARED = frozenset({"season", "harvest", "fiscal", "fiscal year", "financial year", "tax year"})


def _season(hit: re.Match[str], text: str, sentence: tuple[int, int], day: dt.date | None) -> Resolution:
    """"by the summer", "in the autumn": the season of that name nearest the article's date in the sentence's
    tense (the coming one in a future sentence, the last one in a past one)."""
    start, end = hit.span()
    tense = _event_tense(text, sentence, start, end)
    if day is None:
        return _unresolved("relative-period", False, tense)
    name = hit.group("season_name")
    interval = cal.season_near(day, name, tense)
    if hit.group("season_mod"):
        interval = cal.narrow(interval, "other", hit.group("season_mod"), day)
    return Resolution("relative-period", *interval, tense=tense)


#: Verbs of reporting: their tense is the reporter's, not the event's ("is due by the summer, it said").
_REPORTING = frozenset("said told added stated noted announced reported".split())


def _event_tense(text: str, sentence: tuple[int, int], start: int, end: int) -> str:
    """The tense of the event a season or span belongs to: any future marker before it in the sentence makes
    it future, past markers count only when they are not verbs of reporting, and with neither it is future
    (a season with no year in copy is mostly the coming one)."""
    if _FUTURE.search(text, sentence[0], start):
        return "future"
    best: tuple[int, str] | None = None
    for marker_start, marker_end in _past_markers(text, sentence[0], sentence[1]):
        if text[marker_start:marker_end] in _REPORTING or (marker_start < end and start < marker_end):
            continue
        distance = start - marker_end if marker_end <= start else marker_start - end
        if best is None or distance < best[0]:
            best = (distance, "past")
    future_after = _FUTURE.search(text, end, sentence[1])
    if future_after and (best is None or future_after.start() - end < best[0]):
        return "future"
    return best[1] if best else "future"


def _within(number: str, unit_text: str, approx: str | None, day: dt.date | None) -> Resolution:
    """"within two years": from the article's date to the end of the span."""
    landing = _offset(number, unit_text, "in", approx, day)
    if landing.start is None or landing.end is None or day is None:
        return landing
    return Resolution("offset", day, landing.end, approximate=landing.approximate)


def _weekday(hit: re.Match[str], text: str, sentence: tuple[int, int], day: dt.date | None,
             same_weekday_today: bool) -> Resolution | None:
    start, end = hit.span()
    name = text[hit.start("wd_name"):hit.end("wd_name")]  # ``hit`` is on lower-cased text
    if not name[:1].isupper():
        return None  # weekdays are capitalised in copy; "sunday" in lower case is not prose
    prep = " ".join((hit.group("wd_prep") or "").lower().split())
    if _DATE_AFTER.match(text, hit.end("wd_name")):
        return None  # "Sunday, Feb. 11": the absolute date is there
    if _is_name(text, start, end, sentence[0], bare=not prep):
        return None
    if prep == "on" and _PAPER_BEFORE.search(text, max(0, start - 16), start):
        return None  # "the Mail on Sunday", "Scotland on Sunday": newspaper titles
    weekday = cal.WEEKDAYS.index(name.lower())
    week = hit.group("wd_week")
    if week:
        tense = "past" if week.lower() == "last" else "future" if week.lower() == "next" else None
        if day is None:
            return _unresolved("weekday", False, tense)
        target = cal.weekday_in_week(day, weekday, week.lower())
        return Resolution("weekday", target, target, tense=tense)
    if prep in ("last", "this past"):
        tense = "past"
    elif prep in ("next", "this coming"):
        tense = "future"
    else:
        tense = tense_at(text, sentence, start, end, default="future" if prep == "this" else "past")
    if day is None:
        return _unresolved("weekday", False, tense)
    if tense == "future":
        target = cal.weekday_after(day, weekday, include_today=same_weekday_today and prep not in ("next",))
    else:
        target = cal.weekday_before(day, weekday, include_today=same_weekday_today and prep not in ("last",))
    return Resolution("weekday", target, target, tense=tense)


def _period(hit: re.Match[str], text: str, sentence: tuple[int, int], before: str,
            day: dt.date | None) -> Resolution | None:
    start, end = hit.span()
    which = " ".join(hit.group("per_which").lower().split())
    unit_text = text[hit.start("per_unit"):hit.end("per_unit")]  # ``hit`` is on lower-cased text
    unit = unit_text.lower()
    mod = hit.group("per_mod")
    if not mod and (_DETERMINER_BEFORE.search(before) or _POSSESSIVE_BEFORE.search(before)):
        return None  # "the last week of January", "his last year in office", "the next month"
    if unit in cal.MONTHS and not unit_text[:1].isupper():
        return None  # "this may be", "last march"
    if which == "this past":
        which = "last"
    elif which == "this coming":
        which = "next"
    part = None
    if mod:
        mod_words = mod.lower().split()
        part = ("early" if mod_words[-2:-1] in (["start"], ["beginning"]) else
                "mid" if "middle" in mod_words else
                "late" if "end" in mod_words else mod_words[0])
    if unit == "weekend":
        tense = "past" if which == "last" else "future" if which == "next" else tense_at(
            text, sentence, start, end, default="future")
        if day is None:
            return _unresolved("relative-period", False, tense)
        return Resolution("relative-period", *cal.weekend(day, tense, which), tense=tense)
    unit = " ".join(unit.split())
    if unit in _UNCALENDARED:
        return _unresolved("relative-period", True)
    if day is None:
        return _unresolved("relative-period")
    if unit in cal.MONTHS:
        interval = cal.named_month(day, which, cal.MONTHS.index(unit) + 1)
    elif unit in cal.SEASONS:
        interval = cal.season(day, which, unit)
    else:
        interval = cal.period(day, which, unit)
    if part:
        interval = cal.narrow(interval, unit if unit in ("week", "month", "year") else "other", part, day)
    return Resolution("relative-period", *interval)


def _singular(unit: str) -> str:
    unit = unit.lower()
    return "century" if unit == "centuries" else unit[:-1] if unit.endswith("s") else unit


_NUMBER_FOR_DATEPARSER = {"a couple of": "2", "couple of": "2"}


def _offset(number: str, unit_text: str, direction: str, approx: str | None, day: dt.date | None) -> Resolution:
    """"two days ago", "a week from now", "in three weeks": dateparser reads the count and unit."""
    count = " ".join(number.lower().split())
    count = _NUMBER_FOR_DATEPARSER.get(count, count)
    unit = _singular(unit_text)
    if _VAGUE_COUNT_WORDS.fullmatch(count):
        return _unresolved("vague", True)
    if day is None:
        return _unresolved("offset")
    unit_word = "fortnight" if unit == "fortnight" else unit_text.lower()
    direction = " ".join(direction.lower().split())
    phrase = f"in {count} {unit_word}" if direction == "in" else f"{count} {unit_word} {direction}"
    offset = cal.parsed_offset(phrase)
    if offset is None:
        return _unresolved("vague", True)
    interval = cal.apply_offset(day, offset, unit)
    return Resolution("offset", *interval, approximate=bool(approx))


def _span(groups: re.Match[str], day: dt.date | None) -> Resolution:
    """"in the past two weeks" = from two weeks before the article's date to that date."""
    unit = _singular(groups["span_unit"])
    number = " ".join((groups["span_num2"] or groups["span_num"] or "").lower().split())
    number = _NUMBER_FOR_DATEPARSER.get(number, number)
    if (not number and groups["span_unit"].lower().endswith("s")) or _VAGUE_COUNT_WORDS.fullmatch(number):
        return _unresolved("vague", True)  # "in the coming weeks", "over the past few days"
    if day is None:
        return _unresolved("offset")
    approximate = bool(groups["span_num2"])
    span_unit = groups["span_unit"].lower() if number else unit
    if unit == "quarter":  # dateparser has no quarters: three months each
        count = parse_number(number or "one")
        if count is None:
            return _unresolved("vague", True)
        number, span_unit, unit = str(int(count * 3)), "months", "month"
    offset = _span_offset(number or "1", span_unit)
    if offset is None:
        return _unresolved("vague", True)
    if groups["span_dir"].lower() in ("next", "coming"):
        return Resolution("offset", day, cal.shift_back(day, (-offset[0], -offset[1]), unit), approximate=approximate)
    return Resolution("offset", cal.shift_back(day, offset, unit), day, approximate=approximate)


@lru_cache(maxsize=1024)
def _span_offset(number: str, unit_text: str) -> tuple[int, int] | None:
    return cal.parsed_offset(f"{number} {unit_text} ago")
