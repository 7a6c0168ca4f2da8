"""The ``dates`` consistency check: one event put on two different weekdays in one document.

An event is a scheduled or reported thing named by a noun ("The vote is on Wednesday" /
"Thursday's vote") or what happened to a named person ("Okonkwo died on Monday" / "Okonkwo's death on
Sunday").  Mentions of one event (the same noun, or the same verb and surname) that give different
weekdays conflict.  The weekday named most often is taken as the intended one and each other weekday
gets one finding, with the majority's places as related locations; with no majority each weekday is
flagged once.  When the article's date is known, each weekday is resolved to a calendar day (the next
such day for a future event, the last one for a past event: ``dates_resolve``) and shown.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import regex

from factrules import rxcache
from factrules.dates_resolve import weekday_after, weekday_before
from factrules.matchers.base import Match
from factrules.matchers.related import describe, location

WEEKDAYS = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
_DAY = r"(?P<day>(?i:mon|tues|wednes|thurs|fri|satur|sun)day)"
#: Nouns of events that happen on one day.
_NOUNS = (r"(?P<noun>vote|election|referendum|ballot|meeting|summit|talks|hearing|trial|verdict|funeral|"
          r"strike|walkout|debate|inauguration|ceremony|launch|auction|match|final|race|rally|protest|"
          r"conference|announcement|deadline|attack|bombing|explosion|blast|crash|raid|shooting)s?")
#: What happens to a person on one day, with the noun it shares an event with ("died" / "death").
_VERBS = {"died": "death", "death": "death", "killed": "death", "arrested": "arrest", "arrest": "arrest",
          "resigned": "resignation", "resignation": "resignation", "released": "release", "release": "release",
          "born": "birth", "birth": "birth", "elected": "election", "sentenced": "sentence", "buried": "burial",
          "burial": "burial", "disappeared": "disappearance", "disappearance": "disappearance"}
_VERB = r"(?P<verb>died|(?:was|were)\s+(?:killed|arrested|released|born|elected|sentenced|buried)|resigned|disappeared)"
_SUBJECT = r"(?P<subject>\p{Lu}[\p{L}'’-]+)"
_PATTERNS = [
    # "The vote is on Wednesday", "the summit, scheduled for Friday"
    rxcache.compile(r"(?i:\b" + _NOUNS + r")\b(?:\s+(?:is|was|will\s+be|would\s+be|takes\s+place|took\s+place|"
                  r"is\s+(?:scheduled|set|due|expected)|was\s+(?:scheduled|set|held)|scheduled|set|due|held))?"
                  r",?\s+(?:on|for|until|next|last|this)\s+" + _DAY + r"\b"),
    # "Thursday's vote", "Thursday's parliamentary vote"
    rxcache.compile(_DAY + r"['’]s\s+(?:\p{Ll}+\s+)?(?i:" + _NOUNS + r")\b"),
    # "Okonkwo died on Monday", "Okonkwo, 71, died in hospital on Sunday"
    rxcache.compile(_SUBJECT + r"(?:,[^,.\n]{1,40},)?\s+" + _VERB + r"\b(?:\s+[\p{Ll}\d]+){0,4}?\s+on\s+" + _DAY
                  + r"\b"),
    # "Okonkwo's death on Sunday"
    rxcache.compile(_SUBJECT + r"['’]s\s+(?P<verb>death|arrest|resignation|release|birth|burial|disappearance)"
                  r"\s+on\s+" + _DAY + r"\b"),
]
_FUTURE = rxcache.compile(r"(?i)\b(?:will|is\s+(?:due|set|scheduled|expected|to)|are\s+(?:due|set|to)|"
                        r"(?:is|are)\s+on|next|upcoming|plans?\s+to|expect(?:s|ed)?)\b")
_NOT_SUBJECTS = frozenset("the a an he she it they we who which that this there".split())


@dataclass(slots=True)
class _Mention:
    start: int
    end: int
    event: str
    weekday: int
    future: bool


_ANY_DAY = rxcache.compile(r"(?i)(?:mon|tues|wednes|thurs|fri|satur|sun)day")
#: How far before and after a weekday an event's words may stand (the patterns' longest reach).
_BEFORE, _AFTER = 120, 60


def _windows(text: str) -> list[tuple[int, int]]:
    """Stretches of text around each weekday: most copy names none, and then nothing else is searched.

    None either when the copy names only one weekday, however often: a conflict needs two different
    ones, and every weekday a mention gives is one of these hits.
    """
    windows: list[tuple[int, int]] = []
    days: set[str] = set()
    for hit in _ANY_DAY.finditer(text):
        days.add(hit.group().lower())
        start, end = max(0, hit.start() - _BEFORE), hit.end() + _AFTER
        if windows and start <= windows[-1][1]:
            windows[-1] = (windows[-1][0], end)
        else:
            windows.append((start, end))
    return windows if len(days) > 1 else []


def names_two_weekdays(document: Any) -> bool:
    """Could ``_windows`` find two different weekdays?  False is a proof that it cannot, from seven substring
    tests of the folded copy (most copy names one weekday or none) instead of a case-insensitive scan.

    Every weekday ``_ANY_DAY`` matches stands in the folded copy (lower case, "ſ" as "s") spelled as in
    ``WEEKDAYS``; a text that folds to another length has no folded copy, and is scanned.
    """
    folded = getattr(document, "folded", None)
    if folded is None:
        return True
    if folded.count("day") < 2:
        return False  # one search in C: two weekdays are two "day"s
    return sum(day in folded for day in WEEKDAYS) > 1


def _mentions(document: Any) -> list[_Mention]:
    text = document.text
    found: dict[int, _Mention] = {}
    if not names_two_weekdays(document):
        return []  # most copy: no two different weekdays, proved without the scan
    windows = _windows(text)
    hits = (hit for start, end in windows for pattern in _PATTERNS for hit in pattern.finditer(text, start, end))
    for hit in hits:
        event = _event(hit)
        day_start, day_end = hit.span("day")
        if event is None or day_start in found:
            continue
        sentence = document.sentence_at(day_start)
        future = _FUTURE.search(text, sentence[0], sentence[1]) is not None
        found[day_start] = _Mention(day_start, day_end, event, WEEKDAYS.index(hit.group("day").lower()), future)
    return sorted(found.values(), key=lambda m: m.start)


def _event(hit: regex.Match[str]) -> str | None:
    groups = hit.groupdict()
    if groups.get("noun"):
        noun = groups["noun"].lower()
        return noun[:-1] if noun.endswith("s") and noun not in ("talks", "ss") else noun
    subject = groups["subject"].rstrip("'’").lower()
    if subject in _NOT_SUBJECTS:
        return None
    return f"{_VERBS[groups['verb'].split()[-1].lower()]} of {groups['subject']}"


def _article_day(document: Any) -> dt.date | None:
    value = document.date
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value[:10])
        except ValueError:
            return None
    return None


def _resolved(mention: _Mention, day: dt.date | None) -> str | None:
    if day is None:
        return None
    pick = weekday_after if mention.future else weekday_before
    return pick(day, mention.weekday, include_today=True).isoformat()


def date_matches(document: Any) -> Iterable[Match]:
    """One match per minority weekday of each event named with two or more weekdays."""
    by_event: dict[str, list[_Mention]] = defaultdict(list)
    for mention in _mentions(document):
        by_event[mention.event].append(mention)
    if not by_event:
        return []  # most copy names no event on a weekday
    article_day = _article_day(document)
    matches = []
    for event, mentions in by_event.items():
        by_day: dict[int, list[_Mention]] = defaultdict(list)
        for mention in mentions:
            by_day[mention.weekday].append(mention)
        if len(by_day) < 2:
            continue
        top = max(len(m) for m in by_day.values())
        leaders = [d for d, m in by_day.items() if len(m) == top]
        preferred = leaders[0] if len(leaders) == 1 else None
        for weekday, own in sorted(by_day.items(), key=lambda item: item[1][0].start):
            if weekday == preferred:
                continue
            others = by_day[preferred] if preferred is not None else [
                m for d, ms in by_day.items() if d != weekday for m in ms]
            related = []
            for other in sorted(others, key=lambda m: m.start):
                place = location(document, other.start, other.end)
                place["resolved"] = _resolved(other, article_day)
                related.append(place)
            first = own[0]
            resolved = _resolved(first, article_day)
            listed = describe(related)
            if article_day is not None:
                listed += " = " + ", ".join(sorted({p["resolved"] for p in related}))
            data = {"check": "dates", "event": event, "day": WEEKDAYS[weekday].capitalize(),
                    "resolved": resolved, "related": related, "others": listed,
                    "day_text": f"{WEEKDAYS[weekday].capitalize()}" + (f" ({resolved})" if resolved else "")}
            matches.append(Match(first.start, first.end, data=data))
    return sorted(matches, key=lambda m: m.start)
