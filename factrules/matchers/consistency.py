"""The ``consistency`` kind: a document that gives one thing two incompatible ways.

It runs at the document stage, after the sentence rules.  ``options.check`` picks what it compares:

- ``spelling`` (``consistency_spelling``): one name spelled several ways ("Deir el-Zour" / "Deir ez-Zor",
  "Maria Okonkwo" / "Maria Okonkow").  ``options.places`` and ``options.given_names`` add words to the
  shipped lists of places/demonyms and given names that tell two words from one name misspelt.
- ``figures`` (``consistency_figures``): counts of the same event and group that cannot both be true.
- ``dates`` (``consistency_dates``): one event put on two different weekdays ("The vote is on
  Wednesday" / "Thursday's vote").

Each finding's ``data.related`` lists the other places it conflicts with (SARIF ``relatedLocations``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from factrules.matchers.base import Match, Matcher, RuleError
from factrules.matchers.consistency_dates import date_matches
from factrules.matchers.consistency_figures import figure_matches, figures_conflict
from factrules.matchers.consistency_spelling import spelling_matches
from factrules.matchers.name_evidence import Lexicon
from factrules.matchers.name_index import name_key

__all__ = ["CHECKS", "ConsistencyMatcher", "figures_conflict", "name_key"]

CHECKS = ("dates", "figures", "spelling")
_WORD_LIST = {"type": "array", "items": {"type": "string", "minLength": 1, "pattern": r"^[^\s].*$"}}


class ConsistencyMatcher(Matcher):
    """Document-level comparisons; ``options.check`` names which one this rule runs."""

    kind = "consistency"
    stage = "document"
    options_schema = {
        "type": "object",
        "additionalProperties": False,
        "required": ["check"],
        "properties": {"check": {"enum": list(CHECKS)}, "places": _WORD_LIST, "given_names": _WORD_LIST},
    }

    def __init__(self, rule: dict[str, Any], **kwargs: Any) -> None:
        super().__init__(rule, **kwargs)
        check = self.options.get("check")
        if check not in CHECKS:
            raise RuleError(f"a consistency rule needs options.check, one of: {', '.join(CHECKS)}")
        extra = [name for name in ("places", "given_names") if name in self.options]
        if extra and check != "spelling":
            raise RuleError(f"options.{extra[0]} applies to check: spelling only, not to check: {check}")
        self.check: Callable[[Any], Iterable[Match]]
        if check == "spelling":
            places = tuple(self.options.get("places", ()))
            given = tuple(self.options.get("given_names", ()))
            self.lexicon = Lexicon(places, given)
            self.check = self._spelling
        else:
            self.check = figure_matches if check == "figures" else date_matches

    def _spelling(self, document: Any) -> Iterable[Match]:
        return spelling_matches(document, self.lexicon)

    def find(self, document, prior: Sequence[Any] = ()) -> Iterable[Match]:
        return self.check(document)  # each check gives its matches itself: no generator on top of it
