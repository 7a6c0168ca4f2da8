"""The ``pattern`` kind: a regular expression run with the ``regex`` module and a time limit.

A pack's regex is a user's code in all but name, so it runs with a timeout
per rule and document; when the limit is hit the engine skips the rule for
that document and reports a ``rule-timeout`` error instead of hanging.
A named group ``match`` narrows the reported span to part of the pattern.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from factrules.matchers.base import Match, Matcher, RuleError, RuleTimeout, compile_pattern


class PatternMatcher(Matcher):
    kind = "pattern"

    def __init__(self, rule: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(rule, **kwargs)
        patterns = rule.get("pattern")
        if isinstance(patterns, str):
            patterns = [patterns]
        if not patterns:
            raise RuleError("a pattern rule needs 'pattern'")
        ignorecase = not rule.get("case_sensitive", False)
        self.patterns = [compile_pattern(p, ignorecase=ignorecase) for p in patterns]

    def find(self, document, prior=()) -> Iterable[Match]:
        """Every pattern's hits; hits of this rule that overlap are one finding ("A source" + "source said")."""
        text = document.text
        spans: list[tuple[int, int]] = []
        for compiled in self.patterns:
            group = "match" if "match" in compiled.groupindex else 0
            try:
                hits = list(compiled.finditer(text, timeout=self.timeout))
            except TimeoutError:
                raise RuleTimeout(f"pattern ran past its {self.timeout:g} s time limit") from None
            spans.extend(span for span in (hit.span(group) for hit in hits) if span[1] > span[0])
        merged: list[list[int]] = []
        for start, end in sorted(spans):
            if merged and start < merged[-1][1]:
                merged[-1][1] = max(merged[-1][1], end)
            else:
                merged.append([start, end])
        for start, end in merged:
            yield Match(start, end)
