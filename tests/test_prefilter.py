"""Pattern prefilters: one keyword pass decides where each pattern rule runs, without changing its findings."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factrules.api import Options, build_engine
from factrules.config import Config
from factrules.document import Document
from factrules.keywords import KeywordIndex
from factrules.matchers.pattern import PatternGroup, PatternMatcher

SENTENCES = [
    "The ministry denied the reports, and the claims could not be independently verified.",
    "Sources said the minister is believed to have fled; it was unclear whether he would return.",
    "Critics say the law appears to be unconstitutional, according to people familiar with the matter.",
    "He has been described as a reformer. The army dismissed the allegations as baseless.",
    "There have been reports of shelling, a monitor said. Activists said the town was quiet.",
    "The group claimed that it had nothing to do with the attack, which may have been planned.",
    "Nothing here: the council met on time and voted to approve the budget.",
    "An official, speaking on condition of anonymity, said the unnamed source was reliable.",
    "“The report was wrong,” she said. “We did not take part.”",
    "ISTANBUL — İstanbul officials reportedly denied the story; it isn't clear why.",
]


def builtin_pattern_matchers() -> list[PatternMatcher]:
    engine = build_engine(Options(), Config())
    return [rule.matcher for rule in engine.rules if isinstance(rule.matcher, PatternMatcher)]


def documents() -> list[Document]:
    texts = list(SENTENCES)
    texts += [" ".join(pair) for pair in itertools.permutations(SENTENCES[:6], 2)]
    texts.append("\n\n".join(SENTENCES))
    for path in sorted((Path(__file__).resolve().parent.parent / "examples").glob("*.txt")):
        texts.append(path.read_text(encoding="utf-8"))
    return [Document(path=f"doc{i}", text=text) for i, text in enumerate(texts)]


def test_every_builtin_pattern_runs_behind_a_prefilter() -> None:
    missing = [m.rule["id"] for m in builtin_pattern_matchers() if not all(m.pattern_prefilters)]
    assert missing == []


@pytest.mark.parametrize("document", documents(), ids=lambda d: d.path)
def test_prefiltered_run_finds_exactly_what_a_full_scan_finds(document: Document) -> None:
    matchers = builtin_pattern_matchers()
    group = PatternGroup(matchers)
    prefiltered = sorted((m.rule["id"], x.start, x.end) for m, x in group.find(document))
    full = sorted((m.rule["id"], x.start, x.end) for m in matchers for x in m.find_in(document, None))
    assert prefiltered == full


def test_keywords_match_at_word_starts_only() -> None:
    index = KeywordIndex(["said", "den"])
    hits = index.hits(Document(path="x", text="Unsaid things. She said the denial was dense, Denmark said."))
    assert hits == {"said": [19, 54], "den": [28, 39, 46]}


def test_text_whose_case_folding_changes_length_is_scanned_in_full() -> None:
    matcher = next(m for m in builtin_pattern_matchers() if m.rule["id"] == "denied")
    document = Document(path="x", text="İ. The ministry denied it.")
    assert KeywordIndex(["den"]).hits(document) is None
    found = list(PatternGroup([matcher]).find(document))
    assert [document.text[m.start:m.end] for _, m in found] == ["denied"]


def test_a_rule_without_a_keyword_in_the_text_does_not_run() -> None:
    class Counting(PatternMatcher):
        calls = 0

        def find_in(self, document, windows, *rest):
            Counting.calls += 1
            return super().find_in(document, windows, *rest)

    matcher = Counting({"id": "c", "kind": "pattern", "pattern": r"\bclaim\w*", "prefilter": ["claim"]})
    group = PatternGroup([matcher])
    assert list(group.find(Document(path="x", text="Nothing to see."))) == []
    assert Counting.calls == 0
    assert len(list(group.find(Document(path="x", text="They claimed it.")))) == 1
    assert Counting.calls == 1


def test_one_rule_timing_out_does_not_cost_the_other_rules_of_the_group() -> None:
    from factrules.matchers.base import RuleTimeout

    slow = PatternMatcher({"id": "slow", "kind": "pattern", "pattern": r"(a+)+$", "prefilter": ["a"]}, timeout=0.05)
    fast = PatternMatcher({"id": "fast", "kind": "pattern", "pattern": r"\bclaimed\b", "prefilter": ["claim"]})
    # under the sentence cap, so the catastrophic case is read whole
    document = Document(path="x", text="They claimed it. " + "a" * 3_000 + "!")
    results = list(PatternGroup([slow, fast]).find(document))
    assert any(m is slow and isinstance(x, RuleTimeout) for m, x in results)
    assert [(m.rule["id"], document.text[x.start:x.end]) for m, x in results if m is fast] == [("fast", "claimed")]


def test_the_time_limit_is_one_budget_per_rule_and_document_not_per_sentence() -> None:
    """A pattern slow on every sentence must stop after its limit, not after the limit times the sentences."""
    import time

    from factrules.matchers.base import RuleTimeout

    slow = PatternMatcher({"id": "slow", "kind": "pattern", "pattern": r"(a|aa)+$", "prefilter": ["zq"]},
                          timeout=0.2)
    # 40 windows (sentences with the keyword, each apart from the next by one without it)
    text = " ".join(f"Zq {'a' * 24}! Nothing here." for _ in range(40))  # each window well under the limit
    document = Document(path="x", text=text)
    from factrules.matchers.pattern import _windows

    assert len(_windows(document, slow, slow.prefilter, KeywordIndex(["zq"]).hits(document))) == 40
    start = time.perf_counter()
    results = list(PatternGroup([slow]).find(document))
    elapsed = time.perf_counter() - start
    assert [type(x) for _, x in results] == [RuleTimeout]
    assert elapsed < 1.5  # a limit per call would let all 40 windows run, several seconds, and report nothing


def per_pattern_rule(**extra) -> PatternMatcher:
    return PatternMatcher({"id": "p", "kind": "pattern", "pattern": [
        {"regex": r"\baccording\s+to\s+sources\b", "prefilter": ["according"]},
        {"regex": r"\bspeaking\s+anonymously\b", "prefilter": ["speaking"]},
        r"\bsources\s+said\b",
    ], **extra})


def test_a_pattern_with_its_own_prefilter_runs_only_where_its_words_are() -> None:
    seen: list[tuple[int, object]] = []

    class Recording(PatternMatcher):
        def find_in(self, document, windows, *rest):
            seen.append(windows)
            return super().find_in(document, windows, *rest)

    matcher = Recording(per_pattern_rule(prefilter=["sources"]).rule)
    text = "It fell, according to sources. Nothing here. A man, speaking anonymously, agreed."
    document = Document(path="x", text=text)
    found = [(m.rule["id"], text[x.start:x.end]) for m, x in PatternGroup([matcher]).find(document)]
    assert found == [("p", "according to sources"), ("p", "speaking anonymously")]
    (windows,) = seen
    first, second, third = ([text[s:e] for s, e in w] for w in windows)
    assert first == ["It fell, according to sources."]  # not the third sentence: "according" is not there
    assert second == ["A man, speaking anonymously, agreed."]
    assert third == ["It fell, according to sources."]  # the plain string runs behind the rule's prefilter


def test_a_pattern_without_any_prefilter_still_scans_everything() -> None:
    matcher = per_pattern_rule()  # no rule prefilter: the plain-string pattern has none
    assert matcher.pattern_prefilters[2] == ()
    document = Document(path="x", text="Nothing here. Sources said so.")
    found = [document.text[x.start:x.end] for _, x in PatternGroup([matcher]).find(document)]
    assert found == ["Sources said"]


def test_a_pattern_mapping_without_a_regex_is_a_rule_error() -> None:
    from factrules.matchers.base import RuleError

    with pytest.raises(RuleError, match="pattern 2: .*needs 'regex'"):
        PatternMatcher({"id": "p", "kind": "pattern", "pattern": [r"\bx\b", {"prefilter": ["x"]}]})


# -- phrase and near passes: matched only where a first word is, they must find what a full scan finds ----

def builtin_groups(kind: str) -> list:
    engine = build_engine(Options(), Config())
    return [g for g in engine._stages["sentence"] if g.matchers and g.matchers[0].kind == kind]


def full_phrase_scan(group, document: Document) -> list[tuple[str, int, int]]:
    from factrules.keywords import StartIndex
    from factrules.matchers import phrase as phrase_module

    unusable = StartIndex(["é"])  # a non-ASCII first word: the pass falls back to scanning everything
    passes, group._passes = group._passes, [(c, o, cs, unusable) for c, o, cs, _ in group._passes]
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(phrase_module, "USE_PHRASE_INDEX", False)
        try:
            return sorted((m.rule["id"], x.start, x.end) for m, x in group.find(document))
        finally:
            group._passes = passes


@pytest.mark.parametrize("document", documents(), ids=lambda d: d.path)
def test_phrase_pass_from_first_words_finds_what_a_full_scan_finds(document: Document) -> None:
    (group,) = builtin_groups("phrase")
    found = sorted((m.rule["id"], x.start, x.end) for m, x in group.find(document))
    assert found == full_phrase_scan(group, document)


def _near_three_ways(matcher, document: Document) -> list[list[tuple[int, int]]]:
    """The matcher's spans with the term index, from first-word places, and from a full scan."""
    from factrules.keywords import StartIndex
    from factrules.matchers import near as near_module

    results = [[(x.start, x.end) for x in matcher.find(document)]]
    with pytest.MonkeyPatch.context() as monkeypatch:
        monkeypatch.setattr(near_module, "USE_TERM_INDEX", False)
        results.append([(x.start, x.end) for x in matcher.find(document)])
        monkeypatch.setattr(matcher, "second_starts", StartIndex(["é"]))  # unusable: a full scan
        results.append([(x.start, x.end) for x in matcher.find(document)])
    return results


@pytest.mark.parametrize("document", documents(), ids=lambda d: d.path)
def test_near_pass_from_first_words_finds_what_a_full_scan_finds(document: Document) -> None:
    for group in builtin_groups("near"):
        (matcher,) = group.matchers
        index, first_words, full = _near_three_ways(matcher, document)
        assert index == full and first_words == full


def test_near_terms_found_by_the_index_are_the_full_scan_s() -> None:
    """Overlapping terms, terms inside words, odd spacing, folded letters: finditer's hits, one per place."""
    import random

    from factrules.matchers.near import NearMatcher

    matcher = NearMatcher({"id": "n", "kind": "near", "a": ["official", "the ministry"], "within": 6,
                           "b": ["denied", "denied any role", "any role", "role", "wasn’t involved", "no"]})
    assert matcher.second_index.usable
    words = ["The", "ministry", "official", "denied", "DENIED", "any", "role", "roles", "wasn't", "wasn’t",
             "involved", "no", "not", "undenied", "ſaid", "\u212ao", "said", ".", ","]
    rng = random.Random(21)
    found = 0
    for _ in range(300):
        joiner = rng.choice([" ", " ", "  ", "\n", "\u00a0", "\t "])
        text = joiner.join(rng.choice(words) for _ in range(rng.randint(1, 30)))
        index, first_words, full = _near_three_ways(matcher, Document(path="d.txt", text=text))
        assert index == full and first_words == full, text
        found += len(full)
    assert found > 100


def test_phrase_candidates_cover_case_folding_and_curly_apostrophes() -> None:
    from factrules.matchers.phrase import PhraseMatcher

    matcher = PhraseMatcher({"id": "p", "kind": "phrase", "phrases": ["supposedly", "can't say", "reportedly"]})
    text = "It \u017fupposedly fell. They CAN\u2019T  SAY. Unreportedly, REPORTEDLY."
    found = [text[m.start:m.end] for m in matcher.find(Document(path="x", text=text))]
    assert found == ["\u017fupposedly", "CAN\u2019T  SAY", "REPORTEDLY"]


def test_phrases_with_a_non_ascii_first_word_scan_everything() -> None:
    from factrules.keywords import StartIndex
    from factrules.matchers.phrase import PhraseMatcher

    assert not StartIndex(["ΟΔΟΣ", "said"]).usable
    matcher = PhraseMatcher({"id": "p", "kind": "phrase", "phrases": ["όπως αναφέρεται", "reportedly"]})
    text = "ΌΠΩΣ ΑΝΑΦΈΡΕΤΑΙ, it reportedly fell."
    found = [text[m.start:m.end] for m in matcher.find(Document(path="x", text=text))]
    assert found == ["ΌΠΩΣ ΑΝΑΦΈΡΕΤΑΙ", "reportedly"]


def test_rules_whose_prefilter_words_are_absent_are_not_visited() -> None:
    """The group picks the rules to visit from the words the document holds, not by a look at every rule."""
    matchers = [PatternMatcher({"id": f"p{i}", "kind": "pattern", **rule}, timeout=5.0) for i, rule in enumerate([
        {"pattern": r"\bsaid\b", "prefilter": ["said"]},
        {"pattern": r"\bdenied\b", "prefilter": ["denied"]},
        {"pattern": [{"regex": r"\bclaimed\b", "prefilter": ["claim"]}, r"\bnoted\b"]},  # one pattern scans all
        {"pattern": r"\bwarned\b"},
    ])]
    group = PatternGroup(matchers)
    document = Document(path="x", text="She said it was noted and warned.")
    visited = group._visited(None, group.index.hits(document))
    assert [m.rule["id"] for m in visited] == ["p0", "p2", "p3"]
    assert [m.rule["id"] for m, _ in group.find(document)] == ["p0", "p2", "p3"]


def test_windows_are_the_sentences_and_paragraphs_that_sentence_at_gives() -> None:
    """``_containing`` bisects offsets into span starts itself: it must give what ``sentence_at`` and
    ``paragraph_at`` give, for every offset, including those before the first span and between spans."""
    from factrules.matchers.pattern import _containing

    text = "\n\n  Lead-in line without a stop\n\nThe mayor said so. Then she left!  \n\nA last one?\n\n"
    for document in (Document(path="d", text=text), Document(path="e", text="   "), Document(path="f", text="")):
        offsets = range(len(document.text) + 1)
        assert _containing(document, "sentence", offsets) == {document.sentence_at(o) for o in offsets}
        assert _containing(document, "paragraph", offsets) == {document.paragraph_at(o) for o in offsets}
        for offset in offsets:
            assert _containing(document, "sentence", [offset]) == {document.sentence_at(offset)}
            assert _containing(document, "paragraph", [offset]) == {document.paragraph_at(offset)}


#: pieces of made-up copy for the window tests: the keywords "zq" and "yx", sentence ends, paragraph breaks,
#: runs of spaces, and text before the first sentence
WINDOW_PIECES = ["Zq said so.", "yx", "zq", "Then it rained.", "Nothing here!", "  ", "\n\n", "\n", " ", "Why?",
                 "zqx yx.", "(yx)", "—", "Zq", "Mr. Yx left.", "\t"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(WINDOW_PIECES), max_size=30), st.sampled_from(["sentence", "paragraph"]),
       st.sampled_from([("zq",), ("yx",), ("yx", "zq")]))
def test_windows_read_by_span_number_are_the_windows_of_the_spans(pieces: list[str], scope: str,
                                                                     words: tuple[str, ...]) -> None:
    """``_windows`` reads the span arrays by number; ``_windows_from_spans`` merges the spans ``_containing``
    gives: the same windows, for every mix of keywords, sentence ends, paragraph breaks and spaces."""
    from factrules.matchers.pattern import _windows, _windows_from_spans

    document = Document(path="w", text=" ".join(pieces))
    matcher = PatternMatcher({"id": "w", "kind": "pattern", "pattern": r"\bzq\b", "prefilter": list(words),
                              "scope": scope})
    hits = KeywordIndex(["zq", "yx"]).hits(document)
    keywords = [word for word in words if hits.get(word)]
    expected = _windows_from_spans(document, matcher.window, keywords, hits) if keywords else []
    assert _windows(document, matcher, words, hits) == expected
    assert _windows(document, matcher, words, hits, {}) == expected


def test_windows_read_by_span_number_at_every_offset_including_before_the_first_span() -> None:
    from factrules.matchers.pattern import _windows, _windows_from_spans

    text = "\n\n  Lead-in line without a stop\n\nThe mayor said so. Then she left!  \n\nA last one?\n\n"
    for scope in ("sentence", "paragraph"):
        matcher = PatternMatcher({"id": "w", "kind": "pattern", "pattern": r"\bzq\b", "prefilter": ["zq"],
                                  "scope": scope})
        for document in (Document(path="d", text=text), Document(path="e", text="   "), Document(path="f", text="")):
            offsets = range(len(document.text) + 1)
            for chosen in [[offset] for offset in offsets] + [list(offsets), [0, len(document.text)]]:
                hits = {"zq": chosen}
                assert _windows(document, matcher, ["zq"], hits) == _windows_from_spans(
                    document, matcher.window, ["zq"], hits)
