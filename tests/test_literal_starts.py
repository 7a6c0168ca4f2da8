"""Pattern rules tried only where their first words are find exactly what a full scan finds."""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest
import regex
from hypothesis import given, settings
from hypothesis import strategies as st

from factrules.document import Document
from factrules.matchers import pattern as pattern_module
from factrules.matchers.pattern import PatternGroup, PatternMatcher
from factrules.packs import load_packs
from factrules.plugins import registry
from factrules.prefixes import literal_starts


@pytest.mark.parametrize(("source", "expected"), [
    (r"\bsources?\s+(?:say|said)\b", ("source said", "source say", "sources said", "sources say")),
    (r"(?:officials|sources)\s+said", ("officials said", "sources said")),
    (r"\brise(?:s|n)?\s+sharply", ("rise sharply", "risen sharply", "rises sharply")),
    (r"\bword\s+\w+\s+other\b", ("word ",)),  # a run of whitespace, then something not literal
    (r"according to\s{1,3}\n?officials", ("according to officials",)),
    (r"(?:the\s+)?official\s+said", ("official said", "the official said")),
    (r"said[ \t]it", ("said it",)),
    (r"said\s?it", ("said it", "saidit")),
    (r"said\s*it", ("said",)),  # none or more: the words stop there
    (r"said\s+caf\u00e9", ("said caf",)),  # only plain ASCII goes into the words
    (r"said[\s,]+it", ("said",)),
    (r"\bspokes(?:man|woman)\b", ("spokesman", "spokeswoman")),
    (r"(?<![\w-])according\s+to", ("according to",)),
    (r"[Ss]ource(?=s)", ("source",)),
    (r"(?P<match>claimed)\s+that", ("claimed that",)),
    (r"it\s+is\s+understood", None),  # "it" is too short to be worth a candidate
    (r"\w+ing\s+said", None),
    (r"^said", None),
    (r"(?:said|told)?\s+them", None),
    (r"(?:abc){e<=1}", None),  # fuzzy matching: "abd" matches too
    (r"(?f)strasse", None),  # full case folding: "straße" matches too
    (r"\p{Lu}\w+\s+said", None),
])
def test_the_first_words_of_a_pattern(source: str, expected: tuple[str, ...] | None) -> None:
    assert literal_starts(regex.compile(source, regex.IGNORECASE)) == expected


PATTERNS = [
    r"\bsources?\s+(?:say|said)\b",
    r"(?<!\w)said\b(?:\s+on\s+\w+day)?",
    r"\bsaid\s+(?P<match>it)\b",
    r"(?:officials|sources)\s+(?:said|told)\s+\w+",
    r"\bspokes(?:man|woman|person)\b",
    r"\bwould\s+not\s+(?:confirm|comment)",
    r"aid(?:ed|s)?\b",  # a word inside other words ("said", "raid"): places without a boundary
    r"\bkilo\w*",
    r"\bsaid\s+\w+\s+said\b",  # overlapping places: the second "said" is inside the first match
    r"\bsai(?:d|s)",
    r"(?:[Tt]he|an?)\s+official",
    r"\bpolice\s+said(?=,)",
    r"\bsources?\s{1,2}said\b",
    r"would\s?not\s+comment",
    r"\bsaid[ ]it\b",
]
WORDS = ["said", "Said", "SAID", "ſaid", "sources", "source", "officials", "official", "told", "it", "raid",
         "aided", "Kilo", "\u212ailo", "İstanbul", "would", "not", "confirm", "comment", "spokesman",
         "spokeswoman", "on", "Monday", "police", "the", "an", "a", ",", ".", "—", "’", "\n", "said,", "xsaid",
         "\u00a0", "\t\n", "  ", "\x1c", "\u2003 "]


def _matchers(sources: list[str], case_sensitive: bool = False) -> list[PatternMatcher]:
    return [PatternMatcher({"id": f"p{i}", "kind": "pattern", "pattern": s, "case_sensitive": case_sensitive},
                           timeout=5.0) for i, s in enumerate(sources)]


def _found(matchers: list[PatternMatcher], text: str, use_starts: bool, monkeypatch: Any) -> list[Any]:
    monkeypatch.setattr(pattern_module, "USE_LITERAL_STARTS", use_starts)
    monkeypatch.setattr(pattern_module, "LITERAL_STARTS_MIN_RULES", 0)
    document = Document(path="d.txt", text=text, metadata={})
    return [(matchers.index(m), hit.start, hit.end) for m, hit in PatternGroup(matchers).find(document)]


def _random_text(rng: random.Random, words: int) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(words))


def test_candidate_places_give_the_full_scan_s_matches(monkeypatch: pytest.MonkeyPatch) -> None:
    rng = random.Random(14)
    for case_sensitive in (False, True):
        matchers = _matchers(PATTERNS, case_sensitive)
        assert sum(any(m.literal_starts) for m in matchers) >= 10  # the fast path is really taken
        for _ in range(150):
            text = _random_text(rng, rng.randint(1, 80))
            assert _found(matchers, text, True, monkeypatch) == _found(matchers, text, False, monkeypatch), text


@settings(max_examples=150, deadline=None)
@given(st.lists(st.sampled_from(WORDS), max_size=60), st.sampled_from([" ", "", "  ", "\n", "\u00a0\n", "\x1c"]))
def test_candidate_places_property(words: list[str], joiner: str) -> None:
    matchers = _matchers(PATTERNS)
    text = joiner.join(words)
    with pytest.MonkeyPatch.context() as monkeypatch:
        assert _found(matchers, text, True, monkeypatch) == _found(matchers, text, False, monkeypatch)


def test_a_house_pack_gives_the_same_findings_both_ways(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A generated house pack (bench/rule_scale.py's shapes) over generated copy, byte for byte: the one-pass
    paths (first-word places, the phrase and near indexes over the spaced text) against every pattern scanned
    whole and every phrase and term by the overlapped scan of its alternation; some copy oddly spaced."""
    import json
    import sys

    from factrules.matchers import near as near_module
    from factrules.matchers import phrase as phrase_module

    sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))
    import corpus
    import rule_scale

    documents = corpus.generate(0.15)
    middle, sequences = rule_scale.vocabulary(documents)
    rng = random.Random(11)
    spacings = [" ", " ", " ", "  ", "\n", " \n\t", "\u00a0"]
    documents = [text if index % 2 else "".join(rng.choice(spacings) if char == " " else char for char in text)
                 for index, text in enumerate(documents)]
    pack = tmp_path / "house.json.yaml"
    pack.write_text(json.dumps(rule_scale.house_pack(300, middle, sequences)), encoding="utf-8")
    plugins = registry()
    from factrules.engine import Engine

    engine = Engine(load_packs([*plugins.pack_paths, pack], plugins.matchers), plugins)
    dumps = []
    for one_pass in (True, False):
        monkeypatch.setattr(pattern_module, "USE_LITERAL_STARTS", one_pass)
        monkeypatch.setattr(pattern_module, "LITERAL_STARTS_MIN_RULES", 0)
        monkeypatch.setattr(phrase_module, "USE_PHRASE_INDEX", one_pass)
        monkeypatch.setattr(phrase_module, "USE_FIRST_WORDS", one_pass)
        monkeypatch.setattr(near_module, "USE_TERM_INDEX", one_pass)
        found = []
        for index, text in enumerate(documents):
            findings, errors = engine.check(Document(path=f"d{index}.txt", text=text, metadata={}))
            found.append(([f.to_dict() for f in findings], errors))
        dumps.append(found)
    assert dumps[0] == dumps[1]
    assert sum(len(f) for f, _ in dumps[0]) > 100
    assert sum(f["rule"].startswith("house.") for found, _ in dumps[0] for f in found) > 50


def test_start_places_are_the_same_whatever_the_chunk(monkeypatch: pytest.MonkeyPatch) -> None:
    """``StartIndex`` lists places a chunk at a time; a word across a cut is still listed, once, in order."""
    from factrules import keywords

    index = keywords.StartIndex(["said", "sources", "so", "officials"])
    rng = random.Random(3)
    for _ in range(40):
        text = _random_text(rng, rng.randint(0, 60))
        document = Document(path="d.txt", text=text, metadata={})
        if document.folded is None:  # "İ" folds to two characters: no places, the caller scans instead
            assert index.starts(document) is None
            continue
        monkeypatch.setattr(keywords, "CHUNK", 1 << 18)
        whole = list(index.starts(document))
        expected = sorted({i for w in ("said", "sources", "so", "officials")
                           for i in range(len(text)) if document.folded.startswith(w, i)})
        assert whole == expected
        for chunk in (1, 3, 7):
            monkeypatch.setattr(keywords, "CHUNK", chunk)
            assert list(index.starts(document)) == whole, (chunk, text)


PHRASES = [["said", "sources said", "sources said on"], ["according to", "according to officials"],
           ["don’t know", "don't recall"], ["so far", "so-called experts", "so"], ["Kilo", "ſaid so"],
           ["u.s. officials"], ["source"]]


def test_phrases_tried_by_first_word_find_what_the_whole_alternation_finds(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each place tries only the phrases starting with the word found there, or the phrases are found in one
    Aho–Corasick pass over the spaced text: the same matches as an overlapped scan of every phrase over the
    whole text, in both case modes, however the words are spaced."""
    from factrules.matchers import phrase as phrase_module
    from factrules.matchers.phrase import PhraseGroup, PhraseMatcher

    matchers = [PhraseMatcher({"id": f"p{i}", "kind": "phrase", "phrases": phrases, "case_sensitive": i % 3 == 2})
                for i, phrases in enumerate(PHRASES)]
    matchers.append(PhraseMatcher({"id": "folded-twice", "kind": "phrase", "phrases": ["Sources  said"]}))
    words = [*WORDS, "according", "to", "so", "far", "so-called", "don’t", "don't", "know", "recall", "U.S.",
             "u.s.", "on", "sources\u00a0said", "so\t\tfar", "said_", "_said", "saidé", "éso"]
    rng = random.Random(8)
    monkeypatch.setattr(phrase_module, "NARROW_FROM", 1)  # a few phrases here; house packs have thousands
    indexed = 0
    for _ in range(300):
        joiner = rng.choice([" ", " ", "\n", "  ", " \u2003", "\x1c", ""])
        text = joiner.join(rng.choice(words) for _ in range(rng.randint(1, 50)))
        document = Document(path="d.txt", text=text, metadata={})
        indexed += document.folded is not None
        results = []
        for use_index, narrow in ((True, True), (False, True), (False, False)):
            monkeypatch.setattr(phrase_module, "USE_PHRASE_INDEX", use_index)
            monkeypatch.setattr(phrase_module, "USE_FIRST_WORDS", narrow)
            results.append([(matchers.index(m), hit.start, hit.end) for m, hit in PhraseGroup(matchers).find(document)])
        assert results[0] == results[2], text
        assert results[1] == results[2], text
    assert indexed > 100  # most texts fold in place: the index path is the one compared


def test_the_built_in_phrases_are_found_by_the_index(monkeypatch: pytest.MonkeyPatch) -> None:
    """The built-in packs' case-insensitive phrases are plain ASCII: their pass takes the index, and finds
    what the overlapped scan finds on copy written with odd spacing."""
    from factrules.matchers import phrase as phrase_module
    from factrules.matchers.phrase import PhraseGroup, PhraseMatcher

    plugins = registry()
    phrase_matchers = [r.matcher for p in load_packs(plugins.pack_paths, plugins.matchers) for r in p.rules
                       if isinstance(r.matcher, PhraseMatcher)]
    group = PhraseGroup(phrase_matchers)
    assert any(index is not None and index.usable for index in group._indexes)
    phrases = [p for m in phrase_matchers for p in m.phrases]
    rng = random.Random(5)
    found = 0
    for _ in range(60):
        pieces = []
        for _ in range(rng.randint(1, 12)):
            phrase = rng.choice(phrases)
            spacing = rng.choice([" ", "\n", " \u00a0", "\t"])
            pieces.append(spacing.join(phrase.upper().split() if rng.random() < 0.3 else phrase.split()))
            pieces.append(rng.choice([" and ", ", ", ".\n\n", "x", " "]))
        document = Document(path="d.txt", text="".join(pieces), metadata={})
        results = []
        for use_index in (True, False):
            monkeypatch.setattr(phrase_module, "USE_PHRASE_INDEX", use_index)
            monkeypatch.setattr(phrase_module, "USE_FIRST_WORDS", False)
            results.append([(phrase_matchers.index(m), h.start, h.end) for m, h in group.find(document)])
        assert results[0] == results[1]
        found += len(results[0])
    assert found > 200


def test_space_chars_are_what_the_regex_module_reads_as_whitespace() -> None:
    from factrules import keywords

    every = "".join(chr(code) for code in range(0x110000) if not 0xD800 <= code < 0xE000)
    assert set(keywords.SPACE_CHARS) == set(regex.findall(r"\s", every))


def test_spaced_text_maps_back_to_the_text() -> None:
    from factrules.keywords import Spaced, spaced

    text = "a  b\n\n\tc d\u00a0 e   "
    folded = Spaced(text)
    assert folded.text == "a b c d e "
    for offset, char in enumerate(folded.text):
        original = folded.original(offset)
        assert char == " " if text[original].isspace() else text[original] == char
    assert [folded.original(i) for i in (0, 2, 4, 6, 8)] == [0, 3, 7, 9, 12]
    document = Document(path="d.txt", text="Said  it", metadata={})
    assert spaced(document) is spaced(document)  # once per document
    assert spaced(Document(path="e.txt", text="\u0130stanbul", metadata={})) is None  # does not fold in place


def test_spaced_way_back_built_late_agrees_with_a_character_walk() -> None:
    """The run table is built on the first ``original`` call, from the folded text: every offset of random
    text mixing every kind of whitespace maps back where a plain walk over the characters says."""
    import random

    from factrules.keywords import SPACE_CHARS, Spaced

    generator = random.Random(14)
    alphabet = "ab" + SPACE_CHARS
    for _ in range(300):
        text = "".join(generator.choice(alphabet) for _ in range(generator.randrange(0, 40)))
        expected_text, expected_back = [], []
        for offset, char in enumerate(text):
            space = char in SPACE_CHARS
            if space and expected_text and expected_text[-1] == " ":
                continue
            expected_text.append(" " if space else char)
            expected_back.append(offset)
        found = Spaced(text)
        assert found.text == "".join(expected_text)
        assert found.shifted == (len(found.text) != len(text))
        assert [found.original(offset) for offset in range(len(found.text))] == expected_back


def test_the_first_word_pass_is_used_only_by_a_group_large_enough_to_gain_from_it(monkeypatch: Any) -> None:
    """A few dozen rules are scanned as before (the pass costs more than it saves); hundreds use it."""
    calls = []
    original = pattern_module.WordStarts.positions

    def counting(self, document):
        calls.append(document.path)
        return original(self, document)

    monkeypatch.setattr(pattern_module.WordStarts, "positions", counting)
    document = Document(path="d.txt", text="Officials said it rained.", metadata={})
    small = _matchers([r"\bsaid\b"] * 3)
    list(PatternGroup(small).find(document))
    assert calls == []
    large = _matchers([r"\bsaid\b"] * pattern_module.LITERAL_STARTS_MIN_RULES)
    found = list(PatternGroup(large).find(document))
    assert calls == ["d.txt"] and len(found) == pattern_module.LITERAL_STARTS_MIN_RULES


def test_the_whole_alternation_is_compiled_only_when_a_pass_needs_it() -> None:
    """A case-insensitive ASCII pass is found by the index and never compiles its alternation; a case-sensitive
    pass, or a text that cannot be folded in place, does."""
    from factrules.matchers.phrase import PhraseGroup, PhraseMatcher

    matchers = [PhraseMatcher({"id": "a", "kind": "phrase", "phrases": ["sources said", "so far"]}),
                PhraseMatcher({"id": "b", "kind": "phrase", "phrases": ["Kilo"], "case_sensitive": True})]
    group = PhraseGroup(matchers)
    insensitive, sensitive = (entry[0] for entry in group._passes)
    found = list(group.find(Document(path="d.txt", text="Sources  said so far, Kilo.", metadata={})))
    assert [(m.rule["id"], h.start, h.end) for m, h in found] == [("a", 0, 13), ("a", 14, 20), ("b", 22, 26)]
    assert insensitive._compiled is None and sensitive._compiled is not None
    found = list(group.find(Document(path="e.txt", text="\u0130 sources said", metadata={})))
    assert [(m.rule["id"], h.start, h.end) for m, h in found] == [("a", 2, 14)]
    assert insensitive._compiled is not None


def test_a_phrase_pass_skipped_for_lack_of_its_words_finds_what_the_pass_finds() -> None:
    """``PhraseIndex`` skips its pass where none of its required words stands: on text that holds the
    phrases (split by every kind of spacing, inside longer words, or not at all) it finds what the full
    pass finds, and on text holding none of the words it does not build the spaced copy."""
    from factrules.document import SPACED_ATTRIBUTE
    from factrules.keywords import PhraseIndex

    phrases = ["was not involved", "had no connection", "not responsible", "no links to", "denied"]
    index = PhraseIndex(phrases)
    assert index.required == ("connection", "denied", "involved", "links", "responsible")
    reference = PhraseIndex(phrases)
    reference.required = reference.spaced_required = None
    rng = random.Random(5)
    pieces = ["the firm", "was not", "involved", "had no", "connection", "not", "responsible", "no links to",
              "uninvolved", "denied", "disconnection", "Involved", "LINKS", "to", "it", "said"]
    spacings = [" ", "  ", "\n", "\n\n", "\t", "\u00a0 ", ". ", ", "]
    found = skipped = 0
    for _ in range(400):
        words = [rng.choice(pieces) for _ in range(rng.randint(0, 8))]
        text = "".join(word + rng.choice(spacings) for word in words)
        expected = list(reference.matches(Document(path="r.txt", text=text, metadata={})) or ())
        document = Document(path="d.txt", text=text, metadata={})
        assert list(index.matches(document) or ()) == expected
        found += len(expected)
        skipped += SPACED_ATTRIBUTE not in document.__dict__
    assert found > 100
    assert skipped > 20
    # the words are looked for in the folded text: capitals and a curly apostrophe do not hide a phrase
    for text in ("The firm WAS NOT\n\nInvolved, it said.", "Not  Responsible", "It Denied it"):
        document = Document(path="c.txt", text=text, metadata={})
        assert len(list(index.matches(document) or ())) == 1
    # too many words to be worth testing one by one: the pass runs as before
    assert PhraseIndex([f"word{number}" for number in range(20)]).required is None


def test_one_word_phrases_are_found_in_the_folded_text_as_in_the_spaced_copy() -> None:
    """With none of the words of its longer phrases in the text, ``PhraseIndex`` searches the folded text
    itself: the same matches as the pass over the spaced copy, and the copy is not built."""
    from factrules.document import SPACED_ATTRIBUTE
    from factrules.keywords import PhraseIndex

    phrases = ["likely", "unlikely", "maybe", "odds are", "in all likelihood", "it's said"]
    index = PhraseIndex(phrases)
    assert index.spaced_required == ("it's", "likelihood", "odds")  # each phrase's longest word
    reference = PhraseIndex(phrases)
    reference.required = reference.spaced_required = None
    rng = random.Random(8)
    pieces = ["Likely", "unlikely", "likelyhood", "maybe", "MAYBE_", "odds", "ARE", "in all", "likelihood", "it’s",
              "said", "the", "vote", "x"]
    spacings = [" ", "  ", "\n\n", "\t", "\u00a0", "-", "'", ". "]
    found = plain = 0
    for _ in range(400):
        text = "".join(rng.choice(pieces) + rng.choice(spacings) for _ in range(rng.randint(0, 8)))
        expected = list(reference.matches(Document(path="r.txt", text=text, metadata={})) or ())
        document = Document(path="d.txt", text=text, metadata={})
        assert list(index.matches(document) or ()) == expected
        found += len(expected)
        plain += SPACED_ATTRIBUTE not in document.__dict__ and "  " in text
    assert found > 100
    assert plain > 20
    assert PhraseIndex(["likely", "maybe"]).spaced_required == ()
