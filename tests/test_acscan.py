"""``iter_text`` and ``iter_range`` give exactly the hits of pyahocorasick's own pass over the whole text."""

from __future__ import annotations

import random

import ahocorasick

from factrules.acscan import iter_range, iter_text


def _automaton(words: list[str]) -> ahocorasick.Automaton:
    automaton = ahocorasick.Automaton()
    for word in words:
        automaton.add_word(word, (word, len(word)))
    automaton.make_automaton()
    return automaton


def test_hits_across_slice_boundaries_are_the_hits_of_one_pass() -> None:
    # words that nest and overlap ("said", "unsaid", "aid", "ai"), so a slice cut inside one would show
    words = ["said", "unsaid", "aid", "ai", "dunes", "s", "nsai"]
    automaton = _automaton(words)
    pieces = ["said", "unsaid", " ", "dunes", "x", "aid", "ai", "’", "s"]
    chooser = random.Random(14)
    for _ in range(200):
        text = "".join(chooser.choice(pieces) for _ in range(chooser.randint(0, 60)))
        whole = list(automaton.iter(text)) if text else []
        for chunk in (1, 2, 3, 5, 7, 16):
            assert list(iter_text(automaton, text, chunk)) == whole, (text, chunk)


def test_a_range_begins_afresh_and_reports_offsets_in_the_text() -> None:
    automaton = _automaton(["said", "aid"])
    text = "they said it; she said so"
    assert list(iter_range(automaton, text, 6, 20)) == list(automaton.iter(text, 6, 20))
    assert list(iter_range(automaton, text, 5, 25)) == list(automaton.iter(text, 5, 25))


def test_a_range_from_the_start_and_a_text_of_one_slice_give_the_automatons_own_hits() -> None:
    automaton = _automaton(["said", "aid", "so"])
    text = "they said it; she said so"
    for stop in (0, 4, 9, 21, len(text), len(text) + 5):
        assert list(iter_range(automaton, text, 0, stop)) == list(automaton.iter(text, 0, stop)), stop
    assert list(iter_text(automaton, text)) == list(automaton.iter(text))
    assert list(iter_text(automaton, text, len(text))) == list(iter_text(automaton, text, 4))
