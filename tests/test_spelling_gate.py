"""The spelling check's document-level test must never hide a finding the full check would make.

Every sentence here is written for these tests.
"""

from __future__ import annotations

import random
import re

import pytest

from factrules.matchers.consistency_spelling import indexed_groups, spelling_groups
from factrules.matchers.name_evidence import Lexicon
from factrules.matchers.spelling_gate import could_vary

LEXICON = Lexicon()

REPORTED = [
    # two leading particles of one name: only the particle tells the spellings apart
    "Troops entered al-Qamar at dawn. By noon el-Qamar had fallen.",
    "Troops entered al-Qamar at dawn. By noon al Qamar had fallen.",
    "Rebels held Deir al-Qamar. Aid reached Deir el-Qamar.",  # a particle inside a run
    "Jose Ferreira spoke. Later José Ferreira left.",  # the same letters
    "Maria Okonkwo chairs the board. Later Maria Okonkow spoke to staff.",  # one edit
    "The Hrabanek plan failed, governor Hrabanek said. The governor Hrabaenk resigned.",  # two edits
    # short words, one key: compared only as parts of a longer name
    "Lee Kuan Yew founded the party. Years later Lee Kuan Yeu retired.",
]

CLEARED = [
    "Tomas Brandt opened the bridge. Brandt said it cost little. Nothing else happened in Dunmore.",
    "The Ministry said the Minister would resign.",  # one stem, two endings: no context needed
    "Spending rose in March. Speaking in April, the mayor said so.",  # two dictionary words
    "Austria and Australia signed the pact.",  # two places
    "The SEC fined the firm. The SEEC did not.",  # one key, but lone short words are never compared
]


@pytest.mark.parametrize("text", REPORTED)
def test_the_gate_lets_through_every_document_with_a_finding(text):
    assert could_vary(text, LEXICON)
    assert spelling_groups(text, LEXICON) == indexed_groups(text, LEXICON) != []


@pytest.mark.parametrize("text", CLEARED)
def test_the_gate_clears_copy_that_spells_each_name_one_way(text):
    assert not could_vary(text, LEXICON)
    assert indexed_groups(text, LEXICON) == []


BASES = [
    "Maria Okonkwo chairs the board of Westfield Water. Okonkwo said Westfield needed money.",
    "Forces loyal to Omar al-Hamdan held Deir el-Qamar, and al-Hamdan said Qamar would not fall.",
    "Lars Petersen runs the port of Tegucigalpa for Harbourline Corp. Petersen said Harbourline grew.",
    "Judge Ferreira of Sao Paulo met José Ferreira, governor Hrabanek and Mr Wieczorek in Krakow.",
    "The Ministry of Energy said Minister Dunmore would resign. Dunmore denied it in Brussels.",
]


_CAPITALISED = re.compile(r"\b[A-Z]\w{3,}")


def _misspell(word: str, rng: random.Random) -> str:
    """One way copy goes wrong: a letter swapped, dropped, doubled or changed, an accent, a particle."""
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(["swap", "drop", "double", "vowel", "accent", "particle", "two"])
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2 :]
    if kind == "drop":
        return word[:i] + word[i + 1 :]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    if kind == "vowel":
        return word[:i] + rng.choice("aeiouy") + word[i + 1 :]
    if kind == "accent":
        return word.replace("e", "é", 1).replace("o", "ó", 1)
    if kind == "particle":
        return rng.choice(["al-", "el-", "al ", "el ", "ez-", "Al-"]) + word
    return _misspell(_misspell(word, rng), rng) if len(word) > 4 else word


def test_the_gate_agrees_with_the_full_check_on_planted_misspellings():
    rng = random.Random(14)
    outcomes = set()
    for base in BASES:
        for _ in range(120):
            text = base
            for _ in range(rng.choice([1, 1, 2])):
                at, word = rng.choice([(m.start(), m.group()) for m in _CAPITALISED.finditer(text)])
                text = text[:at] + _misspell(word, rng) + text[at + len(word) :]
            full = indexed_groups(text, LEXICON)
            assert spelling_groups(text, LEXICON) == full, text
            outcomes.add((could_vary(text, LEXICON), bool(full)))
    # both sides of the gate were exercised: cleared texts and texts with findings
    assert {(False, False), (True, True)} <= outcomes


def test_a_pair_settled_by_its_letters_gathers_no_context(monkeypatch):
    """Context (neighbours, the document's lower-case words) is gathered only for a pair that needs it."""
    from factrules.matchers import consistency_spelling

    gathered = []
    real = consistency_spelling._add_context

    def spy(text, runs, form, lower_words):
        gathered.append(form.bare)
        real(text, runs, form, lower_words)

    monkeypatch.setattr(consistency_spelling, "_add_context", spy)
    # one stem with two endings, two places: the words alone say two words
    assert indexed_groups("The Ministry said the Minister would resign in Austria, not Australia.", LEXICON) == []
    assert gathered == []
    # a misspelt surname needs the first name in front of both
    assert indexed_groups("Maria Okonkwo chairs the board. Later Maria Okonkow spoke to staff.", LEXICON)
    assert sorted(gathered) == ["okonkow", "okonkwo"]


def test_a_searched_lower_case_word_agrees_with_the_set_of_every_word():
    """``used`` (one word found in the text) answers as the set ``_LowerWords`` otherwise builds."""
    from factrules.matchers.consistency_spelling import PUNCTUATION, _LowerWords, split_words, used

    rng = random.Random(3)
    words = ["okonkwo", "Okonkwo", "harbour", "harbourline", "line", "al-hamdan", "hamdan", "(hamdan",
             "petersen", "peterson", "okonkwo's", "é", "élan"]
    gaps = [" ", "  ", "\n", "\t", "\u00a0", "\u2009", "\x1c", ", ", ". ", "-", "’", ")", '"', ""]
    agreed = {True: 0, False: 0}
    for _ in range(400):
        text = "".join(rng.choice(words) + rng.choice(gaps) for _ in range(rng.randrange(1, 8)))
        every = {w.strip(PUNCTUATION) for w in split_words(text) if w[:1].islower()}
        for word in words + ["", "a b", "okonkwo.", "line-"]:
            assert used(text, word) == (word in every), (text, word)
            agreed[word in every] += 1
        asked = _LowerWords(text)
        asked.SEARCHES = 5  # five words searched, then the set built for the rest
        assert [w in asked for w in words * 3] == [w in every for w in words * 3]  # searches, then the set
    assert min(agreed.values()) > 200  # both answers were exercised


def test_the_string_shortcuts_of_name_tokens_agree_with_the_regex_and_unicode_paths():
    """``without_possessive`` is ``_POSSESSIVE.sub``; on ASCII words ``_ascii_letters`` is ``_letters`` and the
    fold of any word (``_fold_unicode``)."""
    from factrules.matchers.name_index import (
        _POSSESSIVE,
        _ascii_letters,
        _fold_unicode,
        _letters,
        fold_word,
        without_possessive,
    )

    rng = random.Random(5)
    parts = ["A", "b", "s", "S", "'", "’", "-", "O", "Ng", "é", "x2", " ", "''s", "s's", "ss"]
    for _ in range(3000):
        word = "".join(rng.choice(parts) for _ in range(rng.randrange(0, 6)))
        assert without_possessive(word) == _POSSESSIVE.sub("", word), word
        if word.isascii():
            assert _ascii_letters(word) == _letters(word) == fold_word(word) == _fold_unicode(word), word


def test_plain_names_split_into_the_tokens_the_token_regex_finds(monkeypatch):
    """``_plain_tokens`` (a split) gives ``_TOKEN``'s tokens for every name it takes, and declines the rest."""
    from factrules.matchers import name_index

    rng = random.Random(9)
    parts = ["Maria", "Okonkwo", "Al", "el", "EL", "Deir", "al-", "bin", "von", "BBC", "Ng", "O'Neil", "Lee's",
             "Petersen-Smith", "José", "Ali", "Elena", "A", "Xi"]
    gaps = [" ", "  ", "\n", " \n ", "\t", ". "]
    taken = 0
    names = []
    for _ in range(3000):
        count = rng.randrange(1, 5)
        names.append("".join(rng.choice(parts) + (rng.choice(gaps) if i < count - 1 else "") for i in range(count)))
    fast = {name: name_index._plain_tokens(name) for name in names}
    monkeypatch.setattr(name_index, "_plain_tokens", lambda name: None)
    for name in names:
        if fast[name] is not None:
            taken += 1
            assert fast[name] == name_index._name_tokens.__wrapped__(name), name
    assert taken > 300  # plain names were taken, others declined
