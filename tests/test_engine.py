"""The engine: matcher kinds, unless, scopes, templates, selection, severity, fingerprints, time limits."""

from __future__ import annotations

import textwrap
from typing import Any

import pytest
from conftest import check

from factrules.document import Document
from factrules.engine import Engine
from factrules.matchers.phrase import PhraseGroup, PhraseMatcher


def pack(*rules: str, name: str = "t", defaults: str = "{category: test, severity: warning, scope: sentence}") -> str:
    """Pack YAML with the given rule bodies (each a YAML mapping without the leading dash)."""
    body = "\n".join("  - " + textwrap.indent(textwrap.dedent(r).strip(), "    ")[4:] for r in rules)
    return f"pack: {name}\ndefaults: {defaults}\nrules:\n{body}\n"


def texts(findings: list[Any], rule: str | None = None) -> list[str]:
    return [f.text for f in findings if rule is None or f.rule == rule]


PHRASE = """
id: hedge
kind: phrase
phrases: [reportedly, "people familiar with", "isn't clear"]
message: "'{text}' hedges"
examples: {match: [reportedly]}
"""


# -- phrase ----------------------------------------------------------------------
def test_phrase_is_case_insensitive_and_word_bounded(engine_for) -> None:
    engine = engine_for(pack(PHRASE))
    assert texts(check(engine, "REPORTEDLY it fell. Reportedly, again.")) == ["REPORTEDLY", "Reportedly"]
    assert texts(check(engine, "Unreportedly and reportedlyx and reportedly_x are not words here.")) == []


def test_phrase_matches_either_apostrophe_and_line_wrapped_phrases(engine_for) -> None:
    engine = engine_for(pack(PHRASE))
    assert texts(check(engine, "It isn’t clear who fired.")) == ["isn’t clear"]
    found = check(engine, "The deal is off, people\n   familiar with the talks said.")
    assert texts(found) == ["people\n   familiar with"]
    assert found[0].range["start"]["line"] == 1 and found[0].range["end"]["line"] == 2


def test_case_sensitive_phrase(engine_for) -> None:
    engine = engine_for(pack("""
        id: acronym
        kind: phrase
        case_sensitive: true
        phrases: [AP]
        examples: {match: [AP]}
        """))
    assert texts(check(engine, "The AP said so. An ap is not one.")) == ["AP"]


def test_all_phrase_rules_share_one_group_and_one_pass(engine_for, monkeypatch: pytest.MonkeyPatch) -> None:
    built: list[int] = []
    original_init = PhraseGroup.__init__

    def counting_init(self: PhraseGroup, matchers: Any) -> None:
        built.append(len(matchers))
        original_init(self, matchers)

    monkeypatch.setattr(PhraseGroup, "__init__", counting_init)
    second = pack("""
        id: other
        kind: phrase
        phrases: [allegedly, reportedly]
        examples: {match: [allegedly]}
        """, name="u")
    engine = engine_for(pack(PHRASE), second, builtin=True)
    phrase_rules = [r for r in engine.rules if r.kind == "phrase"]
    assert len(phrase_rules) >= 4  # two here, several in the built-in packs
    assert built == [len(phrase_rules)]  # one group, built once, with every phrase rule
    groups = [g for g in engine._stages["sentence"] if isinstance(g, PhraseGroup)]
    assert len(groups) == 1 and {id(m) for m in groups[0].matchers} == {id(r.matcher) for r in phrase_rules}
    assert len(groups[0]._passes) == 1  # every phrase is case-insensitive: a single compiled alternation

    scans: list[str] = []
    tried: list[int] = []

    class Spy:
        def __init__(self, compiled: Any) -> None:
            self.compiled = compiled

        def finditer(self, text: str, **kwargs: Any) -> Any:
            scans.append(text)
            return self.compiled.finditer(text, **kwargs)

        def match(self, text: str, position: int) -> Any:
            tried.append(position)
            return self.compiled.match(text, position)

    groups[0]._passes = [(Spy(c), owners, cs, starts) for c, owners, cs, starts in groups[0]._passes]
    text = "It reportedly fell, allegedly. People familiar with it said so."
    findings = check(engine, text)
    assert built == [len(phrase_rules)]  # no group rebuilt per document
    # no scan of every position, and no regex call at all: the phrases themselves are found in one
    # Aho–Corasick pass (keywords.PhraseIndex)
    assert scans == [] and tried == []
    assert {f.text for f in findings} >= {"reportedly", "allegedly"}
    # a phrase two rules share is reported for both rules from that one scan
    assert sorted(f.rule for f in findings if f.text == "reportedly") == sorted(
        ["t.hedge", "u.other", *(r.full_id for r in phrase_rules if "reportedly" in r.matcher.phrases
                                 and r.pack not in ("t", "u"))])


def test_phrase_inside_longer_phrase_of_another_rule_is_found(engine_for) -> None:
    engine = engine_for(pack("""
        id: long
        kind: phrase
        phrases: [according to people familiar]
        examples: {match: [according to people familiar]}
        """, """
        id: short
        kind: phrase
        phrases: [people familiar]
        examples: {match: [people familiar]}
        """))
    found = check(engine, "The deal is off, according to people familiar with it.")
    assert sorted((f.rule, f.text) for f in found) == [("t.long", "according to people familiar"),
                                                        ("t.short", "people familiar")]


# -- pattern -------------------------------------------------------------------------
def test_pattern_named_group_match_narrows_the_span(engine_for) -> None:
    engine = engine_for(pack(r"""
        id: said-to
        kind: pattern
        pattern: '\b(?:is|are)\s+(?P<match>said)\s+to\b'
        examples: {match: [is said to]}
        """))
    found = check(engine, "He is said to have fled.")
    assert texts(found) == ["said"]
    assert found[0].span == {"start": 6, "end": 10}


def test_pattern_list_and_case_insensitivity(engine_for) -> None:
    engine = engine_for(pack(r"""
        id: two
        kind: pattern
        pattern: ['\bfoo\b', '\bbar\d+']
        examples: {match: [foo]}
        """))
    assert texts(check(engine, "FOO and Bar12 and food.")) == ["FOO", "Bar12"]


def test_overlapping_hits_of_one_rule_are_one_finding(engine_for) -> None:
    engine = engine_for(pack(r"""
        id: nested
        kind: pattern
        pattern: ['\bhas not been confirmed\b', '\bnot been confirmed\b', '\bconfirmed by\b', '\bwas\b']
        examples: {match: [not been confirmed]}
        """))
    found = check(engine, "It has not been confirmed by anyone. It was not been confirmed.")
    assert texts(found) == ["has not been confirmed by", "was", "not been confirmed"]


def test_case_sensitive_pattern(engine_for) -> None:
    engine = engine_for(pack(r"""
        id: caps
        kind: pattern
        case_sensitive: true
        pattern: '\bUN\b'
        examples: {match: [UN]}
        """))
    assert texts(check(engine, "The UN met; un-related.")) == ["UN"]


# -- near ---------------------------------------------------------------------------
NEAR = """
id: denial
kind: near
a: [ministry, spokesman]
b: [weren't involved, denied]
within: 3
{extra}
examples: {{match: [ministry denied]}}
"""


def near_engine(engine_for, extra: str = "") -> Engine:
    return engine_for(pack(NEAR.format(extra=extra)))


def test_near_within_n_words(engine_for) -> None:
    engine = near_engine(engine_for)
    assert texts(check(engine, "The ministry said troops weren't involved.")) == ["weren't involved"]  # 2 words
    assert texts(check(engine, "The ministry said its troops weren’t involved.")) == ["weren’t involved"]  # 3
    assert texts(check(engine, "The ministry said all its troops weren't involved.")) == []  # 4 words


def test_near_stays_in_one_sentence(engine_for) -> None:
    engine = near_engine(engine_for)
    assert texts(check(engine, "It was the ministry. Troops weren't involved.")) == []
    assert texts(check(engine, "A spokesman for the U.S. ministry denied it.")) == ["denied"]


@pytest.mark.parametrize(
    ("order", "first", "second"),
    [("any", ["denied"], ["denied"]), ("a-first", ["denied"], []), ("b-first", [], ["denied"])],
)
def test_near_order(engine_for, order: str, first: list[str], second: list[str]) -> None:
    engine = near_engine(engine_for, f"order: {order}")
    assert texts(check(engine, "The ministry denied it.")) == first
    assert texts(check(engine, "Denied, said the ministry.")) == [t.capitalize() for t in second]


@pytest.mark.parametrize(("report", "expected"), [("a", "ministry"), ("b", "denied"), ("both", "ministry denied")])
def test_near_report_and_data(engine_for, report: str, expected: str) -> None:
    engine = engine_for(pack(NEAR.format(extra=f"report: {report}").replace(
        "examples:", "message: \"'{text}' near '{near}'\"\nexamples:")))
    found = check(engine, "The ministry denied it.")
    assert texts(found) == [expected]
    assert found[0].data == {"near": "ministry"}
    assert found[0].message == f"'{expected}' near 'ministry'"


# -- unless -----------------------------------------------------------------------------
def test_unless_drops_only_overlapping_matches(engine_for) -> None:
    engine = engine_for(pack(r"""
        id: likely
        kind: phrase
        phrases: [likely]
        unless: ['\blikely voters\b']
        examples: {match: [likely]}
        """))
    assert texts(check(engine, "Polls of likely voters show a race.")) == []
    assert texts(check(engine, "Likely voters will likely stay home.")) == ["likely"]


def test_unless_sentence_drops_matches_in_that_sentence_only(engine_for) -> None:
    engine = engine_for(pack(r"""
        id: likely
        kind: phrase
        phrases: [likely]
        unless_sentence: ['\bpoll\b']
        examples: {match: [likely]}
        """))
    found = check(engine, "The poll says it is likely. It is likely to rain.")
    assert len(found) == 1 and found[0].sentence == "It is likely to rain."


# -- scopes --------------------------------------------------------------------------------
def scoped(scope: str, pattern: str = r"alpha.*?omega") -> str:
    return pack(rf"""
        id: s
        kind: pattern
        scope: {scope}
        pattern: '(?s){pattern}'
        examples: {{match: [alpha omega]}}
        """)


def test_sentence_scope_drops_matches_across_sentences(engine_for) -> None:
    engine = engine_for(scoped("sentence"))
    assert texts(check(engine, "alpha and omega. alpha. And omega.")) == ["alpha and omega"]


def test_paragraph_scope_allows_sentences_but_not_paragraphs(engine_for) -> None:
    engine = engine_for(scoped("paragraph"))
    assert texts(check(engine, "alpha. And omega.")) == ["alpha. And omega"]
    assert texts(check(engine, "alpha.\n\nAnd omega.")) == []


def test_document_scope_crosses_paragraphs(engine_for) -> None:
    engine = engine_for(scoped("document"))
    assert texts(check(engine, "alpha.\n\nAnd omega.")) == ["alpha.\n\nAnd omega"]


def test_quotes_and_outside_quotes_scopes(engine_for) -> None:
    text = "He said “we will likely win” and likely did. ‘Likely,’ she said. 'likely' too."
    inside = engine_for(scoped("quotes", r"\blikely\b"))
    outside = engine_for(scoped("outside-quotes", r"\blikely\b"))
    quoted = check(inside, text)
    assert [f.span["start"] for f in quoted] == [text.index("likely"), text.index("Likely"),
                                                 text.index("'likely'") + 1]
    assert [f.span["start"] for f in check(outside, text)] == [text.index("likely did")]


def test_sentence_scope_is_default_from_pack_defaults(engine_for) -> None:
    engine = engine_for(pack(r"""
        id: s
        kind: pattern
        pattern: '(?s)alpha.*?omega'
        examples: {match: [alpha omega]}
        """, defaults="{category: test, scope: document}"))
    assert texts(check(engine, "alpha.\n\nomega")) == ["alpha.\n\nomega"]


# -- messages -------------------------------------------------------------------------------
def test_message_template_fields(engine_for) -> None:
    engine = engine_for(pack("""
        id: m
        kind: phrase
        phrases: [reportedly]
        message: "'{text}' in '{sentence}' {unknown} {text!r:>3}"
        suggestion: "Drop '{text}'"
        examples: {match: [reportedly]}
        """))
    found = check(engine, "It   reportedly\nfell.")
    assert found[0].message == "'reportedly' in 'It   reportedly\nfell.' {unknown} 'reportedly'"
    assert found[0].sentence == "It reportedly fell."
    assert found[0].suggestion == "Drop 'reportedly'"


def test_broken_message_template_is_shown_as_written(engine_for) -> None:
    engine = engine_for(pack("""
        id: m
        kind: phrase
        phrases: [reportedly]
        message: "'{text' is {0} unbalanced"
        examples: {match: [reportedly]}
        """))
    assert check(engine, "It reportedly fell.")[0].message == "'{text' is {0} unbalanced"


def test_default_message_uses_description(engine_for) -> None:
    engine = engine_for(pack("""
        id: m
        kind: phrase
        phrases: [reportedly]
        description: a hedge
        examples: {match: [reportedly]}
        """))
    assert check(engine, "It reportedly fell.")[0].message == "'reportedly': a hedge"


# -- selection and severity -------------------------------------------------------------------
SELECTION = pack("""
    id: on
    kind: phrase
    phrases: [alpha]
    examples: {match: [alpha]}
    """, """
    id: off
    kind: phrase
    enabled: false
    phrases: [beta]
    examples: {match: [beta]}
    """, """
    id: other
    kind: phrase
    category: other
    severity: error
    phrases: [gamma]
    examples: {match: [gamma]}
    """, name="sel")
SAMPLE = "alpha beta gamma"


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, ["alpha", "gamma"]),
        ({"select": ("sel.on",)}, ["alpha"]),
        ({"select": ("other",)}, ["gamma"]),  # by category
        ({"select": ("sel",)}, ["alpha", "gamma"]),  # by pack: default-off rules stay off
        ({"select": ("sel.o*",)}, ["alpha", "gamma"]),  # glob
        ({"select": ("sel.off",)}, ["beta"]),  # a default-off rule named by full id
        ({"ignore": ("sel.on",)}, ["gamma"]),
        ({"ignore": ("test",)}, ["gamma"]),
        ({"enable": ("sel.off",)}, ["alpha", "beta", "gamma"]),
        ({"enable": ("all",)}, ["alpha", "beta", "gamma"]),
        ({"enable": ("sel.off",), "ignore": ("sel.off",)}, ["alpha", "gamma"]),  # ignore wins
        ({"select": ("sel.on", "sel.off"), "ignore": ("sel.on",)}, ["beta"]),
    ],
)
def test_select_ignore_enable(engine_for, settings: dict[str, Any], expected: list[str]) -> None:
    engine = engine_for(SELECTION, **settings)
    assert texts(check(engine, SAMPLE)) == expected


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ((), {"alpha": "warning", "gamma": "error"}),
        ((("sel", "info"),), {"alpha": "info", "gamma": "info"}),
        ((("test", "error"),), {"alpha": "error", "gamma": "error"}),
        ((("sel", "info"), ("sel.other", "warning")), {"alpha": "info", "gamma": "warning"}),  # rule beats pack
        ((("sel", "error"), ("test", "info")), {"alpha": "error", "gamma": "error"}),  # pack beats category
    ],
)
def test_severity_overrides(engine_for, overrides: tuple[tuple[str, str], ...], expected: dict[str, str]) -> None:
    engine = engine_for(SELECTION, severity=overrides)
    assert {f.text: f.severity for f in check(engine, SAMPLE)} == expected


# -- findings: location, order, fingerprints --------------------------------------------------
def test_finding_location_and_text(engine_for) -> None:
    engine = engine_for(pack(PHRASE))
    source = "Title\r\n\r\nThe minister 🙂 reportedly quit."
    finding = check(engine, source)[0]
    start, end = finding.span["start"], finding.span["end"]
    assert source[start:end] == finding.text == "reportedly"
    assert finding.range == {"start": {"line": 3, "column": 16}, "end": {"line": 3, "column": 26}}
    assert finding.rule == "t.hedge" and finding.pack == "t" and finding.category == "test"
    assert finding.path == "doc.txt"


def test_findings_are_sorted_and_deduplicated(engine_for) -> None:
    engine = engine_for(pack(r"""
        id: dup
        kind: pattern
        pattern: ['\bb\b', '\ba\b', '\ba\b']
        examples: {match: [a]}
        """))
    assert [(f.text, f.span["start"]) for f in check(engine, "a b a")] == [("a", 0), ("b", 2), ("a", 4)]


def test_fingerprints_survive_lines_added_above(engine_for) -> None:
    engine = engine_for(pack(PHRASE))
    before = check(engine, "It reportedly fell.\n\nIt reportedly rose.")
    after = check(engine, "A new lede.\n\nMore text here.\n\nIt reportedly fell.\n\nIt reportedly rose.")
    assert [f.fingerprint for f in before] == [f.fingerprint for f in after]
    assert before[0].range["start"]["line"] != after[0].range["start"]["line"]
    assert len({f.fingerprint for f in before}) == 2


def test_fingerprint_changes_when_flagged_words_change(engine_for) -> None:
    engine = engine_for(pack(PHRASE))
    one = check(engine, "It reportedly fell.")[0].fingerprint
    two = check(engine, "It REPORTEDLY fell.")[0].fingerprint
    three = check(engine, "It isn't clear it fell.")[0].fingerprint
    assert one == two  # case is not a change of wording
    assert three != one


def test_identical_findings_get_distinct_fingerprints(engine_for) -> None:
    engine = engine_for(pack(PHRASE))
    found = check(engine, "It reportedly fell.\n\nIt reportedly fell.")
    assert len(found) == 2 and found[0].fingerprint != found[1].fingerprint


# -- time limits ---------------------------------------------------------------------------------
CATASTROPHIC = pack(r"""
    id: slow
    kind: pattern
    timeout: 0.05
    pattern: '(a+)+$'
    examples: {match: [aaa]}
    """, """
    id: fine
    kind: phrase
    phrases: [reportedly]
    examples: {match: [reportedly]}
    """, name="slow")


def test_catastrophic_regex_times_out_and_other_rules_still_report(engine_for) -> None:
    engine = engine_for(CATASTROPHIC)
    document = Document(path="big.txt", text="It reportedly fell.\n\n" + "a" * 30_000 + "!")
    findings, errors = engine.check(document)
    assert texts(findings) == ["reportedly"]
    assert [e["kind"] for e in errors] == ["rule-timeout", "long-sentence"]  # 30,000 a's: checked in pieces
    error = errors[0]
    assert error["kind"] == "rule-timeout" and error["rule"] == "slow.slow" and error["path"] == "big.txt"
    assert "big.txt" in error["message"] and "slow.slow" in error["message"]
    # the same rule still runs on the next document
    findings, errors = engine.check(Document(path="ok.txt", text="aaa"))
    assert texts(findings) == ["aaa"] and errors == []


def test_catastrophic_unless_pattern_times_out_cleanly(engine_for) -> None:
    engine = engine_for(pack(r"""
        id: slow-unless
        kind: phrase
        timeout: 0.05
        phrases: [reportedly]
        unless: ['(?:\w+\s?)+$']
        examples: {match: [reportedly]}
        """))
    findings, errors = engine.check(Document(path="u.txt", text="It reportedly fell " + "word " * 700 + "!"))
    assert findings == []
    assert [e["kind"] for e in errors] == ["rule-timeout"] and "unless" in errors[0]["message"]


def test_the_time_limit_grows_with_the_document() -> None:
    """A flat second per rule and document made healthy rules time out on 20 MB pastes."""
    from factrules.matchers.base import time_budget

    assert time_budget(1.0, 30_001) == 1.0
    assert time_budget(1.0, 1_000_000) == 1.0
    assert time_budget(1.0, 20_000_000) == 20.0
    assert time_budget(0.05, 3_000_000) == pytest.approx(0.15)


@pytest.mark.parametrize("padding", [0, 2_970_000])
def test_a_timeout_names_the_limit_it_was_given(engine_for, padding: int) -> None:
    """The same runaway pattern stops at 0.05 s on a short draft and at 0.15 s on a 3 MB one, and says so."""
    engine = engine_for(CATASTROPHIC)
    text = "It reportedly fell.\n\n" + "a" * 30_000 + "!" + "\n\nNothing here." * (padding // 15)
    findings, errors = engine.check(Document(path="big.txt", text=text))
    assert texts(findings) == ["reportedly"]
    limit = "0.15 s" if padding else "0.05 s"
    # the run of 30,000 a's is also a sentence past segment.MAX_SENTENCE, checked in pieces
    assert [e["kind"] for e in errors] == ["rule-timeout", "long-sentence"]
    assert f"its {limit} time limit" in errors[0]["message"]


# -- the suite's own schema check can fail ---------------------------------------------------
def test_conftest_records_invalid_findings(engine_for, audit, monkeypatch: pytest.MonkeyPatch) -> None:
    engine = engine_for(pack(PHRASE))
    original = Engine.make_finding

    def broken(self: Engine, rule: Any, document: Document, match: Any) -> Any:
        finding = original(self, rule, document, match)
        finding.severity = "catastrophic"
        return finding

    monkeypatch.setattr(Engine, "make_finding", broken)
    before_findings, before = audit.findings, len(audit.violations)
    check(engine, "It reportedly fell.")
    assert audit.findings == before_findings + 1
    new = audit.violations[before:]
    assert len(new) == 1 and "severity" in new[0]
    del audit.violations[before:]  # the violation was the point of this test


def test_phrase_matcher_alone_finds_its_phrases() -> None:
    matcher = PhraseMatcher({"phrases": ["reportedly"]})
    document = Document(path="x", text="It reportedly fell.")
    assert [(m.start, m.end) for m in matcher.find(document)] == [(3, 13)]


def test_equal_texts_and_messages_of_a_document_are_one_string(engine_for) -> None:
    """A phrase flagged again and again holds one text and one message, whatever sentence it is in; the
    sentence field still follows each finding's own sentence."""
    engine = engine_for(scoped("sentence"))
    findings = check(engine, "First alpha and omega here. Then alpha and omega there.")
    first, second = findings
    assert (first.text, first.sentence, second.sentence) == (
        "alpha and omega", "First alpha and omega here.", "Then alpha and omega there.")
    assert first.text is second.text and first.message is second.message


def test_a_checked_document_makes_its_released_lists_again_and_notes_a_cut_once(engine_for) -> None:
    """The engine drops a document's folded copy and span lists after its matchers; reading them again
    gives what they were, and a sentence cut at the length limit is still noted once."""
    from factrules.document import Document
    from factrules.segment import MAX_SENTENCE

    text = "alpha and omega. " + "word " * (MAX_SENTENCE // 4) + "\n\nLast one."
    document = Document(path="d.txt", text=text)
    before = (document.folded, document.sentences, document.paragraphs, document.quotes, document.position(40))
    engine_for(scoped("sentence")).check(document)
    assert "sentences" not in document.__dict__ and "folded" not in document.__dict__
    assert (document.folded, document.sentences, document.paragraphs, document.quotes,
            document.position(40)) == before
    assert [note["kind"] for note in document.notes] == ["long-sentence"]
