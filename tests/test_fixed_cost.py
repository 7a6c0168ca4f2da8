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
    assert list(_attribution().find(document)) == []
    assert "sentences" not in document.__dict__


def test_attribution_with_a_cue_word_still_reads_its_sentence() -> None:
    text = "The bakery opened early. Some neighbours said the bread ran out by noon.\n"
    document = Document(path="d", text=text)
    assert document.folded is not None
    starts, words, _ = _attribution()._scan(document.folded)
    cues = list(_attribution()._cues(document, starts, words))
    assert [(number, words) for number, _, words in cues] == [(1, [(text.index("said"), "said")])]


def test_attribution_without_a_trigger_word_or_template_returns_before_splitting_sentences() -> None:
    document = Document(path="d", text="The bakery opened early, the owner said. Its bread ran out by noon.\n")
    assert list(_attribution().find(document)) == []
    assert "sentences" not in document.__dict__


def test_a_long_run_without_a_cue_word_is_still_noted_as_cut() -> None:
    text = "word " * (MAX_SENTENCE // 2)  # one lower-case run, longer than a sentence may be
    document = Document(path="d", text=text)
    _, errors = engine().check(document)
    reference = Document(path="d", text=text)
    reference.sentences  # noqa: B018 - what the full pass read
    assert [e["kind"] for e in errors] == ["long-sentence"]
    assert errors == reference.notes


# -- numbers: a text with no core word, digit or currency sign has no quantity --------------------------------

FIGURELESS = [
    "The bakery on the corner opened early and its bread ran out by noon.",
    "Officials met on Tuesday; nothing was decided, said a spokeswoman.",
    "“We are not worried,” the mayor told reporters at the town hall.",
]
WITH_FIGURES = [
    "Police said 12 people were hurt when the stand fell.",
    "Several hundred fans waited outside, and dozens were turned away.",
    "The fire killed at least three people, according to the brigade.",
    "It cost £4 mln, up from about $3.5 mln.",
]


def test_a_text_without_a_figure_skips_the_number_scan_and_the_full_pattern_agrees(monkeypatch) -> None:
    from factrules.matchers import number

    for text in FIGURELESS:
        assert list(number.SCAN.finditer(text)) == []  # the full pattern, at every position
    with monkeypatch.context() as patched:
        patched.setattr(number, "_hits", _must_not_run)
        for text in FIGURELESS:
            assert number.scan(Document(path="d", text=text), exact=False) == []


def test_a_text_with_figures_is_scanned_as_before(monkeypatch) -> None:
    from factrules.matchers import number

    for text in WITH_FIGURES:
        kept = number.scan(Document(path="d", text=text), exact=False)
        every = number.scan(Document(path="d", text=text), exact=True)
        # what the eventless scan keeps is what the full scan finds, less exact figures with no event
        assert kept == [q for q in every if q in kept]
        assert all(q.kind != "exact" or q.event for q in kept)
    assert number.scan(Document(path="d", text=WITH_FIGURES[0]), exact=True)


def _must_not_run(*args, **kwargs):
    raise AssertionError("the full scan ran")


# -- pattern rules: a document holding none of their prefilter words visits none ------------------------------

def test_pattern_group_without_a_prefilter_word_returns_before_choosing_rules(monkeypatch) -> None:
    from factrules.matchers.pattern import PatternGroup

    (group,) = [g for g in engine()._stages["sentence"] if isinstance(g, PatternGroup)]
    document = Document(path="d", text="The company sold its unit to a rival from the next town.\n")
    assert group.index.hits(document) == {}
    full = [(m.rule["id"], x.start, x.end) for m in group.matchers for x in m.find_in(document, None)]
    assert full == []  # every rule run over the whole text, no prefilter: nothing either
    with monkeypatch.context() as patched:
        patched.setattr(group, "_visited", _must_not_run)
        assert list(group.find(document)) == []


# -- weekday consistency: copy with fewer than two different weekdays has no mention to compare ---------------

def test_weekday_consistency_without_two_weekdays_reads_no_mention(monkeypatch) -> None:
    from factrules.matchers import consistency_dates

    for text in (FIGURELESS[0], FIGURELESS[1], "The vote is on Friday. Friday's vote was close."):
        with monkeypatch.context() as patched:
            patched.setattr(consistency_dates, "_PATTERNS", None)  # any search for a mention would fail
            assert consistency_dates._mentions(Document(path="d", text=text)) == []
    both = Document(path="d", text="The vote is on Friday. Thursday's vote was close.")
    assert [m.weekday for m in consistency_dates._mentions(both)] == [4, 3]


# -- near: a text holding none of the words every ``b`` term holds is done before any setup -------------------

NEAR_TEXTS = [
    "The council met on time and voted to approve the budget.",
    "Officials denied that the group was behind the attack.",
    "She denied any involvement, her lawyer said.",
]


def test_near_returns_early_only_when_no_b_term_can_be_in_the_text(monkeypatch) -> None:
    from factrules.matchers import near as near_module

    matchers = [r.matcher for r in engine().rules if isinstance(r.matcher, near_module.NearMatcher)]
    assert matchers
    for matcher in matchers:
        for text in NEAR_TEXTS:
            document = Document(path="d", text=text)
            absent = matcher.second_index.absent(document)
            if absent:
                assert list(matcher.second_index.matches(document)) == []
                assert matcher.second.search(text) is None  # the term regex itself, over the whole text
            quick = [(x.start, x.end) for x in matcher.find(document)]
            with monkeypatch.context() as patched:
                patched.setattr(near_module, "USE_TERM_INDEX", False)
                assert [(x.start, x.end) for x in matcher.find(Document(path="d", text=text))] == quick
    assert any(m.second_index.absent(Document(path="d", text=NEAR_TEXTS[0])) for m in matchers)
    assert not any(m.second_index.absent(Document(path="d", text=NEAR_TEXTS[1])) for m in matchers)


# -- spelling: a document whose names hold no token to compare cannot vary ------------------------------------

def test_spelling_gate_without_a_comparable_token_agrees_with_the_full_index() -> None:
    from factrules.matchers.consistency_spelling import indexed_groups
    from factrules.matchers.name_evidence import Lexicon
    from factrules.matchers.spelling_gate import could_vary

    lexicon = Lexicon((), ())
    for text in ("The company sold its unit.", "The BBC and the UN met.", "In the end, it rained.",
                 "Maria Okonkwo spoke. Later, Maria Okonkow left.", "Anna Smith met Anna Smyth."):
        if not could_vary(text, lexicon):
            assert indexed_groups(text, lexicon) == [], text
    assert could_vary("Maria Okonkwo spoke. Later, Maria Okonkow left.", lexicon)
    assert not could_vary("The company sold its unit.", lexicon)


# -- the engine: a check with no finding still gives a new list --------------------------------------------------

def test_a_check_without_findings_gives_a_list_even_when_a_hook_gives_a_tuple(monkeypatch) -> None:
    checker = engine()
    monkeypatch.setattr(checker.registry, "post_process", lambda document, findings: ())
    findings, errors = checker.check(Document(path="d", text="The company sold its unit.\n"))
    assert findings == [] and isinstance(findings, list) and errors == []


# -- the engine asks each group for its first pair itself: the same findings and errors as ``_run_group`` -----

class _Scripted:
    """A group that yields ``pairs`` and then raises ``error`` (if any), as a matcher kind's group might."""

    def __init__(self, matchers: list, pairs: list, error: Exception | None = None) -> None:
        self.matchers, self.pairs, self.error = matchers, pairs, error

    def find(self, document, prior=()):
        yield from self.pairs
        if self.error is not None:
            raise self.error


def test_first_pair_in_the_engine_gives_what_the_whole_group_run_gives() -> None:
    import pytest

    from factrules.engine import RuleCrash
    from factrules.matchers.base import Match, RuleTimeout

    shared = engine()
    checker = Engine(shared.packs, shared.registry, shared.settings)  # its own: its groups are replaced below
    rule = checker.rules[0]
    text = "The company sold its unit. Its rival bought it.\n"
    pair = (rule.matcher, Match(4, 11))
    scripts = [
        [],
        [pair],
        [pair, (rule.matcher, Match(16, 20))],
        [pair, (rule.matcher, RuleTimeout("one rule ran out of time"))],
    ]
    for pairs in scripts:
        for error in (None, RuleTimeout("out of time")):
            checker._stages = {"sentence": [_Scripted([rule.matcher], pairs, error)], "document": []}
            findings, errors = checker.check(Document(path="d", text=text))
            slow_errors: list = []
            slow = checker._run_group(_Scripted([rule.matcher], pairs, error), Document(path="d", text=text), [],
                                      slow_errors)
            assert [(f.start, f.end, f.rule) for f in findings] == [(f.start, f.end, f.rule) for f in slow]
            assert [e["message"] for e in errors] == [e["message"] for e in slow_errors]
    checker._stages = {"sentence": [_Scripted([rule.matcher], [], ValueError("a bug"))], "document": []}
    with pytest.raises(RuleCrash, match="a bug"):
        checker.check(Document(path="d", text=text))
    checker._stages = {"sentence": [_Scripted([rule.matcher], [pair], ValueError("a bug"))], "document": []}
    with pytest.raises(RuleCrash, match="a bug"):
        checker.check(Document(path="d", text=text))


# -- phrases: a short text where the automaton's first step finds nothing has no phrase -----------------------

def test_phrase_index_quick_nothing_agrees_with_the_full_pass() -> None:
    from factrules.document import fold
    from factrules.matchers.phrase import PhraseGroup

    (group,) = [g for g in engine()._stages["sentence"] if isinstance(g, PhraseGroup)]
    indexes = [index for index in group._indexes if index is not None and index.usable]
    assert indexes
    for text in ("The company sold its unit.\n", "Prices will probably rise, and perhaps soon.",
                 "It is likely that the deal, reportedly worth less, closes.", "Nothing to hedge here at all."):
        document = Document(path="d", text=text)
        for index in indexes:
            quick = list(index.matches(document))
            full = list(index._matches(text, fold(text), None))  # the pass itself, with no shortcut
            assert quick == full, text
    assert list(indexes[0].matches(Document(path="d", text="Prices will probably rise.")))
