"""What a matcher kind is: the class every built-in and plugin matcher extends.

A *matcher* is built once per rule from the rule's YAML mapping and yields
``Match`` objects (plain-text spans) over a ``Document``.  Matchers of one
kind may share work across rules through ``MatcherGroup``: the phrase kind
uses this to run every phrase rule of every pack in a single pass.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar

import regex

from factrules.document import fold
from factrules.matchers.regex_limits import check_expansion

if TYPE_CHECKING:  # pragma: no cover
    from factrules.document import Document
    from factrules.findings import Finding

DEFAULT_TIMEOUT = 1.0
#: A rule's time limit covers this much text; a longer document gives its rules proportionally more.
BUDGET_CHARACTERS = 1_000_000


def time_budget(timeout: float, characters: int) -> float:
    """Seconds a rule may spend on a document of ``characters``: ``timeout`` per million, ``timeout`` at least.

    The limit is there to stop a regex whose cost explodes (``(a+)+$`` on 30,000 a's), not one doing honest
    work in proportion to a huge input: with a flat second per rule and document, a 20 MB paste lost its
    anonymous-source rule to the limit while the rule ran as fast as ever.  Healthy rules scan tens of MB
    a second, so a second per MB leaves them ten times the room they need, and a runaway pattern is still
    cut off after a time proportional to the text it was given.
    """
    return timeout * max(1.0, characters / BUDGET_CHARACTERS)


class RuleError(ValueError):
    """A rule that cannot be compiled; the message says why (the loader adds file, line and rule)."""


class RuleTimeout(Exception):
    """A rule's regex ran past its time limit on one document."""


@dataclass(slots=True)
class Match:
    """One hit of one rule: a span of the document's plain text and what the matcher learned."""

    start: int
    end: int
    data: dict[str, Any] | None = None
    suggestion: str | None = None
    message: str | None = None


class Matcher:
    """Base class of matcher kinds.

    Subclasses set ``kind``; they read their settings from ``rule`` (the
    rule's YAML mapping) and raise ``RuleError`` for settings that cannot
    work.  ``options_schema`` is a JSON Schema for the rule's ``options``
    mapping, where plugin kinds keep their own settings.
    """

    kind: ClassVar[str] = ""
    #: "sentence" matchers run first; "document" matchers see their findings.
    stage: ClassVar[str] = "sentence"
    options_schema: ClassVar[dict[str, Any]] = {"type": "object"}

    def __init__(self, rule: dict[str, Any], *, timeout: float = DEFAULT_TIMEOUT) -> None:
        self.rule = rule
        self.options: dict[str, Any] = dict(rule.get("options") or {})
        self.timeout = timeout

    def find(self, document: Document, prior: Sequence[Finding] = ()) -> Iterable[Match]:
        """Yield this rule's matches in ``document``; ``prior`` holds earlier-stage findings."""
        raise NotImplementedError

    @classmethod
    def group(cls, matchers: Sequence[Matcher]) -> MatcherGroup:
        """Bundle the matchers of this kind so that they can share a pass over the text."""
        return MatcherGroup(matchers)


class MatcherGroup:
    """Runs several matchers of one kind; the default simply runs each in turn.

    ``find`` yields ``(matcher, Match)`` pairs; it may yield ``(matcher, RuleTimeout)`` to report that
    one rule ran out of time while the group goes on with the others (raising would cost them all).
    """

    def __init__(self, matchers: Sequence[Matcher]) -> None:
        self.matchers = list(matchers)

    def find(self, document: Document, prior: Sequence[Finding] = ()) -> Iterable[tuple[Matcher, Match]]:
        for matcher in self.matchers:
            for match in matcher.find(document, prior):
                yield matcher, match


def compile_pattern(pattern: str, *, ignorecase: bool = True, what: str = "pattern") -> regex.Pattern[str]:
    """Compile a user's regex with the ``regex`` module, turning errors into ``RuleError``."""
    flags = regex.IGNORECASE if ignorecase else 0
    too_big = check_expansion(pattern) if isinstance(pattern, str) else None
    if too_big:
        raise RuleError(f"{what} does not compile: {too_big}")
    try:
        return regex.compile(pattern, flags | regex.UNICODE)
    except (regex.error, TypeError, ValueError, OverflowError) as error:
        raise RuleError(f"{what} does not compile: {error}") from None


def phrase_regex_source(phrase: str) -> str:
    """Regex source for one literal phrase: any run of spaces between words, either apostrophe."""
    words = phrase.split()
    escaped = ["".join("['’]" if char in "'’" else regex.escape(char) for char in word) for word in words]
    return r"\s+".join(escaped)


def phrase_key(text: str) -> str:
    """Normalise matched text so it can be looked up among a rule set's phrases."""
    return " ".join(fold(text).split())
