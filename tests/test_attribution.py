"""The ``attribution`` kind and ``sourcing.vague-attribution``: clause orders, source kinds, pronouns, options.

Every sentence here is written for these tests.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import pytest
import regex

from factrules import check_text
from factrules.api import Options, build_engine
from factrules.attribution import ANONYMOUS, NAMED_BODY, NAMED_PERSON, NO_SOURCE, VAGUE_GROUP, Analyzer, Lexicon
from factrules.config import Config
from factrules.matchers.attribution import AttributionMatcher, template_regex
from factrules.matchers.base import RuleError

RULE = "sourcing.vague-attribution"


@lru_cache(maxsize=1)
def matcher() -> AttributionMatcher:
    engine = build_engine(Options(select=(RULE,)), Config())
    found = next(rule.matcher for rule in engine.rules if rule.full_id == RULE)
    assert isinstance(found, AttributionMatcher)
    return found


def findings(text: str) -> list[dict[str, Any]]:
    """The rule's findings on ``text``: the words it flagged and its ``data``."""
    return [{"text": f.text, **(f.data or {})} for f in check_text(text, select=[RULE])]


def kinds(text: str) -> list[tuple[str, str]]:
    """(source, kind) of every reporting clause the matcher reads in one sentence, flagged or not."""
    span = (0, len(text))
    return [(s.source, s.kind) for s in matcher().sources_in(text, span, lambda word: word in text.lower())]


# -- clause orders -------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "flagged", "verb"), [
    ("Analysts said the rally would fade.", "Analysts said", "said"),                      # X said
    ("The rally will fade by June, traders said.", "traders said", "said"),                # ..., X said.
    ("The rally will fade by June, say economists.", "say economists", "say"),             # ..., say X.
    ('"The rally is over," said one dealer.', "said one dealer", "said"),                  # "...", said X.
    ("Two diplomats told reporters the talks had stalled.", "Two diplomats told", "told"),  # X told reporters
    ("Economists expect rates to fall in the spring.", "Economists expect", "expect"),
    ("Some brokers have warned that margins will shrink.", "Some brokers have warned", "warned"),
    ("Critics argue that the scheme rewards the wrong firms.", "Critics argue", "argue"),
    ("Observers noted that turnout was low.", "Observers noted", "noted"),
    ("The plant will close, according to researchers.", "according to researchers", "according to"),
    ("DEALERS SAY BOND YIELDS WILL CLIMB", "DEALERS SAY", "SAY"),                          # a headline
])
def test_every_clause_order_is_read(text: str, flagged: str, verb: str) -> None:
    found = findings(text)
    assert [f["text"] for f in found] == [flagged]
    assert found[0]["verb"] == verb


def test_a_parenthetical_between_source_and_verb_is_skipped() -> None:
    found = findings("An aide, who asked not to be named, said the minister would resign.")
    assert found[0]["source"] == "An aide" and found[0]["source_kind"] == ANONYMOUS
    assert found[0]["text"].startswith("An aide") and found[0]["text"].endswith("said")


# -- source kinds ----------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("text", "source", "kind"), [
    ("Maria Lopez said the rally would fade.", "Maria Lopez", NAMED_PERSON),
    ("Mr Okafor said the rally would fade.", "Mr Okafor", NAMED_PERSON),
    ("The rally will fade, said Ana Ruiz, an economist at a Dutch bank.", "Ana Ruiz", NAMED_PERSON),
    ("The Bank of England said rates would stay on hold.", "The Bank of England", NAMED_BODY),
    ("A Treasury spokesman said the figures were wrong.", "A Treasury spokesman", NAMED_BODY),
    ("Finance Ministry officials said the tax would stay.", "Finance Ministry officials", NAMED_BODY),
    ("Officials of the Port Authority said the quay was shut.", "Officials of the Port Authority", NAMED_BODY),
    ("Analysts said the rally would fade.", "Analysts", VAGUE_GROUP),
    ("Government officials said the plan was on course.", "Government officials", VAGUE_GROUP),
    ("Japanese officials said the plan was on course.", "Japanese officials", VAGUE_GROUP),
    ("Others say the plan is too timid.", "Others", VAGUE_GROUP),
    ("Some firms say the plan is too timid.", "Some firms", VAGUE_GROUP),
    ("Industry sources said output would fall.", "Industry sources", VAGUE_GROUP),
    ("A source said the minister would resign.", "A source", ANONYMOUS),
    ("One official told reporters the deal was off.", "One official", ANONYMOUS),
    ("A person at the bank said the deal was off.", "A person at the bank", ANONYMOUS),
    ("One of her advisers' aides said the deal was off.", "One of her advisers' aides", ANONYMOUS),
])
def test_each_source_kind(text: str, source: str, kind: str) -> None:
    assert kinds(text) == [(source, kind)]


@pytest.mark.parametrize(("text", "phrase"), [
    ("It is understood that the board will meet on Friday.", "It is understood"),
    ("There has been growing speculation that the firm will be sold.", "There has been growing speculation"),
    ("Research suggests that most drivers speed.", "Research suggests"),
    ("Studies have shown that the drug works.", "Studies have shown"),
    ("The shares fell amid rumours of a rights issue.", "amid rumours"),
    ("There are also concerns that the dam will leak.", "There are also concerns"),
    ("The reform has been widely praised.", "widely praised"),
    ("The plant will close, according to official statistics.", "according to official statistics"),
])
def test_no_source_at_all(text: str, phrase: str) -> None:
    found = findings(text)
    assert [f["text"] for f in found] == [phrase]
    assert found[0]["source_kind"] == NO_SOURCE


@pytest.mark.parametrize("text", [
    "Maria Lopez said the rally would fade.",
    "The Bank of England said rates would stay on hold.",
    "A Treasury spokesman said the figures were wrong.",
    "Two officials, Ana Ruiz and Tom Berg, said the quay was shut.",  # named in apposition
    "A survey of 900 voters suggests the race is close.",              # the plural is an object
    "The scheme is about letting people tell their own stories.",      # so is this one
    "Some may see this as a setback.",                                  # a possibility, not a report
    "Metal Dealers said in a statement that it had sold the unit.",    # a firm's name ends in a noun
    "Exports rose, according to early figures from the central bank.",  # the figures have an author
    "He said he would appeal.",                                         # no earlier source to refer to
])
def test_attributed_or_no_clause_is_not_flagged(text: str) -> None:
    assert findings(text) == []


# -- pronouns ---------------------------------------------------------------------------------------------------
def test_a_pronoun_takes_the_kind_of_the_source_it_refers_to() -> None:
    found = findings("Dealers said the rate would rise. They added that the bank was silent.")
    assert [f["text"] for f in found] == ["Dealers said", "They added"]
    assert found[1]["source_kind"] == VAGUE_GROUP
    assert (found[1]["pronoun"], found[1]["antecedent"]) == ("They", "Dealers")


def test_a_pronoun_after_a_named_source_is_attributed() -> None:
    assert findings("The Bank of England said the rate would rise. It added that inflation was low.") == []
    assert findings("Analysts expect a loss. Maria Lopez of Vane Capital said costs were high. "
                    "She said margins would recover.") == [
        {"text": "Analysts expect", "verb": "expect", "source": "Analysts", "source_kind": VAGUE_GROUP}]


def test_one_of_a_vague_group_is_an_anonymous_source() -> None:
    found = findings('Traders said the market was thin. "Nobody is buying," one said.')
    assert found[1]["source"] == "one" and found[1]["source_kind"] == ANONYMOUS


def test_a_definite_noun_refers_back_to_the_source_that_introduced_it() -> None:
    text = ("A senior diplomat said the talks had stalled. The minister spoke later. "
            "The envoy arrived on Monday. Nobody else commented. The diplomat said the mood was poor.")
    found = findings(text)
    assert [f["source"] for f in found] == ["A senior diplomat", "The diplomat"]
    assert found[1]["antecedent"] == "A senior diplomat"
    # with no such earlier source, "the spokesman" is whoever the story named before
    assert findings("The Port Authority closed the quay. The spokesman said it would reopen.") == []


def test_a_pronoun_does_not_reach_back_past_its_window() -> None:
    text = "Analysts said the rally would fade. Rain fell. Wind blew. Snow came. Ice formed. They said so again."
    assert [f["text"] for f in findings(text)] == ["Analysts said"]


@pytest.mark.parametrize("opening", ["Rain fell on Ankara.", "Rain fell on İzmir."])  # İ: no folded copy
def test_a_pronoun_window_counts_sentences_on_both_paths(opening: str) -> None:
    # the pass numbers each sentence as it finds its cue words (or, unfolded, as it reads every sentence)
    near = f"{opening} Analysts said the rally would fade. Rain fell. Wind blew. They said so again."
    far = f"{opening} Analysts said the rally would fade. Rain fell. Wind blew. Snow came. They said so again."
    assert [f["text"] for f in findings(near)] == ["Analysts said", "They said"]
    assert [f["text"] for f in findings(far)] == ["Analysts said"]


# -- the pieces -------------------------------------------------------------------------------------------------
def test_classify_without_the_pack() -> None:
    lexicon = Lexicon.build({"verbs": ["said"], "group_nouns": ["pundits"], "titles": ["mr"]})
    analyzer = Analyzer(lexicon)
    assert analyzer.classify(["pundits"], True, False)[0] == VAGUE_GROUP
    assert analyzer.classify(["Mr", "Ames"], True, False)[0] == NAMED_PERSON
    assert analyzer.classify(["they"], False, False)[0] == "pronoun"


def test_no_source_templates() -> None:
    source, anchor = template_regex("there {be} * speculation")
    assert anchor == "speculation"
    compiled = regex.compile(source, regex.IGNORECASE)
    for text in ("there is speculation", "There has already been speculation", "there was some speculation"):
        assert compiled.fullmatch(text), text
    for bad in ("* rumours", "{be} *", "what? {be} said"):
        with pytest.raises(RuleError):
            template_regex(bad)


# -- options: a desk's own lists, and bad ones ----------------------------------------------------------------
DESK_PACK = """pack: desk
defaults: {category: unverified}
rules:
  - id: pundits
    kind: attribution
    options:
      verbs: [said, reckon]
      group_nouns: [pundits]
    examples:
      match: [Pundits reckon the vote is lost.]
      no_match: [Ana Ruiz said the vote is lost.]
"""


def test_a_desk_extends_the_lists_without_code(cli, write) -> None:
    pack = write("desk.yaml", DESK_PACK)
    assert cli("rules", "test", pack).code == 0
    found = check_text("Pundits reckon the vote is lost.", rules=[str(pack)], select=["desk"])
    assert [(f.text, f.data["source_kind"]) for f in found] == [("Pundits reckon", VAGUE_GROUP)]


@pytest.mark.parametrize(("options", "words", "line"), [
    ("      verbs: said\n", "options: verbs: 'said' is not of type 'array'", 7),
    ("      verbs: [said]\n      group_noun: [pundits]\n", "unknown key 'group_noun' (did you mean 'group_nouns'?)", 8),
    ("      group_nouns: [pundits]\n", "'verbs' is a required property", 6),
    ("      verbs: [said, said]\n", "options: verbs: ['said', 'said'] has non-unique elements", 7),
    ("      verbs: [said]\n      group_nouns: [" + ", ".join(["pundits"] * 80) + "]\n",
     "options: group_nouns: the list has non-unique elements", 8),
    ("      verbs: [said]\n      no_source: ['* rumours']\n", "options: no_source: '* rumours'", 6),
    ("      verbs: [said]\n      group_nouns: [fund managers]\n",
     "options: group_nouns: 'fund managers' does not match", 8),  # one word each: a phrase is read word by word
])
def test_a_bad_option_is_a_one_line_error_naming_file_line_and_rule(cli, write, options: str, words: str,
                                                                    line: int) -> None:
    text = ("pack: desk\ndefaults: {category: unverified}\nrules:\n  - id: pundits\n    kind: attribution\n"
            "    options:\n" + options + "    examples: {match: [Pundits said so.]}\n")
    pack = write("bad.yaml", text)
    result = cli("rules", "validate", pack)
    assert result.code == 2
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.err
    # the option's own line; the line of 'options:' for a missing option or a template that cannot compile
    assert lines[0].startswith(f"factrules: error: {pack}:{line}: rule 'pundits': "), lines[0]
    assert words in lines[0] and len(lines[0]) < 400


def test_text_whose_case_folding_changes_its_length_is_still_read() -> None:
    # "İ" lower-cases to two characters, so the document has no folded copy with the same offsets
    found = findings("The lira will fall, say İzmir's dealers. Analysts said it would fall further.")
    assert "Analysts said" in [f["text"] for f in found]


def test_word_places_answer_as_the_whole_word_search_did() -> None:
    """``_WordPlaces.within`` gives what a whole-word regex search of the same window gives, for every
    window of a sentence: boundaries are read before the window's start, and a word cut by its end counts."""
    import re

    from factrules.matchers.attribution import _WordPlaces

    words = ["analysts", "analyst", "some", "sources", "they", "he"]
    search = re.compile(r"(?<![\w'])(?:" + "|".join(sorted(words, key=len, reverse=True)) + r")(?![\w])")
    text = "some analysts' notes, they said; xanalyst said sources_ and o'some analyst sources they"
    finder = _WordPlaces(words)
    for start in range(len(text)):
        for end in range(start, len(text) + 1):
            assert finder.within(text, start, end) == (search.search(text, start, end) is not None), (
                start, end)


@pytest.mark.parametrize("text", [
    "The U.S. envoy’s aides, who asked not to be named, said Brown's plan would FAIL.",
    "İzmir’s dealers SAID the lira would fall.",
    "ΟΔΥΣΣΕΑΣ·Β and ΑΣ said so too.",  # a capital sigma is final or not by what follows it in the stretch
    "Analysts said it — “plainly” — twice: co-said, rock&roll, 3.5 percent.",
    "",
])
def test_folded_tokens_are_those_of_the_folded_stretch(text: str) -> None:
    """The folded tokens are made by folding the tokens joined; they must be what tokenising the folded stretch
    gave (the definition), or each token folded where folding changed the stretch's shape ("İ")."""
    from factrules.attribution import TOKEN, tokenize

    for pivot in sorted({0, len(text) // 2, text.find("said") if "said" in text else 0}):
        tokens = tokenize(text, 0, len(text), pivot)
        folded = text.lower().replace("’", "'")
        expected = TOKEN.findall(folded, 0, pivot) + TOKEN.findall(folded, pivot)
        if len(expected) != len(tokens.text):
            expected = [t.lower().replace("’", "'") for t in tokens.text]
        assert tokens.low == expected


@pytest.mark.parametrize(("words", "text"), [
    (None, "Some analysts' notes, they said; xanalyst said sources_ and o'some analyst sources told officials"),
    (None, "Officially, the official-sources said so; others'd say otherwise, most of the people said"),
    (["workers", "co-workers", "analysts"], "His co-workers said, and workers said; analysts-workers co-workers"),
])
def test_trigger_places_from_the_cue_pass_answer_as_the_window_search(words: list[str] | None, text: str) -> None:
    """``_Places.within`` (the trigger words found once, in the cue pass) gives what ``_WordPlaces.within`` (a
    pass over the window) gives, for every window: boundaries before the window, a word cut by its end, and
    words found out of order inside a hyphenated word."""
    from factrules.matchers.attribution import _WordPlaces

    if words is None:
        found = matcher()
    else:
        found = AttributionMatcher({"id": "t", "kind": "attribution", "options": {"verbs": ["said"],
                                                                                   "group_nouns": words}})
    folded = text.lower()
    _, _, places = found._scan(folded)
    reference = _WordPlaces(found.triggers)
    assert places  # the texts hold trigger words
    for start in range(len(folded)):
        for end in range(start, len(folded) + 1):
            assert places.within(start, end) == reference.within(folded, start, end), (start, end)


@pytest.mark.parametrize("text", [
    "The mill will close, the company said. It said so again.",         # no trigger word, no template: returns early
    "The mill will close, the company said. There are rumours it will.",  # a template with no trigger word
    "The mill will close, the company said. Analysts said it would.",     # a trigger word
])
def test_a_draft_without_trigger_words_or_templates_gives_what_reading_every_clause_gives(text: str) -> None:
    """The early return of ``find`` (no trigger word and no template anchor in the draft) agrees with the
    sentence-by-sentence path that reads every clause (the one taken when folding changes the text's length)."""
    from factrules.document import Document

    fast = [(m.start, m.end, m.data) for m in matcher().find(Document(path="t", text=text, metadata={}))]
    slow_document = Document(path="t", text=text, metadata={})
    slow_document.__dict__["folded"] = None  # as for a draft holding "İ": every clause read, none skipped
    slow = [(m.start, m.end, m.data) for m in matcher().find(slow_document)]
    assert fast == slow


@pytest.mark.parametrize("text", [
    "There is growing speculation, it is widely reported, and I’m told research has shown that amid rumours "
    "studies suggest so; it is understood.",
    "Amid claims and amid reports there have been fears: it was alleged, it is rumoured, widely praised.",
    "It is also now widely expected; there are some ſpeculation and concerns that studies show it.",
    "It is reportedly so, and it was claimedly true; studies have shownly more, amid rumoursome talk.",
])
def test_templates_searched_by_their_anchors_find_what_all_templates_find(text: str) -> None:
    """``_no_source_in`` (only the templates whose anchor stands in the window) finds in every window what
    the full ``no_source`` pattern finds there, words cut by the window's end and non-ASCII windows included."""
    found = matcher()
    folded = text.lower().replace("’", "'")
    starts, words, _ = found._scan(folded)
    cues = list(zip(starts, words, strict=True))
    assert found.no_source is not None and cues
    narrowed = 0
    for start in range(len(text)):
        for end in range(start, len(text) + 1):
            pattern = found._no_source_in(folded, start, end, cues)
            expected = [hit.span() for hit in found.no_source.finditer(text, start, end)]
            assert ([] if pattern is None else [hit.span() for hit in pattern.finditer(text, start, end)]) == \
                expected, (start, end)
            narrowed += pattern is not found.no_source
    assert narrowed  # the narrowed patterns were used


@pytest.mark.parametrize("pronouns", [False, True])
def test_worth_reading_answers_as_the_window_search(pronouns: bool) -> None:
    """``_worth`` (widest window first, trigger places from the cue pass) answers as searching the clause's own
    window for trigger words (and pronouns, when one may refer back) does, for every cue of every sentence."""
    from factrules.matchers.attribution import _WordPlaces

    text = ("Shares fell, the company said. Some of the oil in storage, which the company said was sold, fell. "
            "Officials from the ministry, speaking in the capital on a long, hot Tuesday afternoon, said so. "
            "He said it would. Smith, a trader, said they expected more, and analysts told reporters as much.")
    found = matcher()
    folded = text.lower()
    starts, words, places = found._scan(folded)
    triggers, pronoun_words = _WordPlaces(found.triggers), _WordPlaces(found.pronoun_triggers)
    from factrules.document import Document

    document_spans = list(Document(path="t", text=text, metadata={}).sentences)
    assert len(document_spans) == 5
    checked = 0
    for offset, word in zip(starts, words, strict=True):
        span = next(s for s in document_spans if s[0] <= offset < s[1])
        back = 80 if folded[max(span[0], offset - 3):offset].rstrip().endswith(",") else 40
        window = (max(span[0], offset - back), min(span[1], offset + len(word) + 30))
        expected = triggers.within(folded, *window) or pronouns and pronoun_words.within(folded, *window)
        assert found._worth(folded, places, span, (offset, word), pronouns) == expected, (offset, word)
        checked += expected
    assert checked  # some clauses are worth reading


def test_cues_are_grouped_by_sentence_in_order_found() -> None:
    """``_cues`` hands each sentence its cues in the order found, sentences in order, also when the cues come
    out of order (a longer word found after a shorter one inside it)."""
    from array import array
    from bisect import bisect_right

    from factrules.document import Document

    text = "Analysts said so. Traders said no. Dealers told us. Brokers said yes."
    document = Document(path="t", text=text, metadata={})
    sentences = list(document.sentences)
    starts = array("q", [9, 27, 0, 44, 60, 18, 61])
    words = ["said", "said", "analysts", "told", "said", "traders", "aid"]
    number_of = [max(bisect_right([s for s, _ in sentences], at) - 1, 0) for at in starts]
    expected = [(number, sentences[number], [(at, word) for at, word, n in zip(starts, words, number_of, strict=True)
                                             if n == number])
                for number in sorted(set(number_of))]
    assert list(AttributionMatcher._cues(document, starts, words)) == expected


@pytest.mark.parametrize("text", [
    "The U.S. envoy’s aides, who asked not to be named, said Brown's plan would FAIL, according to Reuters.",
    "İzmir’s dealers SAID.The lira would fall, they said—again.",
    "ΟΔΥΣΣΕΑΣ·Β and ΑΣ said so too, it was said by them.",
    "Analysts said it — “plainly” — twice: co-said, rock&roll, 3.5 percent",
])
def test_tokens_read_to_the_cue_then_completed_are_the_whole_tokens(text: str) -> None:
    """``tokenize(..., whole=False)`` holds the tokens up to the cue's, as the whole tokenising has them, and
    ``complete`` makes them the whole tokens, for a cue at every word of the sentence."""
    from factrules.attribution import TOKEN, tokenize

    for pivot in [match.start() for match in regex.finditer(r"(?<!\w)\w", text)]:
        whole = tokenize(text, 0, len(text), pivot)
        partial = tokenize(text, 0, len(text), pivot, whole=False)
        assert partial.pivot == whole.pivot
        assert partial.text == whole.text[:len(partial.text)] and partial.low == whole.low[:len(partial.low)]
        assert len(partial.text) == len(partial.low) >= min(len(whole.text), whole.pivot + 1)
        partial.complete()
        assert (partial.text, partial.low) == (whole.text, whole.low), pivot
        found = [*TOKEN.finditer(text, 0, pivot), *TOKEN.finditer(text, pivot)]  # what span() used to read
        for first in range(len(found)):
            for last in range(first, len(found)):
                assert partial.span(first, last) == (found[first].start(), found[last].end())
