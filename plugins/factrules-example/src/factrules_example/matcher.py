"""The ``unattributed-quote`` kind: a quotation with no speech verb in or next to its sentence.

A quote the reader cannot pin on anyone is the first thing a standards
editor asks about ("who said this?").  News style puts the attribution in
the quote's own sentence ("...," she said) or in the sentence just before or
after it (a paragraph that opens with "The minister was blunt:" or a
follow-on quote after '"...," he said.'), so that is where this kind looks.
Speech verbs inside a quotation do not count: '"I said no."' is still
unattributed.  Short quoted phrases (scare quotes, titles) are left alone
through ``min_words``.
"""

from __future__ import annotations

import bisect
from collections.abc import Iterable
from typing import Any, ClassVar

import regex

from factrules.matchers.base import Match, Matcher, RuleTimeout, phrase_regex_source

#: Verbs and phrases that attribute speech or writing to someone.
SPEECH_TERMS = (
    "say says said saying tell tells told telling add adds added adding ask asks asked asking "
    "write writes wrote writing stated explain explains explained noted recall recalls recalled "
    "insist insists insisted reply replies replied respond responds responded continued "
    "argue argues argued warn warns warned claimed declare declares declared announce announces announced "
    "acknowledge acknowledges acknowledged admit admits admitted concede concedes conceded "
    "testify testifies testified tweeted posted remarked quip quips quipped shouted urged "
    "complained recounted confirmed quoted"
).split() + ["according to", "in a statement", "in an interview"]

_WORD = regex.compile(r"[\p{L}\p{N}][\p{L}\p{N}'’-]*")


def _terms_regex(terms: Iterable[str]) -> regex.Pattern[str]:
    alternatives = sorted({" ".join(t.split()) for t in terms if t.strip()}, key=len, reverse=True)
    source = r"(?<!\w)(?:" + "|".join(phrase_regex_source(t) for t in alternatives) + r")(?!\w)"
    return regex.compile(source, regex.IGNORECASE)


class UnattributedQuoteMatcher(Matcher):
    """Yields each quotation (marks included) that no nearby speech verb attributes."""

    kind = "unattributed-quote"
    options_schema: ClassVar[dict[str, Any]] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "min_words": {"type": "integer", "minimum": 1, "description": "shorter quotations are not checked"},
            "neighbours": {"type": "integer", "minimum": 0, "maximum": 3,
                           "description": "sentences before and after the quote that may carry the attribution"},
            "verbs": {"type": "array", "items": {"type": "string", "minLength": 1}, "minItems": 1,
                      "description": "replace the built-in list of speech verbs"},
            "extra_verbs": {"type": "array", "items": {"type": "string", "minLength": 1},
                            "description": "add to the list of speech verbs (a house's own: 'ventured', ...)"},
        },
    }

    def __init__(self, rule: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(rule, **kwargs)
        self.min_words = int(self.options.get("min_words", 4))
        self.neighbours = int(self.options.get("neighbours", 1))
        terms = list(self.options.get("verbs") or SPEECH_TERMS) + list(self.options.get("extra_verbs") or [])
        self.attribution = _terms_regex(terms)

    def find(self, document: Any, prior: Any = ()) -> Iterable[Match]:
        text = document.text
        quotes = document.quotes
        if not quotes:
            return
        sentences = document.sentences
        starts = [start for start, _ in sentences]
        try:
            attributions = [m.span() for m in self.attribution.finditer(text, timeout=self.timeout)]
        except TimeoutError:
            raise RuleTimeout(f"speech verbs ran past the {self.timeout:g} s time limit") from None
        # Only verbs outside every quotation attribute anything.
        attributions = [span for span in attributions if not _inside_any(span, quotes)]
        attribution_starts = [start for start, _ in attributions]
        for q_start, q_end in quotes:
            words = len(_WORD.findall(text, q_start, q_end))
            if words < self.min_words:
                continue
            first = max(bisect.bisect_right(starts, q_start) - 1, 0)
            last = max(bisect.bisect_right(starts, max(q_end - 1, q_start)) - 1, 0)
            window_start = sentences[max(first - self.neighbours, 0)][0] if sentences else 0
            window_end = sentences[min(last + self.neighbours, len(sentences) - 1)][1] if sentences else len(text)
            index = bisect.bisect_left(attribution_starts, window_start)
            if index < len(attributions) and attributions[index][1] <= window_end:
                continue
            quoted_words = text[q_start:q_end].split()
            preview = " ".join(quoted_words[:8]) + (" …" if len(quoted_words) > 8 else "")
            yield Match(q_start, q_end, data={"words": words, "preview": preview})


def _inside_any(span: tuple[int, int], quotes: list[tuple[int, int]]) -> bool:
    start, end = span
    return any(q_start <= start and end <= q_end for q_start, q_end in quotes)
