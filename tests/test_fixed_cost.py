"""The shortcuts that keep a check's fixed cost per document low give what the full work would have given.

Each test runs a shortcut and the work it skips on documents written for the purpose, and compares.
"""

from __future__ import annotations

from functools import lru_cache

from factrules.api import Options, build_engine
from factrules.config import Config
from factrules.document import Document
from factrules.engine import Engine
from factrules.matchers.attribution import AttributionMatcher
from factrules.segment import MAX_SENTENCE


@lru_cache(maxsize=1)
def engine() -> Engine:
    return build_engine(Options(), Config())


def _attribution() -> AttributionMatcher:
    return next(r.matcher for r in engine().rules if isinstance(r.matcher, AttributionMatcher))


def test_attribution_without_a_cue_word_finds_no_clause_and_leaves_the_sentences_unsplit() -> None:
    document = Document(path="d", text="The bakery on the corner opened early. Its bread ran out by noon.\n")
    assert list(_attribution()._cues(document)) == []
    assert "sentences" not in document.__dict__


def test_attribution_with_a_cue_word_still_reads_its_sentence() -> None:
    text = "The bakery opened early. Some neighbours said the bread ran out by noon.\n"
    cues = list(_attribution()._cues(Document(path="d", text=text)))
    assert [(number, words) for number, _, words in cues] == [(1, [(text.index("said"), "said")])]


def test_a_long_run_without_a_cue_word_is_still_noted_as_cut() -> None:
    text = "word " * (MAX_SENTENCE // 2)  # one lower-case run, longer than a sentence may be
    document = Document(path="d", text=text)
    _, errors = engine().check(document)
    reference = Document(path="d", text=text)
    reference.sentences  # noqa: B018 - what the full pass read
    assert [e["kind"] for e in errors] == ["long-sentence"]
    assert errors == reference.notes
